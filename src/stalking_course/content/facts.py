"""Facts (data/facts.yaml): the one place for every fact the course states, and {{key}} placeholders."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .loader import LANGS, ContentError, cached, load_yaml

FILE = "data/facts.yaml"
PLACEHOLDER = re.compile(r"\{\{\s*([a-z0-9_]+)\s*\}\}")


@dataclass(frozen=True)
class Fact:
    key: str
    value: dict  # lang -> display string ('' for statement-only facts)
    text: dict  # lang -> sentence, placeholders filled
    source: str
    confidence: str
    discrepancy: str = ""


@cached("facts.yaml")
def facts() -> dict:
    """Every fact by key, with its sentences filled in."""
    raw = load_yaml("facts.yaml", schema="facts")["facts"]
    values = {}
    for key, entry in raw.items():
        value = entry.get("value", "")
        values[key] = {lang: str(value[lang] if isinstance(value, dict) else value) for lang in LANGS}
    result = {}
    for key, entry in raw.items():
        filled = {}
        for lang in LANGS:
            sentence = entry["text"][lang].replace("{value}", values[key][lang])
            filled[lang] = _fill(sentence, lang, values, FILE, f"facts.{key}.text.{lang}")
        result[key] = Fact(key, values[key], filled, entry["source"], entry["confidence"], entry.get("discrepancy", ""))
    return result


def fact(key: str) -> Fact:
    try:
        return facts()[key]
    except KeyError:
        raise ContentError(FILE, f"facts.{key}", "no such fact") from None


def _fill(text: str, lang: str, values: dict, file: str, field: str) -> str:
    def sub(match):
        key = match.group(1)
        if key not in values:
            raise ContentError(file, field, f"unknown fact {{{{{key}}}}} (see data/facts.yaml)")
        if not values[key][lang]:
            raise ContentError(file, field, f"fact {{{{{key}}}}} has no value to show")
        return values[key][lang]

    return PLACEHOLDER.sub(sub, text)


def fill(text: str, lang: str, file: str = "?", field: str = "?") -> str:
    """Put fact values into {{key}} placeholders: plain text, for the caller to escape."""
    return _fill(text, lang, {k: f.value for k, f in facts().items()}, file, field)


def fill_both(value: dict, file: str, field: str) -> dict:
    """A {nl, en} text with its placeholders filled in each language."""
    return {lang: fill(value[lang], lang, file, f"{field}.{lang}") for lang in LANGS}
