"""Where to turn: the resources page and the referral table.

- show_resources(group, lang): the organisations and sources in data/resources.yaml (name, what it is for,
  contact details from data/facts.yaml, links where ../shared/FACTS.md gives one, and the source).
- show_referral_table(lang): which relationship to the stalker goes where, without and with danger to life,
  generated from the referral engine (content/referral.py), so that it never differs from the rules.

HTML: render/templates/resources/. Both are plain HTML, so a deck shows the page's own output.
"""

from __future__ import annotations

from ..content import check_lang, fact, ui
from ..content import resources as content
from ..content.referral import advise, relation_label, relations, source
from ..render import render
from .base import friendly_errors, show_html


def resources_html(group: str, lang: str) -> str:
    check_lang(lang)
    cards = [(r, [fact(k) for k in r.facts]) for r in content.group(group)]
    return render("resources/list.html.j2", cards=cards, t=ui(lang, "resources"), lang=lang)


@friendly_errors
def show_resources(group: str, lang: str) -> None:
    """One card per organisation or source of one group of data/resources.yaml ("help", "information")."""
    show_html(resources_html(group, lang))


def referral_table_html(lang: str) -> str:
    check_lang(lang)
    rows = [(relation_label(r, lang), advise(r, False), advise(r, True)) for r in relations()]
    return render("resources/referral_table.html.j2", rows=rows, t=ui(lang, "resources"), source=source(), lang=lang)


@friendly_errors
def show_referral_table(lang: str) -> None:
    """Every relationship the referral engine knows, with where it is referred: generated, never typed."""
    show_html(referral_table_html(lang))


# ---------------------------------------------------------------- registry hooks


def validate() -> int:
    """data/resources.yaml and its interface text; how many resources."""
    return content.validate()


def static(call, lang: str, preview: bool = False):
    return None  # plain HTML: the deck shows the page's own output


def answer_key(call, page, lang: str):
    return None  # nothing to answer
