"""Interface text in both languages, and numbers and dates in the page's language (Babel).

`ui(lang)` is data/ui.yaml; `ui(lang, section)` is the `ui:` block of a page element's own data file
(cases, signals, diary, ...). Every block has the same shape, {nl: {key: text}, en: {key: text}}, and the
two languages must have the same keys."""

from __future__ import annotations

import numbers
from decimal import Decimal

from .facts import fill
from .loader import LANGS, ContentError, cached, display_name, load_yaml

# section -> data file; None is the course-wide interface text
SECTIONS = {
    None: "ui.yaml",
    "cases": "cases.yaml",
    "signals": "signals.yaml",
    "resources": "resources.yaml",
    "slides": "slides.yaml",
    "diary": "diary/diary.yaml",
    "stats": "stats/stats.yaml",
}
LOCALES = {"nl": "nl_NL", "en": "en_GB"}
# en_GB abbreviates September as "Sept"; the course has always written "3 Sep", as CLDR's plain "en" does.
SHORT_DATE_LOCALES = {"nl": "nl_NL", "en": "en"}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    return lang


def ui(lang: str, section: str | None = None) -> dict:
    """The interface strings of one language, course-wide or of one section (see SECTIONS), with the values
    of {{fact}} placeholders filled in."""
    check_lang(lang)
    if section not in SECTIONS:
        raise ValueError(f"unknown ui section {section!r}: use one of {', '.join(map(str, SECTIONS))}")
    return _strings(lang, section or "")


def _filled(value, lang: str, shown: str, field: str):
    if isinstance(value, str):
        return fill(value, lang, shown, field)
    if isinstance(value, list):
        return [_filled(v, lang, shown, f"{field}[{i + 1}]") for i, v in enumerate(value)]
    return value


@cached("{1}", "facts.yaml")
def _cached_strings(lang: str, name: str, section: str) -> dict:
    data = load_yaml(name, schema="ui")
    block = data if section is None else data.get("ui")
    shown, where = display_name(name), "" if section is None else "ui."
    if not isinstance(block, dict) or not all(isinstance(block.get(lang_), dict) for lang_ in LANGS):
        raise ContentError(shown, f"{where}{lang}", "missing: interface text needs an nl and an en block")
    one_only = set(block["nl"]) ^ set(block["en"])
    if one_only:
        raise ContentError(shown, f"{where}{', '.join(sorted(one_only))}", "present in one language only")
    return {key: _filled(value, lang, shown, f"{where}{lang}.{key}") for key, value in block[lang].items()}


def _strings(lang: str, section: str) -> dict:
    return _cached_strings(lang, SECTIONS[section or None], section or None)


def format_number(value, lang: str, decimals: int = 0) -> str:
    """1234.5 -> '1.234,5' (nl) or '1,234.5' (en), always `decimals` decimals."""
    from babel.numbers import format_decimal

    if isinstance(value, float):  # numpy floats too
        # the float's exact value, so that rounding is what Python's own formatting does (2.675 -> 2.67)
        value = Decimal(value)
    elif isinstance(value, numbers.Integral):  # numpy integers too
        value = int(value)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALES[check_lang(lang)])


def format_percent(value, lang: str, decimals: int = 0) -> str:
    """12.5 -> '12,5%' (nl) or '12.5%' (en): the course writes percentages without a space."""
    return format_number(value, lang, decimals) + "%"


def format_date(day, lang: str, short: bool = False) -> str:
    """3 March 2024 -> '3 maart 2024' / '3 March 2024'; short: '3 mrt' / '3 Mar'."""
    from babel.dates import format_date as babel_date

    check_lang(lang)
    if short:
        text = babel_date(day, format="d MMM", locale=SHORT_DATE_LOCALES[lang])
    else:
        text = babel_date(day, format="d MMMM y", locale=LOCALES[lang])
    return text.rstrip(".")  # Dutch short months end with a dot in CLDR ("3 mrt."); the course writes "3 mrt"
