"""Printable case cards (slides/build/<lang>/case-cards.html): every case on a page of its own, with the
three questions and their options and without any answer. Every card says that the case is fictional.

The cases come from data/cases.yaml (content.cases), the referral options from the
referral engine; the interface text from data/cases.yaml (ui) and data/slides.yaml (ui).
"""

from __future__ import annotations

from markupsafe import Markup

from ..content import cases
from ..content.course import course
from ..elements.cases import case_card_html
from ..render import render
from .base import texts, trainer_page


def case_cards_html(lang: str, built: str = "") -> str:
    """Every case of every case exercise, in the exercises' order, as a card to print (elements.cases draws
    each card, the same card a deck's case slides are made from)."""
    t = texts(lang)
    cards = [
        Markup(case_card_html(c, lang))
        for exercise in course().exercises
        for c in cases.cases()
        if c.group == exercise.id
    ]
    body = render("trainer/case_cards.html.j2", t=t, cards=cards, built=built)
    return trainer_page(lang, f"{t['cards_title']} – {t['material_title']}", body, quick_exit=False)
