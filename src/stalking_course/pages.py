"""The course's own small pages and routes, shared by the app (stalking_course.app) and the hub's
single-user server (stalking_course.hub_server): the not-found and busy pages, the start redirect, the
language of a path, and the gate in front of Voila's page handler.

Light on purpose (no Voila import): the hub extension imports it before Voila is loaded.
"""

from __future__ import annotations

import os
from pathlib import Path

import tornado.web
from jupyter_server.utils import url_path_join

from .content import LANGS, ui
from .content.course import course
from .render import render

__all__ = [
    "CoursePageGate",
    "NotFoundHandler",
    "StartRedirectHandler",
    "bilingual_not_found_page",
    "page_lang",
    "simple_page",
    "start_url",
]


SHARE = Path(__file__).resolve().parent / "share" / "jupyter"  # the course's Voila templates


def use_course_templates() -> None:
    """Put the course's templates on the Jupyter path (JUPYTER_PATH, first), where Voila looks for templates."""
    paths = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    if str(SHARE) not in paths:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([str(SHARE), *paths])


def interface_text() -> dict:
    """The interface text the course's templates read (quick exit, ...): data/ui.yaml in every language."""
    return {lang: ui(lang) for lang in LANGS}


def page_lang(path: str) -> str:
    """The language of a URL path: /en/ in it means English, anything else Dutch (the default)."""
    return "en" if "/en/" in f"/{path}/" else "nl"


def start_url(base_url: str, lang: str = "nl") -> str:
    """The start page in that language, under the server's base URL."""
    return url_path_join(base_url, "voila/render", course().start.path(lang))


def simple_page(base_url: str, lang: str, title_key: str, text_key: str, english: bool = False) -> str:
    """A small page in the course's look (404, busy) with the quick-exit control; title and text are keys of
    data/ui.yaml. english: the same message in English under it (for a page that is Dutch by default)."""
    t = ui(lang)
    second = None
    if english:
        en = ui("en")
        second = {
            "title": en[title_key],
            "text": en[text_key],
            "to_start": en["to_start"],
            "start_url": start_url(base_url, "en"),
        }
    return render(
        "app/simple_page.html.j2",
        lang=lang,
        t=t,
        title=t[title_key],
        text=t[text_key],
        static=url_path_join(base_url, "voila/static"),
        start_url=start_url(base_url, lang),
        english=second,
    )


def bilingual_not_found_page(base_url: str) -> str:
    """For addresses outside the course (no language in them): Dutch first, then English."""
    return simple_page(base_url, "nl", "not_found_title", "not_found_text", english=True)


class StartRedirectHandler(tornado.web.RequestHandler):
    """`/`, `/voila`, the Voila tree and `/en`: the start page (Dutch unless the path says English)."""

    def get(self, path=""):
        self.redirect(start_url(self.settings["base_url"], page_lang(path or "")))


class NotFoundHandler(tornado.web.RequestHandler):
    """Anything that is not a course page (the Voila contents listing too): the 404 page in the path's language."""

    def prepare(self):
        self.set_status(404)
        self.finish(
            simple_page(self.settings["base_url"], page_lang(self.request.path), "not_found_title", "not_found_text")
        )


class CoursePageGate:
    """On Voila's page handler: only course pages, only with the course's templates, and no new kernel past the
    cap on live kernels (a friendly 'busy' page instead)."""

    def refused(self, path, allowed_templates, max_kernels: int, pending: int = 0) -> bool:
        """Answer with the 404 or busy page and return True, or return False: the page may be rendered.
        pending: pages being rendered right now, whose kernels may not be registered yet."""
        base_url, lang = self.settings["base_url"], page_lang(path or "")
        if path not in course().by_path() or self.get_argument("template", None) not in allowed_templates:
            self.set_status(404)
            self.finish(simple_page(base_url, lang, "not_found_title", "not_found_text"))
            return True
        if len(self.kernel_manager.list_kernel_ids()) + pending >= max_kernels:
            self.set_status(503)
            self.set_header("Retry-After", "10")
            self.finish(simple_page(base_url, lang, "busy_title", "busy_text"))
            return True
        return False
