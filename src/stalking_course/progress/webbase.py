"""What every progress page shares: the page shell in the course's look and language, who the trainee is
(a signed, HTTP-only cookie with their random learner id, signed with a key derived from the data folder's
key file, so it survives a restart), whether the trainer is logged in (the trainer token printed when the
app starts; COURSE_TRAINER_TOKEN sets it), and store calls off the event loop.

All text comes from data/ui.yaml; all HTML from the Jinja templates in render/templates/pages/ (autoescape).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import hmac
import logging
import os
import secrets
from urllib.parse import quote

import jinja2
import tornado.web
from jupyter_server.utils import url_path_join

from ..content import LANGS, ui
from ..render import environment
from . import identity

log = logging.getLogger("stalking_course.progress")
LEARNER_COOKIE = "course_learner"
TRAINER_COOKIE = "course_trainer"
_state = {"token": None}


@functools.lru_cache(maxsize=1)
def _pages():
    """The course's template environment (render/templates/pages/); these pages test optional values
    with `{% if ... %}`, so an undefined value is empty here rather than an error."""
    return environment().overlay(undefined=jinja2.Undefined)


def progress_store():
    """The app's store (migrated on first use); imported here, when first needed."""
    from .store import get_store

    return get_store()


async def db(fn, *args, **kwargs):
    """Run a store call off the event loop (a write may wait for the database for a moment)."""
    return await asyncio.get_running_loop().run_in_executor(None, functools.partial(fn, *args, **kwargs))


@functools.lru_cache(maxsize=1)
def cookie_secret() -> bytes:
    """The key the app signs its cookies with, derived from the data folder's key file (survives a restart)."""
    return hmac.new(identity.secret_key(), b"course-cookie-v1", hashlib.sha256).digest()


def trainer_token() -> str:
    """The trainer's log-in token: COURSE_TRAINER_TOKEN, or a random one printed when the app starts."""
    if _state["token"] is None:
        _state["token"] = os.environ.get("COURSE_TRAINER_TOKEN") or secrets.token_urlsafe(24)
    return _state["token"]


def trainer_token_tag() -> str:
    """What the trainer's cookie holds: a keyed hash of the token (a new token logs every trainer out)."""
    return hmac.new(cookie_secret(), trainer_token().encode(), hashlib.sha256).hexdigest()[:32]


def retention_days() -> int:
    """Days progress records are kept (COURSE_RETENTION_DAYS, default 365)."""
    try:
        return int(os.environ.get("COURSE_RETENTION_DAYS", "365"))
    except ValueError:
        return 365


def long_date(moment: dt.datetime, lang: str) -> str:
    """A date written out in the page's language (Babel), e.g. 2 december 2026 / 2 December 2026."""
    try:
        from babel.dates import format_date

        return format_date(moment.date(), format="long", locale="nl_NL" if lang == "nl" else "en_GB")
    except Exception:  # noqa: BLE001 - Babel missing: ISO date
        return moment.date().isoformat()


class ProgressPage(tornado.web.RequestHandler):
    """A course-looking page in the request's language (?lang=en, or the form's lang)."""

    @property
    def lang(self) -> str:
        lang = self.get_argument("lang", "nl")
        return lang if lang in LANGS else "nl"

    @property
    def base(self) -> str:
        return self.settings.get("base_url", "/")

    def url(self, path: str, **query) -> str:
        q = "&".join(f"{k}={quote(str(v))}" for k, v in query.items())
        return url_path_join(self.base, path) + (f"?{q}" if q else "")

    def start_url(self, lang=None) -> str:
        from ..content.course import course

        return url_path_join(self.base, "voila/render", course().start.path(lang or self.lang))

    def page(self, template: str, title_key: str, status: int = 200, messages=(), **context) -> None:
        lang = self.lang
        other = "en" if lang == "nl" else "nl"
        t = ui(lang)
        self.set_status(status)
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Frame-Options", "DENY")
        self.set_header("Referrer-Policy", "no-referrer")
        args = {k: v for k, v in self.request.query_arguments.items() if k != "lang"}
        other_url = (
            self.request.path
            + "?"
            + "&".join(
                [f"{k}={quote(v[-1].decode(errors='replace'))}" for k, v in args.items() if k != "token"]
                + [f"lang={other}"]
            )
        )
        context.setdefault("start_url", self.start_url())
        html = (
            _pages()
            .get_template(f"pages/{template}.j2")
            .render(
                lang=lang,
                t=t,
                title=t[title_key],
                static=url_path_join(self.base, "voila/static"),
                other=other,
                other_label=t["other_language"],
                other_lang_url=other_url if self.request.method == "GET" else None,
                messages=list(messages),
                xsrf=self.xsrf_form_html(),
                **context,
            )
        )
        self.finish(html)

    def write_error(self, status_code: int, **kwargs) -> None:
        t = ui(self.lang)
        if status_code >= 500:  # e.g. the database is down: the course itself still works
            title, key = "busy_title", "busy_text"
        elif status_code == 403:
            title, key = "progress_me_title", "progress_err_form"
        else:
            title, key = "not_found_title", "not_found_text"
        self.page("base.html", title, status=status_code, messages=[("wrong", t[key])])

    def checked_form(self) -> bool:
        """The form came from our own page (the _xsrf field matches its cookie)."""
        try:
            self.check_xsrf_cookie()
            return True
        except tornado.web.HTTPError:
            return False

    # -- the trainee

    async def learner(self) -> str | None:
        raw = self.get_cookie(LEARNER_COOKIE)
        if not raw:
            return None
        value = tornado.web.decode_signed_value(cookie_secret(), LEARNER_COOKIE, raw, max_age_days=400)
        if not value:
            return None  # forged or damaged
        learner = value.decode()
        try:
            if await db(progress_store().learner_exists, learner):
                return learner
        except Exception:  # noqa: BLE001 - no database: nobody is signed in
            log.exception("progress database unavailable")
        return None

    def remember(self, learner: str) -> None:
        signed = tornado.web.create_signed_value(cookie_secret(), LEARNER_COOKIE, learner)
        self.set_cookie(
            LEARNER_COOKIE,
            signed,
            path=self.base,
            expires_days=365,
            httponly=True,
            samesite="Lax",
            secure=self.request.protocol == "https",
        )

    def forget(self) -> None:
        self.clear_cookie(LEARNER_COOKIE, path=self.base)

    # -- the trainer

    def is_trainer(self) -> bool:
        raw = self.get_cookie(TRAINER_COOKIE)
        value = raw and tornado.web.decode_signed_value(cookie_secret(), TRAINER_COOKIE, raw, max_age_days=2)
        return bool(value) and hmac.compare_digest(value.decode(), trainer_token_tag())


def safe_db_url() -> str:
    from sqlalchemy.engine import make_url

    from .store import db_url

    return make_url(db_url()).render_as_string(hide_password=True)
