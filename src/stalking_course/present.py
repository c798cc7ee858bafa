"""Present a lesson live, as slides with working quizzes, on a laptop without internet.

    python -m stalking_course.present --lesson=what-is-stalking --lang=nl [--port=8866] [--open]
    make present LESSON=what-is-stalking LANG=nl

It runs the course app (stalking_course.app) with the course's reveal template (templates/course-reveal)
as the default, so the lesson opens as reveal.js slides in which the quiz, the referral guide and the
exercises work as on the trainee's page. `/` opens the lesson. Nothing is loaded from the internet:
reveal.js 4.x comes from the pinned npm package (slides/package-lock.json; `npm ci` runs once when it
is missing), the rest from Voila and the course.

Kernels. Every page that Voila renders starts a kernel. Pressing S opens reveal's speaker view, which
shows the current and the next slide in two <iframe>s that load the same page again with `?receiver`:
with plain Voila that is two more kernels (three in all) for one presenter, each running the whole
lesson. Here those requests get a static copy of the same slides instead (PreviewHandler), rendered
once from a notebook run at start-up, so a presenter's session uses one kernel, also with the speaker
view open. GET /voila/present/status says how many kernels are live.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import webbrowser

import tornado.web
from tornado.ioloop import IOLoop

from .app import CourseVoila, CourseVoilaHandler
from .content import LANGS, REPO_ROOT, ContentError
from .content.course import course

TEMPLATE = "course-reveal"


class Previews:
    """The static slides the speaker view shows, one per notebook, rendered on first use."""

    def __init__(self):
        self.cache, self.locks = {}, {}

    async def get(self, path: str, lang: str, base_url: str) -> str:
        from .trainer.decks import preview_deck

        lock = self.locks.setdefault(path, asyncio.Lock())
        async with lock:
            if path not in self.cache:
                prefix = f"{base_url}voila/templates/{TEMPLATE}/static/reveal"
                self.cache[path] = await preview_deck(path, lang, prefix)
            return self.cache[path]


PREVIEWS = Previews()


def page_lang_of(path: str) -> str:
    return course().by_path()[path][1]


class PresentMixin:
    """On a course page handler: the speaker view's `?receiver` copies get the static preview (no kernel)."""

    @tornado.web.authenticated
    async def get(self, path=None):
        if "receiver" in self.request.arguments:
            if path not in course().by_path():
                raise tornado.web.HTTPError(404)
            html = await PREVIEWS.get(path, page_lang_of(path), self.settings["base_url"])
            self.set_header("Cache-Control", "no-cache")
            self.finish(html)
            return
        await super().get(path)


class PresentHandler(PresentMixin, CourseVoilaHandler):
    """A course page with the speaker view's previews."""


def present_handler(page_handler):
    """The course's page handler as the app wires it (the app may wrap CourseVoilaHandler in a subclass,
    e.g. to hand the learner's id to kernels), with the speaker view's previews."""
    if page_handler is CourseVoilaHandler:
        return PresentHandler
    return type(f"Present{page_handler.__name__}", (PresentMixin, page_handler), {})


class PresentRedirectHandler(tornado.web.RequestHandler):
    def get(self):
        self.redirect(self.settings["present_url"])


class StatusHandler(tornado.web.RequestHandler):
    """How many kernels are live (for the trainer's curiosity and for the tests)."""

    def get(self):
        voila = self.settings["voila"]
        self.set_header("Content-Type", "application/json")
        self.finish(
            json.dumps(
                {
                    "lesson": voila.present_path,
                    "url": self.settings["present_url"],
                    "kernels": len(voila.kernel_manager.list_kernel_ids()),
                }
            )
        )


class PresentVoila(CourseVoila):
    name = "stalking-course-present"
    description = "Present a lesson of the stalking-awareness course as live slides"
    present_path = ""  # the notebook being presented, from the repository root

    def init_handlers(self):
        base = self.base_url.rstrip("/")
        handlers = []
        for handler in super().init_handlers():
            if isinstance(handler[1], type) and issubclass(handler[1], CourseVoilaHandler):
                handlers.append((handler[0], present_handler(handler[1]), *handler[2:]))
            else:
                handlers.append(handler)
        return [(rf"{base}/?", PresentRedirectHandler), (rf"{base}/voila/present/status", StatusHandler), *handlers]

    def init_settings(self):
        settings = super().init_settings()
        settings["present_url"] = f"{self.base_url}voila/render/{self.present_path}"
        # Render the speaker view's preview while the trainer opens the page.
        IOLoop.current().add_callback(self._warm_preview)
        return settings

    async def _warm_preview(self):
        try:
            await PREVIEWS.get(self.present_path, page_lang_of(self.present_path), self.base_url)
        except Exception as error:  # the live page still works; the speaker view then shows the error
            self.log.warning("The speaker view's preview could not be made: %s", error)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stalking_course.present", description=__doc__.split("\n\n")[0])
    parser.add_argument("--lesson", default="what-is-stalking", help="a page id from data/course.yaml")
    parser.add_argument("--lang", default="nl", choices=LANGS)
    parser.add_argument("--open", action="store_true", help="open the presentation in the web browser")
    args, voila_args = parser.parse_known_args(argv)
    from .trainer.base import SlidesError
    from .trainer.reveal import ensure_live_assets
    from .validate import validate_all

    try:
        validate_all()
        page = course().page(args.lesson)
    except ContentError as error:
        print(f"The course content has an error, so the presentation did not start:\n  {error}", file=sys.stderr)
        return 2
    except KeyError as error:
        print(error.args[0], file=sys.stderr)
        return 2
    try:
        ensure_live_assets()
    except SlidesError as error:
        print(f"The presentation did not start: {error}", file=sys.stderr)
        return 2
    PresentVoila.present_path = page.path(args.lang)
    os.chdir(REPO_ROOT)  # Voila reads voila.json from the working directory
    app = PresentVoila.instance()
    # No preheated kernels: voila.json keeps one ready for each start page, which a presenter does not open.
    app.initialize([f"--template={TEMPLATE}", "--VoilaConfiguration.preheat_kernel=False", *voila_args])
    url = f"http://{app.ip}:{app.port}{app.base_url}"
    print(
        f"\n  {page.title[args.lang]} ({args.lang}): {url}\n"
        f"  S opens the speaker view (allow pop-ups), F full screen, Esc the overview. Ctrl+C stops.\n",
        flush=True,
    )
    if args.open:
        IOLoop.current().call_later(1.5, lambda: webbrowser.open(url))
    app.start()
    return 0


__all__ = ["PresentVoila", "PresentHandler", "main"]

if __name__ == "__main__":
    sys.exit(main())
