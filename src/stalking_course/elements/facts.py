"""Fact cards: `show_facts("veilig_thuis_phone", lang="nl")`, one card per fact of data/facts.yaml, with its source."""

from __future__ import annotations

from ..content import LANGS, fact, facts, ui
from ..render import render
from .base import friendly_errors, show_html


def fact_html(key: str, lang: str) -> str:
    return render("fact_card.html.j2", t=ui(lang), fact=fact(key), lang=lang)


@friendly_errors
def show_facts(*keys: str, lang: str) -> None:
    """One card per fact, each with its source: the way pages state facts."""
    show_html("".join(fact_html(k, lang) for k in keys))


def validate() -> int:
    """data/facts.yaml, checked, and every fact's card in both languages; the number of facts."""
    for key in facts():
        for lang in LANGS:
            fact_html(key, lang)
    return len(facts())


def static(call, lang: str, preview: bool = False):
    return None  # a fact card is plain HTML: the deck shows the page's own output


def answer_key(call, page, lang: str):
    return None
