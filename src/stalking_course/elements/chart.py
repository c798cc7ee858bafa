"""Charts of the course's statistics: `show_chart("victims-by-age-sex", "nl")`.

The data and its checks live in content/stats.py (data/stats/<name>.csv with its sidecar <name>.yaml);
the drawing in render/charts.py. A broken CSV or sidecar shows a message naming the file and the column
(and the line) instead of a traceback.
"""

from __future__ import annotations

from ..content import LANGS, check_lang, stats, ui
from ..content.stats import chart_title, load, strings
from .base import friendly_errors, show_html


def chart_html(name: str, lang: str) -> str:
    """The chart of one dataset as HTML: figure, SVG with text alternative, source and data table."""
    from ..render.charts import Series, bar_chart

    check_lang(lang)
    meta, df = load(name)
    chart = meta["chart"]
    title = chart_title(meta, name, lang)
    series = [Series(s["column"], s["label"][lang]) for s in chart["series"]]
    unit = "%" if meta["columns"][series[0].column] == "percent" else ""
    return bar_chart(
        df,
        category=chart["category"][lang],
        series=series,
        lang=lang,
        title=title,
        source=meta["source"],
        source_label=ui(lang)["source"],
        category_label=chart["category_label"][lang],
        table_caption=strings(lang)["table_caption"].format(title=title),
        value_label=chart["value_label"][lang],
        decimals=meta.get("decimals", 0),
        unit=unit,
    )


@friendly_errors
def show_chart(name: str, lang: str) -> None:
    """Show the chart of data/stats/<name>.csv, with its text alternative, source and data table."""
    show_html(chart_html(name, lang))


def validate() -> int:
    """Every dataset and the charts' interface text, checked, and every chart drawn in both languages (the
    kernel zygote validates: page kernels forked from it then share Babel's locale data and the compiled
    templates instead of loading them each, about 14 MB per kernel); the number of datasets."""
    count = stats.validate()
    for name in stats.datasets():
        for lang in LANGS:
            chart_html(name, lang)
    return count


def static(call, lang: str, preview: bool = False):
    return None  # a chart is plain HTML: the deck shows the page's own output


def answer_key(call, page, lang: str):
    return None


__all__ = ["chart_html", "show_chart", "validate"]
