"""Charts as inline SVG drawn from a pandas DataFrame: no matplotlib, nothing loaded from the internet.

Every chart is one <figure class="course-chart"> holding
- a <figcaption> with the title and the source;
- an <svg role="img"> whose <title> and <desc> state every number (the text alternative);
- the same numbers as an HTML table (class course-table, with a <caption>).
Series are told apart by a pattern (solid, stripes, dots) and by a direct label on every bar, never by
colour alone. Text is large enough to read on a projector; the SVG scales down on narrow screens.

pandas is imported by the caller (stats.py, diary.py): this module only reads the frame it is given.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from html import escape

WIDTH = 800  # SVG user units; the figure scales to the page width
# On a phone the wide chart would shrink its 18-unit text to 8 px: the figure also holds a narrow drawing
# (course.css shows one of the two by screen width), whose text stays about 15 px on a 390 px screen.
NARROW_WIDTH = 420
FONT = 18  # category labels
VALUE_FONT = 17  # direct labels on the bars
SMALL_FONT = 15  # axis label
CHAR = 0.6  # average width of a character, in font sizes (system sans-serif)
BAR = 28
BAR_GAP = 5
GROUP_GAP = 20
TEXT = "#1b1b1b"
FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'

# One look per series: a pattern and an outline, so that series differ without colour too.
STYLES = (
    {"name": "solid", "fg": "#1d4f91", "bg": "#1d4f91", "stroke": "#0d2a52"},
    {"name": "stripes", "fg": "#8a4500", "bg": "#fde3c4", "stroke": "#5c2e00"},
    {"name": "dots", "fg": "#0b6b2f", "bg": "#e3f3e8", "stroke": "#06401c"},
)

_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    column: str  # the DataFrame column with the numbers
    label: str  # what the reader sees, in the page's language


def format_number(value, lang: str, decimals: int = 0, unit: str = "") -> str:
    """2.8 -> '2,8' in Dutch and '2.8' in English; thousands grouped the way each language does."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{float(value):,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return f"{text}{unit}"


def _wrap(text: str, width: int) -> list:
    """Split a label into lines of at most `width` characters (at spaces), at most three lines."""
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    if len(lines) > 3:
        lines = lines[:2] + [" ".join(lines[2:])]
    return lines or [""]


def _text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR


def describe(df, category: str, series: list, lang: str, decimals: int = 0, unit: str = "") -> str:
    """The numbers of the chart in one sentence per category: the text alternative."""
    parts = []
    for _, row in df.iterrows():
        values = ", ".join(f"{s.label} {format_number(row[s.column], lang, decimals, unit)}" for s in series)
        parts.append(f"{row[category]}: {values}.")
    return " ".join(parts)


def _pattern(style: dict, pid: str) -> str:
    if style["name"] == "stripes":
        return (f'<pattern id="{pid}" patternUnits="userSpaceOnUse" width="10" height="10" patternTransform="rotate(45)">'
                f'<rect width="10" height="10" fill="{style["bg"]}"/><rect width="4.5" height="10" fill="{style["fg"]}"/></pattern>')
    if style["name"] == "dots":
        return (f'<pattern id="{pid}" patternUnits="userSpaceOnUse" width="9" height="9">'
                f'<rect width="9" height="9" fill="{style["bg"]}"/><circle cx="4.5" cy="4.5" r="2.3" fill="{style["fg"]}"/></pattern>')
    return ""


def _fill(style: dict, pid: str) -> str:
    return style["fg"] if style["name"] == "solid" else f"url(#{pid})"


def bar_svg(df, *, category: str, series: list, lang: str, title: str, description: str, value_label: str = "",
            decimals: int = 0, unit: str = "", width: int = WIDTH) -> str:
    """Horizontal (grouped) bars: one group per row of df, one bar per series, each bar labelled directly."""
    uid = f"course-chart-{next(_ids)}"
    n_series = len(series)
    if not n_series:
        raise ValueError("a chart needs at least one series")
    values = [float(v) for s in series for v in df[s.column] if v is not None and not (isinstance(v, float) and math.isnan(v))]
    vmax = max(values) if values and max(values) > 0 else 1.0

    # left: category labels, wrapped to at most 40 % of the width (30 % in a narrow drawing)
    max_label_w = width * (0.4 if width >= WIDTH else 0.3)
    wrap_at = max(8, int((max_label_w - 16) / (FONT * CHAR)))
    labels = [_wrap(str(v), wrap_at) for v in df[category]]
    label_w = min(max_label_w, max(_text_width(line, FONT) for lines in labels for line in lines) + 16)
    # right: room for the longest direct label ("Women 2.8%")
    direct = [[f"{s.label} {format_number(v, lang, decimals, unit)}" if n_series > 1 else format_number(v, lang, decimals, unit)
               for v in df[s.column]] for s in series]
    # (x1.12: the estimate runs short for wide fallback fonts such as DejaVu Sans)
    direct_w = max(_text_width(t, VALUE_FONT) for col in direct for t in col) * 1.12 + 24
    x0 = label_w + 8
    plot_w = max(120.0 if width >= WIDTH else 60.0, width - x0 - direct_w - 6)
    scale = plot_w / vmax

    parts = []
    y = 8
    if n_series > 1:  # legend: pattern swatch and name, in the order of the bars (a new row when full)
        x = x0
        for i, s in enumerate(series):
            style = STYLES[i % len(STYLES)]
            pid = f"{uid}-p{i}"
            if x > 8 and x + 38 + _text_width(s.label, FONT) * 1.12 > width:
                x, y = 8, y + 30
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="30" height="20" fill="{_fill(style, pid)}" '
                         f'stroke="{style["stroke"]}" stroke-width="1.5"/>')
            parts.append(f'<text x="{x + 38:.1f}" y="{y + 15}" font-size="{FONT}">{escape(s.label)}</text>')
            x += 38 + _text_width(s.label, FONT) + 30
        y += 38
    top = y
    group_h = n_series * BAR + (n_series - 1) * BAR_GAP
    for r, lines in enumerate(labels):
        # category label, vertically centred on its group
        mid = y + group_h / 2
        first = mid - (len(lines) - 1) * FONT * 0.6
        # a wrapped label keeps the space between its lines (" ex-partner"), so that its text reads
        # "partner or ex-partner" to screen readers and copy-paste, not "partner orex-partner"
        tspans = "".join(f'<tspan x="{label_w:.1f}" y="{first + k * FONT * 1.2 + FONT * 0.35:.1f}">'
                         f'{" " if k else ""}{escape(line)}</tspan>' for k, line in enumerate(lines))
        parts.append(f'<text text-anchor="end" font-size="{FONT}" font-weight="600">{tspans}</text>')
        for i, s in enumerate(series):
            style = STYLES[i % len(STYLES)]
            pid = f"{uid}-p{i}"
            value = df[s.column].iloc[r]
            bar_w = 0.0 if value is None or (isinstance(value, float) and math.isnan(value)) else max(0.0, float(value) * scale)
            by = y + i * (BAR + BAR_GAP)
            if bar_w > 0:
                parts.append(f'<rect x="{x0:.1f}" y="{by}" width="{bar_w:.1f}" height="{BAR}" fill="{_fill(style, pid)}" '
                             f'stroke="{style["stroke"]}" stroke-width="1.5"/>')
            parts.append(f'<text x="{x0 + bar_w + 8:.1f}" y="{by + BAR / 2 + VALUE_FONT * 0.35:.1f}" font-size="{VALUE_FONT}">'
                         f'{escape(direct[i][r])}</text>')
        y += group_h + GROUP_GAP
    bottom = y - GROUP_GAP + 6
    parts.append(f'<line x1="{x0:.1f}" y1="{top - 4}" x2="{x0:.1f}" y2="{bottom}" stroke="{TEXT}" stroke-width="2"/>')
    height = bottom + 8
    if value_label:
        height += SMALL_FONT + 10
        label_x = max(4.0, min(x0, width - _text_width(f"{value_label} →", SMALL_FONT) * 1.12 - 4))
        parts.append(f'<text x="{label_x:.1f}" y="{bottom + SMALL_FONT + 8}" font-size="{SMALL_FONT}" fill="#4a4a4a">'
                     f'{escape(value_label)} →</text>')
    defs = "".join(_pattern(STYLES[i % len(STYLES)], f"{uid}-p{i}") for i in range(n_series))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="course-chart-svg" role="img" viewBox="0 0 {width} {height:.0f}" '
            f'width="100%" preserveAspectRatio="xMinYMin meet" aria-labelledby="{uid}-title {uid}-desc" '
            f'style="max-width:{width}px;height:auto;display:block;font-family:{escape(FONT_FAMILY)}" fill="{TEXT}">'
            f'<title id="{uid}-title">{escape(title)}</title><desc id="{uid}-desc">{escape(description)}</desc>'
            f'<defs>{defs}</defs>{"".join(parts)}</svg>')


def data_table(df, *, category: str, category_label: str, series: list, caption: str, lang: str,
               decimals: int = 0, unit: str = "") -> str:
    """The chart's numbers as an accessible table: a caption, column and row headers, numbers right-aligned."""
    head = f'<th scope="col">{escape(category_label)}</th>' + "".join(
        f'<th scope="col" style="text-align:right">{escape(s.label)}</th>' for s in series)
    rows = []
    for _, row in df.iterrows():
        cells = "".join(f'<td style="text-align:right">{escape(format_number(row[s.column], lang, decimals, unit))}</td>'
                        for s in series)
        rows.append(f'<tr><th scope="row">{escape(str(row[category]))}</th>{cells}</tr>')
    return (f'<table class="course-table"><caption>{escape(caption)}</caption>'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def bar_chart(df, *, category: str, series: list, lang: str, title: str, source: str, source_label: str,
              category_label: str, table_caption: str, value_label: str = "", decimals: int = 0, unit: str = "",
              note: str = "") -> str:
    """A complete chart: figure, caption with the source, SVG with its text alternative, and the data table."""
    description = describe(df, category, series, lang, decimals, unit)
    drawing = dict(category=category, series=series, lang=lang, title=title, description=description,
                   value_label=value_label, decimals=decimals, unit=unit)
    svg = (f'<div class="course-chart-wide">{bar_svg(df, **drawing)}</div>'
           f'<div class="course-chart-narrow">{bar_svg(df, **drawing, width=NARROW_WIDTH)}</div>')
    table = data_table(df, category=category, category_label=category_label, series=series, caption=table_caption,
                       lang=lang, decimals=decimals, unit=unit)
    extra = f'<br><span class="course-chart-note">{escape(note)}</span>' if note else ""
    return (f'<figure class="course-chart"><figcaption><strong class="course-chart-title">{escape(title)}</strong>'
            f'<br><span class="course-source">{escape(source_label)}: {escape(source)}</span>{extra}</figcaption>'
            f"{svg}{table}</figure>")


__all__ = ["Series", "bar_chart", "bar_svg", "data_table", "describe", "format_number"]
