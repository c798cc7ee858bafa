"""What every part of the trainer's build shares: where things are, the one error, the page shell."""

from __future__ import annotations

import functools
from pathlib import Path

from ..content import REPO_ROOT, ui
from ..render import Markup, render

PACKAGE_DIR = Path(__file__).resolve().parents[1]
SLIDES_DIR = REPO_ROOT / "slides"
BUILD_DIR = SLIDES_DIR / "build"
README = SLIDES_DIR / "README.md"
DECK_TEMPLATES = SLIDES_DIR / "templates"
TEMPLATES = PACKAGE_DIR / "share" / "jupyter" / "voila" / "templates"
LIVE_STATIC = TEMPLATES / "course-reveal" / "static"
COURSE_STATIC = TEMPLATES / "course" / "static"
PAGES = ("index.html", "answer-keys.html", "case-cards.html")  # the trainer's pages next to the decks


class SlidesError(RuntimeError):
    """The slides cannot be built (a notebook fails, a content error, npm missing)."""


@functools.cache
def asset(path: Path) -> str:
    """A stylesheet or script, read once, to inline in a page or deck."""
    return path.read_text(encoding="utf-8")


def texts(lang: str) -> dict:
    """The trainer's interface text (the ui: block of data/slides.yaml), facts filled in."""
    return ui(lang, "slides")


def trainer_page(lang: str, title: str, body: str, quick_exit: bool = True) -> str:
    """A trainer's page: the course stylesheet and the trainer's styles inlined, nothing from elsewhere."""
    css = asset(COURSE_STATIC / "course.css") + asset(DECK_TEMPLATES / "trainer.css")
    html = render(
        "trainer/page.html.j2",
        lang=lang,
        title=title,
        css=Markup(css),
        body=Markup(body),
        quick_exit=quick_exit,
        cu=ui(lang) if quick_exit else {},
        script=Markup(asset(COURSE_STATIC / "course.js")) if quick_exit else "",
    )
    return html + "\n"
