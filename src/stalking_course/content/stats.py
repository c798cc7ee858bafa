"""Statistics from CSV: data/stats/<name>.csv, each with a sidecar data/stats/<name>.yaml.

The sidecar (checked by schemas/stats.schema.json) records where the figures come from and how to read
and draw them:

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

data/stats/stats.yaml holds the charts' interface text (schemas/stats-ui.schema.json). A broken CSV or
sidecar raises ContentError naming the file and the column (and the line). No HTML here: elements/chart.py
draws the chart. pandas is imported inside the functions, never when the package is imported.
"""

from __future__ import annotations

import re

from .facts import fact, fill
from .loader import ID, LANGS, ContentError, cached, data_dir, display_name, load_yaml, read_csv
from .text import check_lang, ui

FOLDER = "stats"
NUMERIC = ("percent", "number")


def datasets() -> list:
    """The names of all datasets: every CSV in data/stats/."""
    return sorted(p.stem for p in (data_dir() / FOLDER).glob("*.csv"))


def _names(name: str) -> tuple:
    """(csv, sidecar) of a dataset, as names under data/."""
    if not ID.fullmatch(name or ""):
        raise ContentError(
            display_name(f"{FOLDER}/{name}.csv"), "file", "a dataset name is lower-case words joined by hyphens"
        )
    return f"{FOLDER}/{name}.csv", f"{FOLDER}/{name}.yaml"


def _check_chart_columns(meta: dict, mfile: str) -> None:
    """The chart draws columns the sidecar describes: a text column per language, number columns as bars."""
    columns = meta["columns"]
    for lang, col in meta["chart"]["category"].items():
        if columns.get(col) != "text":
            raise ContentError(mfile, f"chart.category.{lang}", f"must name a text column, not {col!r}")
    for i, series in enumerate(meta["chart"]["series"], 1):
        if columns.get(series["column"]) not in NUMERIC:
            raise ContentError(
                mfile, f"chart.series[{i}].column", f"must name a number or percent column, not {series['column']!r}"
            )


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
    df = df.reset_index(drop=True)
    out = df.copy()
    for col, kind in columns.items():
        cells = df[col].astype(str).str.strip()
        if cells.eq("").any():
            raise ContentError(cfile, f"line {cells.eq('').idxmax() + 2}, column {col}", "empty")
        if kind == "key":
            dupes = cells[cells.duplicated()]
            if len(dupes):
                raise ContentError(cfile, f"column {col}", f"key {dupes.iloc[0]!r} is used twice")
            out[col] = cells
        elif kind == "text":
            out[col] = cells
        else:
            numbers = pd.to_numeric(cells, errors="coerce")
            bad = numbers.isna()
            if kind == "percent":
                bad |= numbers.notna() & ~numbers.between(0, 100)
            if bad.any():
                row = int(bad.idxmax())
                cell, where = cells[row], f"line {row + 2}, column {col}"
                if pd.isna(numbers[row]):
                    hint = " (use a point for decimals)" if re.fullmatch(r"-?\d+,\d+", cell) else ""
                    raise ContentError(cfile, where, f"not a number: {cell!r}{hint}")
                raise ContentError(cfile, where, f"a percentage must be from 0 to 100, not {cell}")
            out[col] = numbers.astype(float)
    return out


def _fact_number(key: str) -> float:
    text = fact(key).value["en"].replace("%", "").replace(",", "").strip()
    try:
        return float(text)
    except ValueError:
        raise ContentError(display_name("facts.yaml"), f"facts.{key}.value", "is not a number") from None


def _check_facts(df, meta: dict, cfile: str, mfile: str) -> None:
    """Figures that data/facts.yaml states too must be the same in the CSV: one fact, one value."""
    links = meta.get("facts") or {}
    keys = [c for c, k in meta["columns"].items() if k == "key"]
    if links and not keys:
        raise ContentError(mfile, "facts", "needs a key column to find the rows")
    for row_key, pairs in links.items():
        matches = df.index[df[keys[0]] == row_key]
        if not len(matches):
            raise ContentError(mfile, f"facts.{row_key}", f"no row with {keys[0]} = {row_key!r} in {cfile}")
        row = matches[0]
        for col, fact_key in pairs.items():
            if col not in df.columns:
                raise ContentError(mfile, f"facts.{row_key}.{col}", "no such column")
            expected = _fact_number(fact_key)
            if abs(float(df.at[row, col]) - expected) > 1e-9:
                raise ContentError(
                    cfile,
                    f"line {row + 2}, column {col}",
                    f"{df.at[row, col]:g} differs from data/facts.yaml {fact_key} ({fact(fact_key).value['en']})",
                )


@cached("stats/{0}.csv", "stats/{0}.yaml", "facts.yaml")
def _load(name: str) -> tuple:
    cname, mname = _names(name)
    cfile, mfile = display_name(cname), display_name(mname)
    meta = load_yaml(mname, schema="stats")
    _check_chart_columns(meta, mfile)
    df = check_frame(read_csv(cname), meta["columns"], cfile, mfile)
    _check_facts(df, meta, cfile, mfile)
    return meta, df


def load(name: str) -> tuple:
    """(sidecar, DataFrame) of one dataset, checked; the frame is a copy the caller may change."""
    _names(name)  # a bad name is named before any file is looked for
    meta, df = _load(name)
    return meta, df.copy()


def load_table(name: str):
    """The checked DataFrame of data/stats/<name>.csv."""
    return load(name)[1]


def strings(lang: str) -> dict:
    """The charts' interface text (data/stats/stats.yaml) in one language."""
    load_yaml(f"{FOLDER}/stats.yaml", schema="stats-ui")  # every text the charts need, in both languages
    return ui(check_lang(lang), "stats")


def chart_title(meta: dict, name: str, lang: str) -> str:
    """The chart's title in one language, {{fact}} placeholders filled."""
    return fill(meta["chart"]["title"][lang], lang, display_name(_names(name)[1]), f"chart.title.{lang}")


def validate() -> int:
    """Load and check every dataset and the charts' interface text; the number of datasets."""
    names = datasets()
    for lang in LANGS:
        strings(lang)
    for name in names:
        load(name)
    return len(names)
