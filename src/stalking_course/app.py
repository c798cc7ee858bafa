"""The course app: Voila, with the course's own routes around it.

    python -m stalking_course.app [--port=8866] [--Voila.ip=0.0.0.0]

What this adds to a plain `voila .`:
- `/` opens the Dutch start page; the Voila file tree and the contents API are gone, so nothing but the
  course's pages can be listed or rendered (an unknown page gets a friendly 404 in its language);
- the content in data/ is checked before the server starts: a broken file stops it with a message that
  names the file and the field;
- the `_xsrf` cookie is set on every page, so the page's kernel is shut down when the page is closed,
  also when a page is opened directly (voila-dashboards/voila#1458);
- a cap on live kernels, with a friendly "busy" page instead of running out of memory;
- the course template (templates/course): no CDN, a quick-exit control, `lang` set per page.
Settings that plain Voila understands live in voila.json at the repository root.
"""
from __future__ import annotations

import os
import sys
from html import escape
from pathlib import Path

import tornado.web
from traitlets import Int
from voila.app import Voila
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from .content import LANGS, REPO_ROOT, ContentError, ui
from .course import course
from .validate import validate_all

PACKAGE_DIR = Path(__file__).resolve().parent
ALLOWED_TEMPLATES = {None, "course", "reveal"}


def page_lang(path: str) -> str:
    """The language of a URL path: /en/ in it means English, anything else Dutch (the default)."""
    return "en" if "/en/" in f"/{path}/" else "nl"


def start_url(base_url: str, lang: str = "nl") -> str:
    return f"{base_url}voila/render/{course().start.path(lang)}"


def simple_page(base_url: str, lang: str, title: str, text: str) -> str:
    """A small page in the course's look (404, busy), with the quick-exit control."""
    t = ui(lang)
    static = f"{base_url}voila/static"
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><link rel="stylesheet" href="{static}/course.css"></head>
<body class="course-simple-page" data-exit-url="{escape(t['quick_exit_url'])}">
<a class="course-quick-exit" href="{escape(t['quick_exit_url'])}" title="{escape(t['quick_exit_hint'])}">{escape(t['quick_exit'])}</a>
<main><h1>{escape(title)}</h1><p>{escape(text)}</p>
<p><a href="{escape(start_url(base_url, lang))}">{escape(t['to_start'])}</a></p></main>
<script src="{static}/course.js"></script></body></html>"""


class NotFoundHandler(tornado.web.RequestHandler):
    """Anything that is not a course page: a friendly 404 in the page's language."""

    def prepare(self):
        lang = page_lang(self.request.path)
        t = ui(lang)
        self.set_status(404)
        self.finish(simple_page(self.settings["base_url"], lang, t["not_found_title"], t["not_found_text"]))


class StartRedirectHandler(tornado.web.RequestHandler):
    """`/` and the Voila tree: go to the start page (Dutch unless the path says English)."""

    def get(self, path=""):
        self.redirect(start_url(self.settings["base_url"], page_lang(path or "")))


class CourseVoilaHandler(TornadoVoilaHandler):
    """Renders course pages only, and only with the course's templates."""

    @tornado.web.authenticated
    async def get(self, path=None):
        base_url = self.settings["base_url"]
        lang = page_lang(path or "")
        if path not in course().by_path() or self.get_argument("template", None) not in ALLOWED_TEMPLATES:
            t = ui(lang)
            self.set_status(404)
            self.finish(simple_page(base_url, lang, t["not_found_title"], t["not_found_text"]))
            return
        app = self.settings["voila"]
        if len(self.kernel_manager.list_kernel_ids()) >= app.max_kernels:
            t = ui(lang)
            self.set_status(503)
            self.set_header("Retry-After", "10")
            self.finish(simple_page(base_url, lang, t["busy_title"], t["busy_text"]))
            return
        self.xsrf_token  # sets the _xsrf cookie that the page's shutdown beacon needs (voila#1458)
        await super().get(path)


class CourseVoila(Voila):
    name = "stalking-course"
    description = "The stalking-awareness course, served by Voila"

    max_kernels = Int(80, config=True, help="Live kernels at most; past it a page says 'busy, try again'.")

    def initialize(self, argv=None):
        # The course template lives in the package; Voila looks for templates on the Jupyter path.
        share = str(PACKAGE_DIR / "share" / "jupyter")
        paths = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
        if share not in paths:
            os.environ["JUPYTER_PATH"] = os.pathsep.join([share, *paths])
        super().initialize(argv)
        if not self.notebook_path:
            self.root_dir = str(REPO_ROOT)
        # The template reads the interface text (quick exit, ...) from here: one source, data/ui.yaml.
        resources = dict(self.config.VoilaConfiguration.get("resources", {}) or {})
        resources["course_ui"] = {lang: ui(lang) for lang in LANGS}
        self.config.VoilaConfiguration.resources = resources

    def init_handlers(self):
        handlers = []
        for handler in super().init_handlers():
            pattern, cls = handler[0], handler[1]
            if cls is TornadoVoilaTreeHandler:
                handlers.append((pattern, StartRedirectHandler))
            elif cls is VoilaContentsHandler:
                continue  # no file listings over HTTP
            elif cls is TornadoVoilaHandler:
                handlers.append((pattern, CourseVoilaHandler, *handler[2:]))
            else:
                handlers.append(handler)
        handlers.append((r"/(.*)", NotFoundHandler))
        return handlers

    def init_settings(self):
        settings = super().init_settings()
        settings["voila"] = self
        return settings


def main(argv=None):
    try:
        validate_all()
    except ContentError as error:
        print(f"The course content has an error, so the app did not start:\n  {error}", file=sys.stderr)
        return 2
    os.chdir(REPO_ROOT)  # Voila reads voila.json from the working directory
    CourseVoila.launch_instance(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
