"""Loading and validating the course content in data/.

Every data file is checked when it is loaded. A mistake raises ContentError, whose message names
the file and the field (and the question id where there is one), so that a maintainer can fix it
and a trainee never sees a traceback.
"""
from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

LANGS = ("nl", "en")
REPO_ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{\{\s*([a-z0-9_]+)\s*\}\}")


def data_dir() -> Path:
    """The data folder; STALKING_COURSE_DATA points elsewhere (tests use it for broken copies)."""
    return Path(os.environ.get("STALKING_COURSE_DATA") or REPO_ROOT / "data")


class ContentError(ValueError):
    """A data file is missing, unreadable or breaks the schema."""

    def __init__(self, file, field: str, problem: str):
        self.file, self.field, self.problem = str(file), field, problem
        super().__init__(f"{self.file}: {field}: {problem}")


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


@functools.lru_cache(maxsize=None)
def _load_yaml_cached(path: str, mtime: float):
    p = Path(path)
    try:
        with p.open(encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "file"
        raise ContentError(_rel(p), where, f"not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise ContentError(_rel(p), "top level", "must be a mapping of keys to values")
    return data


def load_yaml(name: str) -> dict:
    """Read data/<name> (cached until the file changes)."""
    path = data_dir() / name
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        raise ContentError(_rel(path), "file", "does not exist") from None
    return _load_yaml_cached(str(path), mtime)


def read_csv(path: Path, file: str):
    """A CSV from data/ as strings (pandas imported here, only by the pages that need it); errors name the file."""
    import pandas as pd

    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8", skipinitialspace=True)
    except FileNotFoundError:
        raise ContentError(file, "file", "does not exist") from None
    except pd.errors.EmptyDataError:
        raise ContentError(file, "file", "is empty (it needs a header line and at least one row)") from None
    except pd.errors.ParserError as exc:
        raise ContentError(file, "file", f"not valid CSV ({str(exc).strip()})") from None
    except UnicodeDecodeError:
        raise ContentError(file, "file", "is not UTF-8 text") from None


# ---------------------------------------------------------------- small schema helpers

def require(mapping, key, file, field, kind=None):
    """mapping[key], or a ContentError naming file and field."""
    if not isinstance(mapping, dict) or key not in mapping or mapping[key] in (None, ""):
        raise ContentError(file, f"{field}.{key}" if field else key, "missing")
    value = mapping[key]
    if kind is not None and not isinstance(value, kind):
        name = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ContentError(file, f"{field}.{key}" if field else key, f"must be a {name}")
    return value


def bilingual(mapping, key, file, field) -> dict:
    """A {nl: ..., en: ...} value with non-empty text in both languages."""
    value = require(mapping, key, file, field, dict)
    where = f"{field}.{key}" if field else key
    for lang in LANGS:
        text = value.get(lang)
        if isinstance(text, list):
            if not text or not all(isinstance(t, str) and t.strip() for t in text):
                raise ContentError(file, f"{where}.{lang}", "missing or empty translation")
        elif not isinstance(text, str) or not text.strip():
            raise ContentError(file, f"{where}.{lang}", "missing or empty translation")
    return value


# ---------------------------------------------------------------- facts

@dataclass(frozen=True)
class Fact:
    key: str
    value: dict  # lang -> display string ('' for statement-only facts)
    text: dict  # lang -> sentence, placeholders filled
    source: str
    confidence: str
    discrepancy: str = ""


@functools.lru_cache(maxsize=None)
def _facts(mtime: float) -> dict:
    file = "data/facts.yaml"
    raw = require(load_yaml("facts.yaml"), "facts", file, "", dict)
    values = {}
    for key, entry in raw.items():
        field = f"facts.{key}"
        value = entry.get("value", "") if isinstance(entry, dict) else None
        if isinstance(value, dict):
            for lang in LANGS:
                if not str(value.get(lang, "")).strip():
                    raise ContentError(file, f"{field}.value.{lang}", "missing or empty translation")
            values[key] = {lang: str(value[lang]) for lang in LANGS}
        else:
            values[key] = {lang: str(value or "") for lang in LANGS}
    facts = {}
    for key, entry in raw.items():
        field = f"facts.{key}"
        text = bilingual(entry, "text", file, field)
        source = require(entry, "source", file, field, str)
        confidence = require(entry, "confidence", file, field, str)
        if confidence not in ("high", "medium"):
            raise ContentError(file, f"{field}.confidence", "must be high or medium")
        filled = {}
        for lang in LANGS:
            sentence = text[lang].replace("{value}", values[key][lang])
            filled[lang] = _fill(sentence, lang, values, file, f"{field}.text.{lang}")
        facts[key] = Fact(key, values[key], filled, source, confidence, entry.get("discrepancy", ""))
    return facts


def facts() -> dict:
    path = data_dir() / "facts.yaml"
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        raise ContentError("data/facts.yaml", "file", "does not exist") from None
    return _facts(mtime)


def fact(key: str) -> Fact:
    try:
        return facts()[key]
    except KeyError:
        raise ContentError("data/facts.yaml", f"facts.{key}", "no such fact") from None


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
    """Put fact values into {{key}} placeholders: plain text, for the caller to escape (see fill_html)."""
    return _fill(text, lang, {k: f.value for k, f in facts().items()}, file, field)


# ---------------------------------------------------------------- phone numbers as tel: links
#
# Every phone number the course shows is a fact (a key ending in _phone or _number, such as veilig_thuis_phone
# and emergency_number); on a phone a trainee taps it to call. The number is shown as the data gives it
# ("0800-2000"); the link dials the digits (tel:08002000). Links are HTML (<a href="tel:...">), which is
# also valid inline Markdown, so the same text works in a widget, an HTML output and a Markdown cell.

PHONE_SUFFIXES = ("_phone", "_number")
_SKIP = ("a", "script", "style", "svg", "code", "pre", "textarea", "title", "select", "option", "button")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>|<!--.*?-->", re.S)


def is_phone_fact(key: str) -> bool:
    return key.endswith(PHONE_SUFFIXES)


def phone_numbers() -> list:
    """The phone numbers of data/facts.yaml as the pages show them (both languages), longest first."""
    numbers = {f.value[lang] for k, f in facts().items() if is_phone_fact(k) for lang in LANGS if f.value[lang]}
    return sorted(numbers, key=len, reverse=True)


def tel_href(number: str) -> str:
    """'0800-2000' -> 'tel:08002000'; '+31 20 ...' keeps its plus."""
    digits = re.sub(r"[^0-9]", "", number)
    if not digits:
        raise ValueError(f"not a phone number: {number!r}")
    return "tel:" + ("+" if number.strip().startswith("+") else "") + digits


def phone_link(number: str) -> str:
    """The number as a tappable link, escaped: <a class="course-tel" href="tel:08002000">0800-2000</a>."""
    from html import escape

    return f'<a class="course-tel" href="{escape(tel_href(number))}">{escape(number)}</a>'


def _phone_pattern():
    numbers = phone_numbers()
    if not numbers:
        return None
    alternatives = "|".join(re.escape(n) for n in numbers)
    # not part of a longer number, a date, a percentage or a word (2.840, 112%, 1120, 0800-20001)
    return re.compile(rf"(?<![\w.,/#+-])({alternatives})(?![\w%/]|[.,-]\d)")


def link_phones(markup: str) -> str:
    """Turn every phone number in the text of an HTML fragment into a tel: link.

    Only text between tags changes: attributes, existing links, scripts, styles, SVG charts and code are left
    alone, so it is safe on any escaped HTML the course builds (show_html applies it to every HTML output)."""
    pattern = _phone_pattern()
    if pattern is None or not markup:
        return markup
    out, depth, pos = [], 0, 0

    def text(chunk: str) -> str:
        return chunk if depth else pattern.sub(lambda m: phone_link(m.group(1)), chunk)

    for m in _TAG.finditer(markup):
        out.append(text(markup[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
        closing, name, self_closing = m.group(1), (m.group(2) or "").lower(), m.group(3)
        if name in _SKIP and not self_closing:
            depth += -1 if closing else 1
            depth = max(depth, 0)
    out.append(text(markup[pos:]))
    return "".join(out)


def fill_html(text: str, lang: str, file: str = "?", field: str = "?") -> str:
    """fill(), escaped for HTML, with every phone number a tel: link. Valid as inline Markdown too."""
    from html import escape

    return link_phones(escape(fill(text, lang, file, field)))


# ---------------------------------------------------------------- interface text

def ui(lang: str) -> dict:
    check_lang(lang)
    data = load_yaml("ui.yaml")
    strings = require(data, lang, "data/ui.yaml", "", dict)
    missing = set(data.get("nl", {})) ^ set(data.get("en", {}))
    if missing:
        raise ContentError("data/ui.yaml", ", ".join(sorted(missing)), "present in one language only")
    return strings


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    return lang
