"""Statistics from CSV: data/stats/<name>.csv, each with a sidecar data/stats/<name>.yaml.

The sidecar records where the figures come from and how to read and draw them:

    source: "CBS, ..."               where the figures come from (required)
    confidence: high | medium
    columns:                          every column of the CSV, in any order, with its kind:
      age_nl: text                      text     a label, never empty
      women: percent                    percent  a number from 0 to 100 (a point for decimals)
      way: key                          key      a short unique id of the row; number: any number
    decimals: 1                       how many decimals the page shows
    facts:                            optional: figures that data/facts.yaml states too, which must agree
      <row key>: {<column>: <fact_key>}
    chart:
      title: {nl, en}
      category: {nl: <text column>, en: <text column>}
      category_label: {nl, en}        header of the first table column
      value_label: {nl, en}           what the length of a bar means
      series:                         one bar per row for each series
        - {column: <number column>, label: {nl, en}}

A broken CSV or sidecar raises ContentError naming the file and the column (and the line). Pages call
show_chart(name, lang), which shows such an error as a message instead of a traceback.
pandas is imported here, inside the functions, never when the package is imported.
"""
from __future__ import annotations

import functools
import re

from ..content import LANGS, ContentError, data_dir, fact, fill, load_yaml, read_csv
from ..content.loader import bilingual, require
from .base import friendly_errors, show_html

FOLDER = "stats"
KINDS = ("key", "text", "percent", "number")
NUMERIC = ("percent", "number")


def _files(name: str):
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name or ""):
        raise ContentError(f"data/{FOLDER}/{name}.csv", "file", "a dataset name is lower-case words joined by hyphens")
    folder = data_dir() / FOLDER
    return folder / f"{name}.csv", folder / f"{name}.yaml", f"data/{FOLDER}/{name}.csv", f"data/{FOLDER}/{name}.yaml"


def datasets() -> list:
    """The names of all datasets: every CSV in data/stats/."""
    return sorted(p.stem for p in (data_dir() / FOLDER).glob("*.csv"))


def _check_meta(meta: dict, mfile: str) -> dict:
    require(meta, "source", mfile, "", str)
    if require(meta, "confidence", mfile, "", str) not in ("high", "medium"):
        raise ContentError(mfile, "confidence", "must be high or medium")
    columns = require(meta, "columns", mfile, "", dict)
    for col, kind in columns.items():
        if kind not in KINDS:
            raise ContentError(mfile, f"columns.{col}", f"kind must be one of {', '.join(KINDS)}")
    decimals = meta.get("decimals", 0)
    if not isinstance(decimals, int) or not 0 <= decimals <= 3:
        raise ContentError(mfile, "decimals", "must be a whole number from 0 to 3")
    chart = require(meta, "chart", mfile, "", dict)
    for key in ("title", "category_label", "value_label"):
        bilingual(chart, key, mfile, "chart")
    category = require(chart, "category", mfile, "chart", dict)
    for lang in LANGS:
        col = category.get(lang)
        if columns.get(col) != "text":
            raise ContentError(mfile, f"chart.category.{lang}", f"must name a text column, not {col!r}")
    series = require(chart, "series", mfile, "chart", list)
    if not series:
        raise ContentError(mfile, "chart.series", "needs at least one series")
    for i, s in enumerate(series, 1):
        col = require(s, "column", mfile, f"chart.series[{i}]", str)
        if columns.get(col) not in NUMERIC:
            raise ContentError(mfile, f"chart.series[{i}].column", f"must name a number or percent column, not {col!r}")
        bilingual(s, "label", mfile, f"chart.series[{i}]")
    return meta


def check_frame(df, columns: dict, cfile: str, mfile: str):
    """Check a CSV's columns and cells against the kinds in its sidecar; return the frame with numbers as numbers."""
    import pandas as pd

    header = [str(c).strip() for c in df.columns]
    df.columns = header
    for col in columns:
        if col not in header:
            raise ContentError(cfile, f"column {col}", f"missing (the header has: {', '.join(header)})")
    for col in header:
        if col not in columns:
            raise ContentError(cfile, f"column {col}", f"not described in {mfile} (columns)")
    if df.empty:
        raise ContentError(cfile, "file", "has no rows")
    out = df.copy()
    for col, kind in columns.items():
        cells = df[col].astype(str).str.strip()
        for i, cell in enumerate(cells):
            if cell == "":
                raise ContentError(cfile, f"line {i + 2}, column {col}", "empty")
        if kind == "key":
            dupes = cells[cells.duplicated()]
            if len(dupes):
                raise ContentError(cfile, f"column {col}", f"key {dupes.iloc[0]!r} is used twice")
            out[col] = cells
        elif kind == "text":
            out[col] = cells
        else:
            numbers = pd.to_numeric(cells, errors="coerce")
            for i, (cell, number) in enumerate(zip(cells, numbers)):
                if pd.isna(number):
                    hint = " (use a point for decimals)" if re.fullmatch(r"-?\d+,\d+", cell) else ""
                    raise ContentError(cfile, f"line {i + 2}, column {col}", f"not a number: {cell!r}{hint}")
                if kind == "percent" and not 0 <= number <= 100:
                    raise ContentError(cfile, f"line {i + 2}, column {col}", f"a percentage must be from 0 to 100, not {cell}")
            out[col] = numbers.astype(float)
    return out


def _fact_number(key: str) -> float:
    text = fact(key).value["en"].replace("%", "").replace(",", "").strip()
    try:
        return float(text)
    except ValueError:
        raise ContentError("data/facts.yaml", f"facts.{key}.value", "is not a number") from None


def _check_facts(df, meta: dict, cfile: str, mfile: str) -> None:
    """Figures that data/facts.yaml states too must be the same in the CSV: one fact, one value."""
    links = meta.get("facts") or {}
    if not isinstance(links, dict):
        raise ContentError(mfile, "facts", "must map a row key to {column: fact_key}")
    keys = [c for c, k in meta["columns"].items() if k == "key"]
    if links and not keys:
        raise ContentError(mfile, "facts", "needs a key column to find the rows")
    for row_key, pairs in links.items():
        matches = df.index[df[keys[0]] == row_key] if keys else []
        if not len(matches):
            raise ContentError(mfile, f"facts.{row_key}", f"no row with {keys[0]} = {row_key!r} in {cfile}")
        if not isinstance(pairs, dict):
            raise ContentError(mfile, f"facts.{row_key}", "must map a column to a fact key")
        r = matches[0]
        for col, fact_key in pairs.items():
            if col not in df.columns:
                raise ContentError(mfile, f"facts.{row_key}.{col}", "no such column")
            expected = _fact_number(fact_key)
            if abs(float(df.at[r, col]) - expected) > 1e-9:
                raise ContentError(cfile, f"line {r + 2}, column {col}",
                                   f"{df.at[r, col]:g} differs from data/facts.yaml {fact_key} ({fact(fact_key).value['en']})")


@functools.lru_cache(maxsize=32)
def _load(name: str, key) -> tuple:
    cpath, mpath, cfile, mfile = _files(name)
    if not cpath.exists():
        raise ContentError(cfile, "file", "does not exist")
    meta = _check_meta(load_yaml(f"{FOLDER}/{name}.yaml"), mfile)
    df = check_frame(read_csv(f"stats/{name}.csv"), meta["columns"], cfile, mfile)
    _check_facts(df, meta, cfile, mfile)
    return meta, df


def load(name: str) -> tuple:
    """(sidecar, DataFrame) of one dataset, checked; the frame is a copy the caller may change."""
    cpath, mpath, cfile, mfile = _files(name)
    try:
        key = (cpath.stat().st_mtime, mpath.stat().st_mtime, str(cpath))
    except FileNotFoundError:
        missing = (cfile, mfile)[int(cpath.exists())]
        raise ContentError(missing, "file", "does not exist") from None
    meta, df = _load(name, key)
    return meta, df.copy()


def load_table(name: str):
    """The checked DataFrame of data/stats/<name>.csv."""
    return load(name)[1]


def _ui(lang: str) -> dict:
    data = load_yaml(f"{FOLDER}/stats.yaml")
    strings = require(require(data, "ui", f"data/{FOLDER}/stats.yaml", "", dict), lang, f"data/{FOLDER}/stats.yaml", "ui", dict)
    require(strings, "table_caption", f"data/{FOLDER}/stats.yaml", f"ui.{lang}", str)
    return strings


def chart_html(name: str, lang: str) -> str:
    """The chart of one dataset as HTML: figure, SVG with text alternative, source and data table."""
    from ..render.charts import Series, bar_chart
    from ..content import check_lang, ui

    check_lang(lang)
    meta, df = load(name)
    _, _, cfile, mfile = _files(name)
    chart = meta["chart"]
    title = fill(chart["title"][lang], lang, mfile, f"chart.title.{lang}")
    series = [Series(s["column"], s["label"][lang]) for s in chart["series"]]
    unit = "%" if meta["columns"][series[0].column] == "percent" else ""
    return bar_chart(
        df, category=chart["category"][lang], series=series, lang=lang, title=title, source=meta["source"],
        source_label=ui(lang)["source"], category_label=chart["category_label"][lang],
        table_caption=_ui(lang)["table_caption"].format(title=title), value_label=chart["value_label"][lang],
        decimals=meta.get("decimals", 0), unit=unit)


@friendly_errors
def show_chart(name: str, lang: str) -> None:
    """Show the chart of data/stats/<name>.csv, with its text alternative, source and data table."""
    show_html(chart_html(name, lang))


def validate_stats() -> int:
    """Load and check every dataset (for the validator); the number of datasets."""
    names = datasets()
    for lang in LANGS:
        _ui(lang)
    for name in names:
        load(name)
    return len(names)


__all__ = ["datasets", "load", "load_table", "check_frame", "chart_html", "show_chart", "validate_stats"]
