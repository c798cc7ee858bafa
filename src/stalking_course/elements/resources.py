"""Where to turn: the resources page and the referral table.

- show_resources(group, lang): the organisations and sources in data/resources.yaml (name, what it is for,
  contact details from data/facts.yaml, links where ../shared/FACTS.md gives one, and the source).
- show_referral_table(lang): which relationship to the stalker goes where, without and with danger to life,
  generated from the referral engine (referral.py), so that it never differs from the rules.
"""
from __future__ import annotations

import functools
import re
from html import escape

from ..content import LANGS, ContentError, check_lang, data_dir, fact, fill, load_yaml
from ..content.loader import bilingual, require
from .base import friendly_errors, show_html
from ..content.referral import advise, relation_label, relations, source

FILE = "data/resources.yaml"
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
UI_KEYS = ("website", "source", "table_caption", "col_relation", "col_usual", "col_danger", "first", "then",
           "table_source")


def _localised(entry, key, where) -> dict:
    text = bilingual(entry, key, FILE, where)
    return {lang: fill(text[lang], lang, FILE, f"{where}.{key}.{lang}") for lang in LANGS}


@functools.lru_cache(maxsize=None)
def _data(key) -> dict:
    data = load_yaml("resources.yaml")
    groups = require(data, "groups", FILE, "", dict)
    seen = set()
    checked = {}
    for group, entries in groups.items():
        if not isinstance(entries, list) or not entries:
            raise ContentError(FILE, f"groups.{group}", "must be a non-empty list of resources")
        items = []
        for n, entry in enumerate(entries, 1):
            rid = require(entry, "id", FILE, f"groups.{group}[{n}]", str)
            where = f"groups.{group} (id {rid})"
            if not ID.match(rid):
                raise ContentError(FILE, f"{where}.id", "use lower-case words joined by hyphens")
            if rid in seen:
                raise ContentError(FILE, f"{where}.id", "used twice")
            seen.add(rid)
            facts = entry.get("facts") or []
            if not isinstance(facts, list):
                raise ContentError(FILE, f"{where}.facts", "must be a list of keys in data/facts.yaml")
            for k in facts:
                try:
                    fact(k)
                except ContentError:
                    raise ContentError(FILE, f"{where}.facts", f"unknown fact {k!r} (see data/facts.yaml)") from None
            links = entry.get("links") or []
            if not isinstance(links, list):
                raise ContentError(FILE, f"{where}.links", "must be a list of {url, text}")
            for i, link in enumerate(links, 1):
                url = require(link, "url", FILE, f"{where}.links[{i}]", str)
                require(link, "text", FILE, f"{where}.links[{i}]", str)
                if not url.startswith("https://"):
                    raise ContentError(FILE, f"{where}.links[{i}].url", "must start with https://")
            items.append({"id": rid, "name": _localised(entry, "name", where), "for": _localised(entry, "for", where),
                          "facts": list(facts), "links": links, "source": entry.get("source") or ""})
        checked[group] = items
    raw_ui = require(data, "ui", FILE, "", dict)
    strings = {}
    for lang in LANGS:
        texts = require(raw_ui, lang, FILE, "ui", dict)
        for k in UI_KEYS:
            require(texts, k, FILE, f"ui.{lang}", str)
        strings[lang] = {k: fill(v, lang, FILE, f"ui.{lang}.{k}") for k, v in texts.items()}
    return {"groups": checked, "ui": strings}


def data() -> dict:
    path = data_dir() / "resources.yaml"
    try:
        key = (str(path), path.stat().st_mtime, (data_dir() / "facts.yaml").stat().st_mtime)
    except FileNotFoundError:
        raise ContentError(FILE, "file", "does not exist") from None
    return _data(key)


def groups() -> list:
    return list(data()["groups"])


def resources_html(group: str, lang: str) -> str:
    check_lang(lang)
    d = data()
    if group not in d["groups"]:
        raise ContentError(FILE, f"groups.{group}", f"missing (known groups: {', '.join(d['groups'])})")
    t = d["ui"][lang]
    cards = []
    for r in d["groups"][group]:
        hid = f"course-resource-{r['id']}"
        parts = [f'<h3 id="{hid}">{escape(r["name"][lang])}</h3>', f'<p>{escape(r["for"][lang])}</p>']
        if r["facts"]:
            items = []
            for k in r["facts"]:
                f = fact(k)
                items.append(f'<li>{escape(f.text[lang])} <span class="course-source">({escape(t["source"])}: '
                             f'{escape(f.source)})</span></li>')
            parts.append(f'<ul>{"".join(items)}</ul>')
        if r["links"]:
            links = ", ".join(f'<a href="{escape(link["url"])}" rel="noopener">{escape(link["text"])}</a>'
                              for link in r["links"])
            parts.append(f'<p>{escape(t["website"])}: {links}</p>')
        if r["source"] and r["source"] not in {fact(k).source for k in r["facts"]}:  # not the same line twice
            parts.append(f'<p class="course-source">{escape(t["source"])}: {escape(r["source"])}</p>')
        cards.append(f'<section class="course-fact course-resource" aria-labelledby="{hid}">{"".join(parts)}</section>')
    return f'<div class="course-resources">{"".join(cards)}</div>'


@friendly_errors
def show_resources(group: str, lang: str) -> None:
    """One card per organisation or source of one group of data/resources.yaml ("help", "information")."""
    show_html(resources_html(group, lang))


def referral_table_html(lang: str) -> str:
    check_lang(lang)
    t = data()["ui"][lang]

    def service(a, which=None) -> str:
        name, contact = a.service_name(lang, which), a.contact(which)
        number = "" if contact in name else f' <span class="course-nowrap">({escape(contact)})</span>'  # "112 (alarmnummer)" needs no "(112)"
        return f"<strong>{escape(name)}</strong>{number}"

    rows = []
    for r in relations():
        usual, danger = advise(r, False), advise(r, True)
        danger_cell = f"{escape(t['first'])}: {service(danger)}"
        if danger.then:
            danger_cell += f"; {escape(t['then'])}: {service(danger, danger.then)}"
        rows.append(f'<tr><th scope="row">{escape(relation_label(r, lang))}</th>'
                    f"<td>{service(usual)}</td><td>{danger_cell}</td></tr>")
    return (f'<table class="course-table course-referral-table"><caption>{escape(t["table_caption"])}</caption>'
            f'<thead><tr><th scope="col">{escape(t["col_relation"])}</th><th scope="col">{escape(t["col_usual"])}</th>'
            f'<th scope="col">{escape(t["col_danger"])}</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
            f'<p class="course-source">{escape(t["table_source"])}: {escape(source())}</p>')


@friendly_errors
def show_referral_table(lang: str) -> None:
    """Every relationship the referral engine knows, with where it is referred: generated, never typed."""
    show_html(referral_table_html(lang))
