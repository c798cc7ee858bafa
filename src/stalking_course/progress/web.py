"""The app side of progress: joining a group, "my data", the certificate, /verify/<code>, the trainer's view.

`install(app, handlers)` is the one call from CourseVoila.init_handlers: it adds these pages before the
catch-all 404, and swaps the course's page handler for one that hands the trainee's id to the page's
kernel: in a new kernel's environment, or, for a preheated kernel that rendered the page before anyone asked,
in a hand-over note in the data folder named after the kernel id, which the kernel picks up; never through
the browser.

Who is who: a trainee's browser holds a signed, HTTP-only cookie with their random learner id (signed
with a key derived from the data folder's key file, so it survives a restart). The trainer logs in with
the trainer token printed when the app starts (COURSE_TRAINER_TOKEN sets it). All text comes from
data/ui.yaml; all HTML from Jinja templates with autoescape.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import hmac
import json
import logging
import os
import secrets
from pathlib import Path
from urllib.parse import quote

import jinja2
import tornado.web
from jupyter_server.utils import url_path_join
from tornado.ioloop import PeriodicCallback

from ..content import LANGS, ui
from . import identity

log = logging.getLogger("stalking_course.progress")
TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
                               autoescape=True, trim_blocks=True, lstrip_blocks=True)
LEARNER_COOKIE = "course_learner"
TRAINER_COOKIE = "course_trainer"
PSEUDONYM_MIN, PSEUDONYM_MAX = 3, 40
_state = {"token": None}


def _store():
    from .store import get_store

    return get_store()


async def db(fn, *args, **kwargs):
    """Run a store call off the event loop (a write may wait for the database for a moment)."""
    return await asyncio.get_running_loop().run_in_executor(None, functools.partial(fn, *args, **kwargs))


@functools.lru_cache(maxsize=1)
def _cookie_secret() -> bytes:
    return hmac.new(identity.secret_key(), b"course-cookie-v1", hashlib.sha256).digest()


def trainer_token() -> str:
    if _state["token"] is None:
        _state["token"] = os.environ.get("COURSE_TRAINER_TOKEN") or secrets.token_urlsafe(24)
    return _state["token"]


def _token_tag() -> str:
    return hmac.new(_cookie_secret(), trainer_token().encode(), hashlib.sha256).hexdigest()[:32]


def retention_days() -> int:
    try:
        return int(os.environ.get("COURSE_RETENTION_DAYS", "365"))
    except ValueError:
        return 365


def _date(moment: dt.datetime, lang: str) -> str:
    try:
        from babel.dates import format_date

        return format_date(moment.date(), format="long", locale="nl_NL" if lang == "nl" else "en_GB")
    except Exception:  # noqa: BLE001 - Babel missing: ISO date
        return moment.date().isoformat()


def page_title(page_id: str, lang: str) -> str:
    from ..content.course import course

    try:
        return course().page(page_id).title[lang]
    except Exception:  # noqa: BLE001 - a page that no longer exists
        return page_id


def question_label(element: str, question: str, lang: str) -> str:
    kind, _, name = element.partition(":")
    try:
        if kind == "quiz":
            from ..content.questions import bank

            for n, q in enumerate(bank(name), 1):
                if q.id == question:
                    text = q.text[lang]
                    return f"{name} #{n}: {text[:90]}{'…' if len(text) > 90 else ''}"
        if kind == "case":
            from ..cases import case

            return case(name).title[lang]
        if kind == "signals":
            return f"{name}"
    except Exception:  # noqa: BLE001 - the content changed: show the ids
        pass
    return f"{element} / {question}"


def question_order(element: str, question: str) -> tuple:
    """Questions in the order of their bank (the order trainees meet them)."""
    kind, _, name = element.partition(":")
    if kind == "quiz":
        try:
            from ..content.questions import bank

            return element, next(n for n, q in enumerate(bank(name)) if q.id == question), question
        except Exception:  # noqa: BLE001 - a question that no longer exists goes last
            pass
    return element, 10_000, question


def choice_label(element: str, question: str, chosen, lang: str) -> str:
    kind, _, name = element.partition(":")
    try:
        if kind == "quiz":
            from ..content.questions import bank

            q = next(q for q in bank(name) if q.id == question)
            return " + ".join(q.options[i].text[lang] for i in chosen)
        if kind == "case":
            from ..cases import referral_label, referral_options

            return referral_label(referral_options()[chosen[1]], lang)
    except Exception:  # noqa: BLE001
        pass
    return json.dumps(chosen)


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
        other_url = self.request.path + "?" + "&".join(
            [f"{k}={quote(v[-1].decode(errors='replace'))}" for k, v in args.items() if k != "token"] + [f"lang={other}"])
        context.setdefault("start_url", self.start_url())
        html = TEMPLATES.get_template(template).render(
            lang=lang, t=t, title=t[title_key], static=url_path_join(self.base, "voila/static"),
            other=other, other_label=t["other_language"],
            other_lang_url=other_url if self.request.method == "GET" else None,
            messages=list(messages), xsrf=self.xsrf_form_html(), **context)
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
        value = tornado.web.decode_signed_value(_cookie_secret(), LEARNER_COOKIE, raw, max_age_days=400)
        if not value:
            return None  # forged or damaged
        learner = value.decode()
        try:
            if await db(_store().learner_exists, learner):
                return learner
        except Exception:  # noqa: BLE001 - no database: nobody is signed in
            log.exception("progress database unavailable")
        return None

    def remember(self, learner: str) -> None:
        signed = tornado.web.create_signed_value(_cookie_secret(), LEARNER_COOKIE, learner)
        self.set_cookie(LEARNER_COOKIE, signed, path=self.base, expires_days=365, httponly=True, samesite="Lax",
                        secure=self.request.protocol == "https")

    def forget(self) -> None:
        self.clear_cookie(LEARNER_COOKIE, path=self.base)

    # -- the trainer

    def is_trainer(self) -> bool:
        raw = self.get_cookie(TRAINER_COOKIE)
        value = raw and tornado.web.decode_signed_value(_cookie_secret(), TRAINER_COOKIE, raw, max_age_days=2)
        return bool(value) and hmac.compare_digest(value.decode(), _token_tag())


class Attempts:
    """Failed "come back" tries per address: codes cannot be guessed by trying many (in memory, per app)."""

    LIMIT, WINDOW = 30, 600.0

    def __init__(self):
        self.failures = {}

    def blocked(self, address: str) -> bool:
        import time

        now_ = time.monotonic()
        recent = [t for t in self.failures.get(address, []) if now_ - t < self.WINDOW]
        self.failures[address] = recent
        if len(self.failures) > 10_000:  # forget the oldest addresses rather than grow without bound
            for key in list(self.failures)[:5_000]:
                del self.failures[key]
        return len(recent) >= self.LIMIT

    def failed(self, address: str) -> None:
        import time

        self.failures.setdefault(address, []).append(time.monotonic())


RETURN_TRIES = Attempts()


class JoinHandler(ProgressPage):
    async def get(self):
        learner = await self.learner()
        if learner:
            group = await db(_store().learner_group, learner)
            return self.page("join.html", "progress_joined_title", joined=True, group=group or "-",
                             me_url=self.url("course/me", lang=self.lang))
        self.page("join.html", "progress_join_title", joined=False, action=self.url("course/join"),
                  group_value=self.get_argument("group", "")[:16], pseudonym_value="")

    async def post(self):
        t = ui(self.lang)
        group = self.get_body_argument("group", "")
        if not self.checked_form():
            return self._again(403, t["progress_err_form"], group)
        store = _store()
        if self.get_body_argument("do", "join") == "return":
            address = self.request.remote_ip or ""
            if RETURN_TRIES.blocked(address):
                return self._again(429, t["progress_err_too_many"], group)
            learner = await db(store.come_back, group, self.get_body_argument("code", "")[:200])
            if not learner:
                RETURN_TRIES.failed(address)
                return self._again(400, t["progress_err_return"], group)
            self.remember(learner)
            return self.page("join.html", "progress_joined_title", messages=[("right", t["progress_welcome_back"])],
                             joined=True, group=await db(store.learner_group, learner),
                             me_url=self.url("course/me", lang=self.lang))
        pseudonym = " ".join(self.get_body_argument("pseudonym", "").split())
        if pseudonym and not PSEUDONYM_MIN <= len(pseudonym) <= PSEUDONYM_MAX:
            return self._again(400, t["progress_err_pseudonym"], group)
        try:
            learner, code = await db(store.join, group, pseudonym or None)
        except KeyError:
            return self._again(400, t["progress_err_group"], group)
        except ValueError:
            return self._again(400, t["progress_err_taken"], group, pseudonym)
        self.remember(learner)
        self.page("join.html", "progress_joined_title", joined=True, code=code, pseudonym=bool(pseudonym),
                  group=await db(store.learner_group, learner), me_url=self.url("course/me", lang=self.lang))

    def _again(self, status, message, group="", pseudonym=""):
        self.page("join.html", "progress_join_title", status=status, messages=[("wrong", message)], joined=False,
                  action=self.url("course/join"), group_value=group[:16], pseudonym_value=pseudonym[:PSEUDONYM_MAX])


class MeHandler(ProgressPage):
    async def get(self):
        learner = await self.learner()
        data = await db(_store().export, learner) if learner else None
        lang = self.lang
        self.page("me.html", "progress_me_title", data=data, export_url=self.url("course/me/export"),
                  delete_url=self.url("course/me/delete"), signout_url=self.url("course/me/signout"),
                  join_url=self.url("course/join", lang=lang), page_title=lambda p: page_title(p, lang),
                  question_label=lambda e, q: question_label(e, q, lang))


class ExportHandler(ProgressPage):
    async def get(self):
        learner = await self.learner()
        if not learner:
            raise tornado.web.HTTPError(404)
        data = await db(_store().export, learner)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Content-Disposition", 'attachment; filename="my-course-data.json"')
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(data, ensure_ascii=False, indent=1))


class DeleteMeHandler(ProgressPage):
    async def post(self):
        t = ui(self.lang)
        learner = await self.learner()
        if not self.checked_form():
            raise tornado.web.HTTPError(403)
        if learner and self.get_body_argument("confirm", "") != "yes":
            self.set_status(400)
            return await self._me([("wrong", t["progress_delete_need_confirm"])], learner)
        if learner:
            await db(_store().delete_learner, learner)
        self.forget()
        self.page("base.html", "progress_me_title", messages=[("right", t["progress_deleted"])])

    async def _me(self, messages, learner):
        lang = self.lang
        self.page("me.html", "progress_me_title", status=400, messages=messages, data=await db(_store().export, learner),
                  export_url=self.url("course/me/export"), delete_url=self.url("course/me/delete"),
                  signout_url=self.url("course/me/signout"), join_url=self.url("course/join", lang=lang),
                  page_title=lambda p: page_title(p, lang), question_label=lambda e, q: question_label(e, q, lang))


class SignOutHandler(ProgressPage):
    async def post(self):
        if not self.checked_form():
            raise tornado.web.HTTPError(403)
        self.forget()
        self.page("base.html", "progress_me_title", messages=[("info", ui(self.lang)["progress_signed_out"])])


class CertificateHandler(ProgressPage):
    async def get(self):
        learner = await self.learner()
        assessment = await db(_store().best_assessment, learner) if learner else None
        self.page("certificate.html", "progress_cert_title", assessment=assessment, action=self.url("course/certificate"),
                  date=_date(assessment.created_at, self.lang) if assessment else "")

    async def post(self):
        from ..content.course import course
        from .certificate import NAME_MAX, certificate_pdf, clean_name

        t = ui(self.lang)
        learner = await self.learner()
        assessment = await db(_store().best_assessment, learner) if learner else None
        if not self.checked_form():
            raise tornado.web.HTTPError(403)
        if assessment is None:
            return self.page("certificate.html", "progress_cert_title", status=404, assessment=None)
        name = clean_name(self.get_body_argument("name", ""))
        date = _date(assessment.created_at, self.lang)
        if not 1 <= len(name) <= NAME_MAX:
            return self.page("certificate.html", "progress_cert_title", status=400, assessment=assessment,
                             messages=[("wrong", t["progress_err_name"])], action=self.url("course/certificate"), date=date)
        verify_url = f"{self.request.protocol}://{self.request.host}{self.url('verify/' + assessment.verify_code, lang=self.lang)}"
        pdf = certificate_pdf(lang=self.lang, t=t, course_title=course().title[self.lang], name=name, date=date,
                              percent=assessment.percent, right=assessment.right, total=assessment.total,
                              version=assessment.course_version, code=assessment.verify_code, verify_url=verify_url)
        self.set_header("Content-Type", "application/pdf")
        self.set_header("Content-Disposition", f'attachment; filename="certificate-{assessment.verify_code}.pdf"')
        self.set_header("Cache-Control", "no-store")
        self.finish(pdf)


class VerifyHandler(ProgressPage):
    async def get(self, code=""):
        from ..content.course import course

        assessment = await db(_store().verify, code) if code else None
        self.page("verify.html", "progress_verify_title", status=200 if assessment else 404, assessment=assessment,
                  date=_date(assessment.created_at, self.lang) if assessment else "", course_title=course().title[self.lang],
                  start_url=None)


# ---------------------------------------------------------------- the trainer's view

def _count(n: int, small: int) -> str:
    return "< 5" if n < small else str(n)


def report_rows(report: dict, lang: str) -> dict:
    """The trainer's tables, with every count of fewer than 5 trainees shown as "< 5"."""
    from ..content.course import course
    from .store import SMALL

    t = ui(lang)
    completion = []
    for p in course().pages:
        if p.kind in ("lesson", "exercise") or p.id == "final-assessment":
            completion.append((p.title[lang], _count(report["started"].get(p.id, 0), SMALL),
                               _count(report["completion"].get(p.id, 0), SMALL)))
    questions = []
    for (element, question), entry in sorted(report["questions"].items(), key=lambda kv: question_order(*kv[0])):
        label = question_label(element, question, lang)
        answered = entry["answered"]
        if answered < SMALL:
            questions.append((label, "< 5", "< 5", "< 5"))
            continue
        share = f"{round(100 * entry['right'] / answered)}%"
        wrong = ""
        if entry["wrong"]:
            key, n = max(entry["wrong"].items(), key=lambda kv: (kv[1], kv[0]))
            wrong = f"{choice_label(element, question, json.loads(key), lang)} ({_count(n, SMALL)})"
        questions.append((label, str(answered), share, wrong))
    topics = []
    for p in course().lessons:
        entry = report["topics"].get(p.id)
        if entry is None:
            continue
        if entry["trainees"] < SMALL:
            topics.append((p.title[lang], "< 5", "< 5"))
        else:
            topics.append((p.title[lang], str(entry["trainees"]), f"{round(100 * entry['right'] / entry['total'])}%"))
    assessed = report["assessed"]
    passed = t["progress_tr_passed"].format(passed=_count(report["passed"], SMALL), assessed=_count(assessed, SMALL))
    return {"completion": completion, "questions": questions, "topics": topics, "passed": passed}


class TrainerPage(ProgressPage):
    def require_trainer(self) -> bool:
        if self.is_trainer():
            return True
        self.page("trainer_login.html", "progress_tr_title", status=403, action=self.url("trainer"))
        return False

    def group_url(self, code: str) -> str:
        return self.url(f"trainer/group/{code}", lang=self.lang)


class TrainerHandler(TrainerPage):
    async def get(self):
        token = self.get_query_argument("token", "")
        if token:
            return self._login(token)
        if not self.require_trainer():
            return
        store = _store()
        groups = await db(store.groups)
        reports = [await db(store.group_report, g.code) for g in groups]
        rows = [{"code": g.code, "label": g.label, "joined": r["joined"] if r else 0,
                 "created": g.created_at.strftime("%Y-%m-%d %H:%M")} for g, r in zip(groups, reports)]
        self.page("trainer.html", "progress_tr_title", groups=rows, group_url=self.group_url,
                  create_url=self.url("trainer/groups"), start_url=None)

    def post(self):
        if not self.checked_form():
            raise tornado.web.HTTPError(403)
        self._login(self.get_body_argument("token", ""))

    def _login(self, token: str):
        if not hmac.compare_digest(token.encode(), trainer_token().encode()):
            return self.page("trainer_login.html", "progress_tr_title", status=403, action=self.url("trainer"),
                             messages=[("wrong", ui(self.lang)["progress_tr_bad_token"])])
        signed = tornado.web.create_signed_value(_cookie_secret(), TRAINER_COOKIE, _token_tag())
        self.set_cookie(TRAINER_COOKIE, signed, path=self.base, expires_days=1, httponly=True, samesite="Strict",
                        secure=self.request.protocol == "https")
        self.redirect(self.url("trainer", lang=self.lang))


class TrainerGroupsHandler(TrainerPage):
    async def post(self):
        if not self.checked_form() or not self.is_trainer():
            raise tornado.web.HTTPError(403)
        code = await db(_store().create_group, self.get_body_argument("label", "")[:80])
        self.redirect(self.group_url(code))


class TrainerGroupHandler(TrainerPage):
    async def get(self, code, csv=None):
        if not self.require_trainer():
            return
        report = await db(_store().group_report, code)
        if report is None:
            return self.page("base.html", "progress_tr_title", status=404,
                             messages=[("wrong", ui(self.lang)["progress_tr_unknown_group"])], start_url=None)
        rows = report_rows(report, self.lang)
        if csv:
            return self._csv(report, rows)
        self.page("trainer_group.html", "progress_tr_title", report=report, **rows, start_url=None,
                  csv_url=self.url(f"trainer/group/{report['code']}.csv", lang=self.lang),
                  back_url=self.url("trainer", lang=self.lang), delete_url=self.url(f"trainer/group/{report['code']}/delete"))

    def _csv(self, report, rows):
        from .store import csv_text

        t = ui(self.lang)
        lines = [[t["progress_tr_col_code"], report["code"]], [t["progress_tr_col_label"], report["label"]],
                 [t["progress_tr_col_joined"], report["joined"]], [],
                 [t["progress_tr_col_lesson"], t["progress_tr_col_started"], t["progress_tr_col_done"]],
                 *rows["completion"], [],
                 [t["progress_tr_col_question"], t["progress_tr_col_answered"], t["progress_tr_col_first"],
                  t["progress_tr_col_wrong"]],
                 *rows["questions"], [],
                 [t["progress_tr_col_topic"], t["progress_tr_col_trainees"], t["progress_tr_col_score"]],
                 *rows["topics"], [], [rows["passed"]]]
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition", f'attachment; filename="group-{report["code"]}.csv"')
        self.set_header("Cache-Control", "no-store")
        self.finish("\ufeff" + csv_text(lines))  # the BOM lets spreadsheet programs read UTF-8


class TrainerDeleteGroupHandler(TrainerPage):
    async def post(self, code):
        if not self.checked_form() or not self.is_trainer():
            raise tornado.web.HTTPError(403)
        t = ui(self.lang)
        if self.get_body_argument("confirm", "") != "yes":
            return self.page("base.html", "progress_tr_title", status=400, start_url=None,
                             messages=[("wrong", t["progress_delete_need_confirm"])])
        deleted = await db(_store().delete_group, code)
        if not deleted:
            return self.page("base.html", "progress_tr_title", status=404, start_url=None,
                             messages=[("wrong", t["progress_tr_unknown_group"])])
        self.page("base.html", "progress_tr_title", messages=[("right", t["progress_tr_deleted"].format(code=code))],
                  start_url=None)


# ---------------------------------------------------------------- the page handler and installation

class _KernelManagerFor:
    """The app's kernel manager, as seen by one page request: a kernel it starts gets the trainee's id."""

    def __init__(self, manager, learner: str | None):
        self._manager, self._learner = manager, learner

    def __getattr__(self, name):
        return getattr(self._manager, name)

    def start_kernel(self, *args, **kwargs):
        env = dict(kwargs.get("env") or os.environ)
        env.pop(identity.LEARNER_ENV, None)
        if self._learner:
            env[identity.LEARNER_ENV] = self._learner
        kwargs["env"] = env
        return self._manager.start_kernel(*args, **kwargs)

    async def get_rendered_notebook(self, *args, **kwargs):
        """A preheated kernel taken for this page: leave it a note with the trainee's id (empty: nobody)."""
        result = await self._manager.get_rendered_notebook(*args, **kwargs)
        try:
            notebook = kwargs.get("notebook_name") or (args[0] if args else "")
            await db(identity.write_handoff, result[2], self._learner or "", str(notebook))
        except Exception:  # noqa: BLE001 - the page still works; it just does not record
            log.exception("could not hand the learner id to a preheated kernel")
        return result


def learner_aware(handler_class):
    class LearnerAwareHandler(handler_class):
        _course_learner = _course_path = None

        @property
        def kernel_manager(self):
            return _KernelManagerFor(super().kernel_manager, self._course_learner)

        async def get(self, path=None):
            self._course_learner = await ProgressPage.learner(self)
            self._course_path = path
            return await super().get(path)

        def should_use_rendered_notebook(self, *args, **kwargs):
            from ..content.course import course

            if self._course_learner and self._course_path in (course().start.path(lang) for lang in LANGS):
                return False  # the start page shows this trainee's progress as it renders: a fresh kernel
            return super().should_use_rendered_notebook(*args, **kwargs)

    LearnerAwareHandler.__name__ = f"LearnerAware{handler_class.__name__}"
    return LearnerAwareHandler


def install(app, handlers: list, page_handler=None) -> list:
    """Add the progress pages to the app's handlers (before the catch-all), and make `page_handler` (the
    course's page handler class) hand the trainee's id to page kernels. Returns the new list."""
    os.environ.pop(identity.LEARNER_ENV, None)  # only a page request may name a learner
    base = getattr(app, "base_url", "/") or "/"
    code = r"([A-Za-z0-9-]{1,40})"
    ours = [
        (url_path_join(base, r"/course/join"), JoinHandler),
        (url_path_join(base, r"/course/me"), MeHandler),
        (url_path_join(base, r"/course/me/export"), ExportHandler),
        (url_path_join(base, r"/course/me/delete"), DeleteMeHandler),
        (url_path_join(base, r"/course/me/signout"), SignOutHandler),
        (url_path_join(base, r"/course/certificate"), CertificateHandler),
        (url_path_join(base, rf"/verify/{code}"), VerifyHandler),
        (url_path_join(base, r"/trainer"), TrainerHandler),
        (url_path_join(base, r"/trainer/groups"), TrainerGroupsHandler),
        (url_path_join(base, rf"/trainer/group/{code}(\.csv)?"), TrainerGroupHandler),
        (url_path_join(base, rf"/trainer/group/{code}/delete"), TrainerDeleteGroupHandler),
    ]
    result = []
    for handler in handlers:
        if page_handler is not None and handler[1] is page_handler:
            handler = (handler[0], learner_aware(page_handler), *handler[2:])
        result.append(handler)
    catch_all = next((i for i, h in enumerate(result) if h[0] in (r"/(.*)", url_path_join(base, r"/(.*)"))), len(result))
    result[catch_all:catch_all] = ours
    _start(app)
    return result


def _start(app) -> None:
    import shutil

    shutil.rmtree(identity.data_dir() / "handoff", ignore_errors=True)  # notes for kernels of an earlier run
    try:
        store = _store()
        days = retention_days()
        gone = store.purge(days)
        if gone:
            log.info("Retention: deleted %s records older than %s days", gone, days)
        PeriodicCallback(lambda: _purge_quietly(days), 6 * 3600 * 1000).start()
    except Exception as error:  # noqa: BLE001 - the course still works; progress is off until the database is back
        log.error("Progress is not recorded: the database (%s) is not available: %s", _safe_url(), error)
    url = f"http://{app.ip or 'localhost'}:{app.port}{getattr(app, 'base_url', '/')}"
    message = f"Trainer's view / trainersoverzicht: {url}trainer?token={trainer_token()}"
    print(message, flush=True)


def _purge_quietly(days: int) -> None:
    try:
        _store().purge(days)
    except Exception:  # noqa: BLE001
        log.exception("retention purge failed")


def _safe_url() -> str:
    from sqlalchemy.engine import make_url

    from .store import db_url

    return make_url(db_url()).render_as_string(hide_password=True)
