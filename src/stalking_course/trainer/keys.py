"""The answer keys of the trainer's material (slides/build/<lang>/answer-keys.html).

Every element on the course's pages gives its own part through its `answer_key` hook (elements/, found
through the registry): the question banks, the signal exercises, the cases, with the right answers, the
explanations and the feedback on every option. Sections come in the order of their group (questions,
signal exercises, cases), then of the pages; a section two pages use is listed once. For the trainer,
not to hand out (the page says so).
"""

from __future__ import annotations

from ..content.course import course
from ..elements import registry
from ..render import Markup, render
from .base import texts, trainer_page
from .notebooks import calls, read_notebook


def key_sections(lang: str) -> list:
    """Every element's KeySection, ordered by group, then by where it first appears in the course."""
    found = {}
    for page in course().pages:
        for cell in read_notebook(page.path(lang)).cells:
            for call in calls(cell):
                answer_key = registry.hook(call.kind, "answer_key")
                section = answer_key(call, page, lang) if answer_key else None
                if section is not None and section.anchor not in found:
                    found[section.anchor] = (section.group, len(found), section)
    return [section for *_, section in sorted(found.values(), key=lambda item: item[:2])]


def answer_keys_html(lang: str, built: str = "") -> str:
    """The answer keys of one language: every question bank, the signal exercises and the cases."""
    t = texts(lang)
    sections = [{"anchor": s.anchor, "title": s.title, "html": Markup(s.html)} for s in key_sections(lang)]
    body = render("trainer/answer_keys.html.j2", t=t, sections=sections, built=built)
    return trainer_page(lang, f"{t['keys_title']} – {t['material_title']}", body, quick_exit=False)
