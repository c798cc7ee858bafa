"""Charts as inline SVG drawn from a pandas DataFrame: no matplotlib, nothing loaded from the internet.

Every chart is one <figure class="course-chart"> holding
- a <figcaption> with the title and the source;
- an <svg role="img"> whose <title> and <desc> state every number (the text alternative);
- the same numbers as an HTML table (class course-table, with a <caption>).
Series are told apart by a pattern (solid, stripes, dots) and by a direct label on every bar, never by
colour alone. Text is large enough to read on a projector; the SVG scales down on narrow screens.

This module works out the drawing (positions, wrapped labels, the numbers as each language writes them);
the markup is in templates/chart/ (svg, table, figure). pandas is imported by the caller (elements/chart.py,
elements/diary.py): this module only reads the frame it is given.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from ..content import format_number as _format_number
from . import Markup, render

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


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_number(value, lang: str, decimals: int = 0, unit: str = "") -> str:
    """2.8 -> '2,8' in Dutch and '2.8' in English, thousands grouped the way each language does (Babel,
    content.format_number); a missing value is '–'. unit ('%') is written right after the number."""
    if _missing(value):
        return "–"
    return f"{_format_number(value, lang, decimals)}{unit}"


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


def _fill(style: dict, pid: str) -> str:
    return style["fg"] if style["name"] == "solid" else f"url(#{pid})"


def bar_svg(
    df,
    *,
    category: str,
    series: list,
    lang: str,
    title: str,
    description: str,
    value_label: str = "",
    decimals: int = 0,
    unit: str = "",
    width: int = WIDTH,
) -> str:
    """Horizontal (grouped) bars: one group per row of df, one bar per series, each bar labelled directly."""
    uid = f"course-chart-{next(_ids)}"
    n_series = len(series)
    if not n_series:
        raise ValueError("a chart needs at least one series")
    styles = [(STYLES[i % len(STYLES)], f"{uid}-p{i}") for i in range(n_series)]
    values = [float(v) for s in series for v in df[s.column] if not _missing(v)]
    vmax = max(values) if values and max(values) > 0 else 1.0

    # left: category labels, wrapped to at most 40 % of the width (30 % in a narrow drawing)
    max_label_w = width * (0.4 if width >= WIDTH else 0.3)
    wrap_at = max(8, int((max_label_w - 16) / (FONT * CHAR)))
    labels = [_wrap(str(v), wrap_at) for v in df[category]]
    label_w = min(max_label_w, max(_text_width(line, FONT) for lines in labels for line in lines) + 16)
    # right: room for the longest direct label ("Women 2.8%")
    numbers = [[format_number(v, lang, decimals, unit) for v in df[s.column]] for s in series]
    direct = [[f"{s.label} {n}" if n_series > 1 else n for n in col] for s, col in zip(series, numbers)]
    # (x1.12: the estimate runs short for wide fallback fonts such as DejaVu Sans)
    direct_w = max(_text_width(t, VALUE_FONT) for col in direct for t in col) * 1.12 + 24
    x0 = label_w + 8
    plot_w = max(120.0 if width >= WIDTH else 60.0, width - x0 - direct_w - 6)
    scale = plot_w / vmax

    legend, y = [], 8
    if n_series > 1:  # legend: pattern swatch and name, in the order of the bars (a new row when full)
        x = x0
        for s, (style, pid) in zip(series, styles):
            if x > 8 and x + 38 + _text_width(s.label, FONT) * 1.12 > width:
                x, y = 8, y + 30
            legend.append({"x": x, "y": y, "fill": _fill(style, pid), "stroke": style["stroke"], "label": s.label})
            x += 38 + _text_width(s.label, FONT) + 30
        y += 38
    top = y
    group_h = n_series * BAR + (n_series - 1) * BAR_GAP
    groups = []
    for r, lines in enumerate(labels):
        first = y + group_h / 2 - (len(lines) - 1) * FONT * 0.6  # the label is centred on its group
        group = {"lines": [{"y": first + k * FONT * 1.2 + FONT * 0.35, "text": line} for k, line in enumerate(lines)]}
        group["bars"] = []
        for i, (style, pid) in enumerate(styles):
            value = df[series[i].column].iloc[r]
            bar_y = y + i * (BAR + BAR_GAP)
            group["bars"].append(
                {
                    "y": bar_y,
                    "width": 0.0 if _missing(value) else max(0.0, float(value) * scale),
                    "fill": _fill(style, pid),
                    "stroke": style["stroke"],
                    "text_y": bar_y + BAR / 2 + VALUE_FONT * 0.35,
                    "label": direct[i][r],
                }
            )
        groups.append(group)
        y += group_h + GROUP_GAP
    bottom = y - GROUP_GAP + 6
    height = bottom + 8
    value_label_x = 0.0
    if value_label:
        height += SMALL_FONT + 10
        value_label_x = max(4.0, min(x0, width - _text_width(f"{value_label} →", SMALL_FONT) * 1.12 - 4))
    return render(
        "chart/svg.html.j2",
        uid=uid,
        width=width,
        height=height,
        title=title,
        description=description,
        font_family=FONT_FAMILY,
        text_colour=TEXT,
        font=FONT,
        value_font=VALUE_FONT,
        small_font=SMALL_FONT,
        bar_height=BAR,
        patterns=[{"id": pid, **style} for style, pid in styles],
        legend=legend,
        groups=groups,
        label_x=label_w,
        x0=x0,
        top=top,
        bottom=bottom,
        value_label=value_label,
        value_label_x=value_label_x,
    )


def data_table(
    df, *, category: str, category_label: str, series: list, caption: str, lang: str, decimals: int = 0, unit: str = ""
) -> str:
    """The chart's numbers as an accessible table: a caption, column and row headers, numbers right-aligned."""
    rows = [
        (str(row[category]), [format_number(row[s.column], lang, decimals, unit) for s in series])
        for _, row in df.iterrows()
    ]
    return render(
        "chart/table.html.j2",
        caption=caption,
        category_label=category_label,
        series_labels=[s.label for s in series],
        rows=rows,
    )


def bar_chart(
    df,
    *,
    category: str,
    series: list,
    lang: str,
    title: str,
    source: str,
    source_label: str,
    category_label: str,
    table_caption: str,
    value_label: str = "",
    decimals: int = 0,
    unit: str = "",
    note: str = "",
) -> str:
    """A complete chart: figure, caption with the source, SVG with its text alternative, and the data table."""
    description = describe(df, category, series, lang, decimals, unit)
    drawing = dict(
        category=category,
        series=series,
        lang=lang,
        title=title,
        description=description,
        value_label=value_label,
        decimals=decimals,
        unit=unit,
    )
    wide = bar_svg(df, **drawing)
    narrow = bar_svg(df, **drawing, width=NARROW_WIDTH)
    table = data_table(
        df,
        category=category,
        category_label=category_label,
        series=series,
        caption=table_caption,
        lang=lang,
        decimals=decimals,
        unit=unit,
    )
    return render(
        "chart/figure.html.j2",
        title=title,
        source_label=source_label,
        source=source,
        note=note,
        wide=Markup(wide),
        narrow=Markup(narrow),
        table=Markup(table),
    )


__all__ = ["Series", "bar_chart", "bar_svg", "data_table", "describe", "format_number"]
