"""Phone numbers as tel: links.

Every phone number the course shows is a fact (a key ending in _phone or _number, such as veilig_thuis_phone
and emergency_number); on a phone a trainee taps it to call. The number is shown as the data gives it
("0800-2000"); the link dials the digits (tel:08002000). Links are HTML (<a href="tel:...">), which is
also valid inline Markdown, so the same text works in a widget, an HTML output and a Markdown cell.
"""

from __future__ import annotations

import re
from html import escape

from ..content import LANGS, facts, fill

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
        out.append(text(markup[pos : m.start()]))
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

    return link_phones(escape(fill(text, lang, file, field)))
