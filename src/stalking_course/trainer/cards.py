"""Printable case cards (slides/build/<lang>/case-cards.html): every case on a page of its own, with the
three questions and their options and without any answer. Every card says that the case is fictional.

The cases come from data/cases.yaml (content.cases), the referral options from the
referral engine; the interface text from data/cases.yaml (ui) and data/slides.yaml (ui).
"""

from __future__ import annotations

from ..content import cases, ui
from ..content.course import course, page_label
from ..render import render
from .base import texts, trainer_page


def _parts(the_case, lang: str, cu: dict) -> list:
    """The case's three questions: their options' text (right and wrong alike) and hint."""
    referral = [cases.referral_label(option, lang) for option in cases.referral_options()]
    return [
        {"name": "signals", "options": [c.text[lang] for c in the_case.signals], "hint": cu["signals_hint"]},
        {"name": "referral", "options": referral, "hint": cu["referral_hint"]},
        {"name": "advice", "options": [c.text[lang] for c in the_case.advice], "hint": cu["advice_hint"]},
    ]


def case_cards_html(lang: str, built: str = "") -> str:
    """Every case of every case exercise, in the exercises' order, as a card to print."""
    t, cu = texts(lang), ui(lang, "cases")
    cards = []
    for exercise in course().exercises:
        group = [c for c in cases.cases() if c.group == exercise.id]
        for n, the_case in enumerate(group, 1):
            cards.append(
                {
                    "case": the_case,
                    "exercise": page_label(exercise, lang),
                    "n": n,
                    "total": len(group),
                    "parts": _parts(the_case, lang, cu),
                }
            )
    body = render("trainer/case_cards.html.j2", t=t, cu=cu, lang=lang, cards=cards, built=built)
    return trainer_page(lang, f"{t['cards_title']} – {t['material_title']}", body, quick_exit=False)
