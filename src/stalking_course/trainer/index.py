"""The trainer's index pages: slides/build/<lang>/index.html and slides/build/index.html."""

from __future__ import annotations

from ..content import LANGS, fill, ui
from ..content.course import course
from ..content.slides import disclosure
from ..elements.chrome import content_notice_html
from ..render import Markup, render
from .base import texts, trainer_page
from .notebooks import deck_pages, is_placeholder, read_notebook
from .plans import plans_html


def index_html(lang: str, decks: dict, built: str = "") -> str:
    """The trainer's start page in one language: notice, how to present, decks, plans, disclosure.
    decks: {page id: deck file} of the decks that were built."""
    t, c = texts(lang), course()
    pages = deck_pages(c)
    body = render(
        "trainer/index.html.j2",
        lang=lang,
        other="en" if lang == "nl" else "nl",
        t=t,
        cu=ui(lang),
        course=c,
        decks=decks,
        placeholders={p.id for p in pages if is_placeholder(read_notebook(p.path(lang)))},
        objectives={p.id: [fill(o, lang) for o in p.objectives[lang]] for p in pages},
        notice=Markup(content_notice_html(lang)),
        plans=Markup(plans_html(lang, decks)),
        disclosure=disclosure(lang),
        built=built,
    )
    return trainer_page(lang, f"{t['material_title']} – {c.title[lang]}", body)


def root_index_html() -> str:
    c = course()
    body = render("trainer/root.html.j2", course=c, titles=[(lang, texts(lang)["material_title"]) for lang in LANGS])
    return trainer_page("nl", c.title["nl"], body, quick_exit=False)
