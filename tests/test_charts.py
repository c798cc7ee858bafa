"""Charts drawn from CSV (content/stats.py, elements/chart.py, render/charts.py): accessible, sourced, and a
broken CSV or sidecar is named with file and field."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from markupsafe import escape

from stalking_course.content import LANGS, ContentError, fact
from stalking_course.content.stats import datasets, load, load_table
from stalking_course.content.stats import validate as validate_stats
from stalking_course.elements import base as pagekit
from stalking_course.elements.chart import chart_html, show_chart
from stalking_course.render.charts import Series, bar_chart, format_number

DATASETS = ("victims-by-age-sex", "online-or-physical", "stalker-relationship-by-sex")


def test_the_lessons_datasets_are_there_and_valid():
    assert set(DATASETS) <= set(datasets())
    assert validate_stats() == len(datasets())


@pytest.mark.parametrize("name", DATASETS)
def test_every_dataset_records_its_source(name):
    meta, df = load(name)
    assert meta["source"].strip() and meta["confidence"] in ("high", "medium")
    assert len(df) >= 2


def test_the_age_table_is_the_fact_sheets():
    df = load_table("victims-by-age-sex").set_index("age_en")
    assert df.loc["15 to 25", "women"] == 2.8 and df.loc["15 to 25", "men"] == 1.0
    assert df.loc["65 and older", "women"] == 0.8
    assert list(df.index) == ["15 to 25", "25 to 45", "45 to 65", "65 and older"]


def test_figures_in_csv_and_facts_agree():
    """One fact, one value: the CSV rows that facts.yaml also states hold the same number."""
    by_way = load_table("online-or-physical").set_index("way")["percent"]
    assert by_way["online"] == float(fact("cbs_2023_online_only").value["en"].rstrip("%"))
    assert by_way["physical"] == float(fact("cbs_2023_physical_only").value["en"].rstrip("%"))
    rel = load_table("stalker-relationship-by-sex").set_index("measure")
    assert rel.loc["knew", "women"] == float(fact("cbs_2023_knew_stalker_women").value["en"].rstrip("%"))
    assert rel.loc["partner", "men"] == float(fact("cbs_2023_ex_partner_men").value["en"].rstrip("%"))


def test_what_the_lesson_says_about_the_chart_is_what_the_data_shows():
    """The quiz (chart-highest-group) and the speaker notes read the age chart; the data must agree."""
    df = load_table("victims-by-age-sex")
    long = df.melt(id_vars=["age_en"], value_vars=["women", "men"], var_name="sex", value_name="percent")
    top = long.loc[long["percent"].idxmax()]
    assert (top["age_en"], top["sex"]) == ("15 to 25", "women")
    old = df.set_index("age_en").loc["65 and older"]
    assert old["men"] > old["women"]
    assert long.loc[long["sex"] == "men"].sort_values("percent").iloc[-1]["age_en"] == "25 to 45"


def test_numbers_are_written_the_way_each_language_writes_them():
    assert format_number(2.8, "nl", 1, "%") == "2,8%"
    assert format_number(2.8, "en", 1, "%") == "2.8%"
    assert format_number(102400, "nl") == "102.400"
    assert format_number(102400, "en") == "102,400"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", DATASETS)
def test_every_chart_has_a_text_alternative_a_source_and_a_table(name, lang):
    html = chart_html(name, lang)
    meta, df = load(name)
    assert html.startswith('<figure class="course-chart">') and html.endswith("</figure>")
    assert "<figcaption>" in html and str(escape(meta["source"])) in html
    svg = re.search(r"<svg[^>]*>.*</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "aria-labelledby=" in svg
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1)
    assert re.search(r"<title[^>]*>.+?</title>", svg)
    table = re.search(r'<table class="course-table">.*</table>', html, re.S).group(0)
    assert "<caption>" in table and 'scope="col"' in table and 'scope="row"' in table
    decimals = meta.get("decimals", 0)
    for s in meta["chart"]["series"]:
        for value in df[s["column"]]:
            shown = format_number(value, lang, decimals, "%")
            assert shown in desc, f"the text alternative states {shown}"
            assert shown in table, f"the table states {shown}"
    for label in df[meta["chart"]["category"][lang]]:
        assert str(escape(label)) in desc


def test_series_differ_by_pattern_and_direct_labels_not_colour_alone():
    html = chart_html("victims-by-age-sex", "en")
    assert "<pattern" in html and "url(#" in html, "the second series has a pattern"
    assert "Women 2.8%" in html and "Men 1.0%" in html, "every bar carries its series name and value"


def test_ids_are_unique_when_a_page_shows_several_charts():
    a, b = chart_html("online-or-physical", "nl"), chart_html("online-or-physical", "nl")
    ids_a = set(re.findall(r'id="([^"]+)"', a))
    assert ids_a and not ids_a & set(re.findall(r'id="([^"]+)"', b))


def test_chart_text_is_escaped():
    import pandas as pd

    df = pd.DataFrame({"label": ["<script>alert(1)</script>", "b & c"], "n": [1, 2]})
    html = bar_chart(
        df,
        category="label",
        series=[Series("n", "<i>n</i>")],
        lang="en",
        title="<b>t</b>",
        source="<s>",
        source_label="Source",
        category_label="<x>",
        table_caption="<y>",
    )
    assert "<script" not in html and "<b>t" not in html and "<i>n" not in html
    assert "&lt;script&gt;" in html and "b &amp; c" in html


def test_pandas_is_not_imported_with_the_package():
    code = "import sys, stalking_course; stalking_course.page_header; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---- a broken CSV or sidecar is named: file, column, line


@pytest.fixture
def broken(data_copy):
    return data_copy / "stats"


def _write(path, text):
    path.write_text(text, encoding="utf-8")


def test_a_missing_column_is_named(broken):
    _write(broken / "victims-by-age-sex.csv", "age_nl,age_en,women\n15 tot 25 jaar,15 to 25,2.8\n")
    with pytest.raises(ContentError) as err:
        load("victims-by-age-sex")
    assert err.value.file.endswith("data/stats/victims-by-age-sex.csv") and err.value.field == "column men"


def test_a_cell_that_is_not_a_number_is_named_with_its_line(broken):
    text = (broken / "victims-by-age-sex.csv").read_text(encoding="utf-8").replace("1.4", "veel")
    _write(broken / "victims-by-age-sex.csv", text)
    with pytest.raises(ContentError, match=r"victims-by-age-sex.csv: line 3, column men: not a number: 'veel'"):
        load("victims-by-age-sex")


def test_a_decimal_comma_gets_a_hint(broken):
    _write(broken / "victims-by-age-sex.csv", 'age_nl,age_en,women,men\n15 tot 25 jaar,15 to 25,"2,8",1.0\n')
    with pytest.raises(ContentError, match=r"line 2, column women: .*use a point for decimals"):
        load("victims-by-age-sex")


def test_a_percentage_above_a_hundred_is_refused(broken):
    text = (broken / "online-or-physical.csv").read_text(encoding="utf-8").replace(",15\n", ",150\n")
    _write(broken / "online-or-physical.csv", text)
    with pytest.raises(ContentError, match=r"online-or-physical.csv: line 4, column percent: a percentage"):
        load("online-or-physical")


def test_a_column_the_sidecar_does_not_describe_is_named(broken):
    text = (broken / "online-or-physical.csv").read_text(encoding="utf-8").splitlines()
    _write(broken / "online-or-physical.csv", "\n".join([text[0] + ",extra"] + [t + ",x" for t in text[1:]]) + "\n")
    with pytest.raises(ContentError, match=r"column extra: not described in \S*data/stats/online-or-physical.yaml"):
        load("online-or-physical")


def test_a_figure_that_contradicts_facts_yaml_is_named(broken):
    text = (broken / "online-or-physical.csv").read_text(encoding="utf-8").replace(",38\n", ",39\n")
    _write(broken / "online-or-physical.csv", text)
    with pytest.raises(
        ContentError,
        match=r"online-or-physical.csv: line 2, column percent: 39 differs from data/facts.yaml cbs_2023_online_only",
    ):
        load("online-or-physical")


def test_a_missing_sidecar_is_named(broken):
    (broken / "online-or-physical.yaml").unlink()
    with pytest.raises(ContentError) as err:
        load("online-or-physical")
    assert err.value.file.endswith("data/stats/online-or-physical.yaml") and err.value.field == "file"


def test_a_sidecar_without_a_source_is_named(broken):
    text = (broken / "online-or-physical.yaml").read_text(encoding="utf-8")
    _write(broken / "online-or-physical.yaml", re.sub(r"(?m)^source:.*\n", "", text))
    with pytest.raises(ContentError, match=r"data/stats/online-or-physical.yaml: source: missing"):
        load("online-or-physical")


def test_an_empty_csv_is_named(broken):
    _write(broken / "online-or-physical.csv", "")
    with pytest.raises(ContentError, match=r"online-or-physical.csv: file: is empty"):
        load("online-or-physical")


def test_the_page_shows_a_message_not_a_traceback(broken, monkeypatch):
    shown = []
    monkeypatch.setattr(pagekit, "show_html", shown.append)
    _write(broken / "victims-by-age-sex.csv", "age_nl,age_en,women\n")
    assert show_chart("victims-by-age-sex", "en") is None
    assert len(shown) == 1 and 'role="alert"' in shown[0] and "victims-by-age-sex.csv" in shown[0]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_wrapped_category_labels_keep_the_space_between_their_lines(lang):
    """Issue 9: the chart read 'partner orex-partner' and 'eenpartner' (the words of a wrapped label ran together)."""
    import re

    from stalking_course.elements.chart import chart_html

    html = chart_html("stalker-relationship-by-sex", lang)
    texts = [re.sub(r"<[^>]+>", "", t) for t in re.findall(r'<text text-anchor="end"[^>]*>(.*?)</text>', html)]
    label = {"nl": "werd gestalkt door een partner of ex-partner", "en": "was stalked by a partner or ex-partner"}[lang]
    assert label in texts, texts


# ---- a broken sidecar (data/stats/<name>.yaml): its schema names the file and the field


@pytest.mark.parametrize(
    "change,field,problem",
    [
        (lambda d: d.update(decimals=7), "decimals", "must be a whole number from 0 to 3"),
        (lambda d: d.update(confidence="certain"), "confidence", "must be high or medium"),
        (
            lambda d: d["columns"].update(women="percentage"),
            "columns.women",
            "kind must be one of key, text, percent, number",
        ),
        (lambda d: d["chart"]["category"].pop("nl"), "chart.category.nl", "missing"),
        (lambda d: d["chart"]["title"].update(en=""), "chart.title.en", "missing or empty translation"),
        (lambda d: d["chart"].update(series=[]), "chart.series", "needs at least 1 item"),
        (lambda d: d["chart"]["series"][1].pop("label"), "chart.series[2].label", "missing"),
        (
            lambda d: d["chart"]["series"][0].update(column="age_nl"),
            "chart.series[1].column",
            "must name a number or percent column, not 'age_nl'",
        ),
        (
            lambda d: d["chart"]["category"].update(en="women"),
            "chart.category.en",
            "must name a text column, not 'women'",
        ),
        (lambda d: d.update(sorce="CBS"), "sorce", "unknown field (a typo?)"),
    ],
    ids=[
        "decimals",
        "confidence",
        "kind",
        "category",
        "title",
        "no-series",
        "series-label",
        "series-column",
        "category-column",
        "typo",
    ],
)
def test_a_broken_sidecar_is_named_with_file_and_field(broken, change, field, problem):
    from helpers import edit_yaml

    edit_yaml(broken / "victims-by-age-sex.yaml", change)
    with pytest.raises(ContentError) as err:
        load("victims-by-age-sex")
    assert err.value.file.endswith("data/stats/victims-by-age-sex.yaml")  # a copy of data/ is named by its full path
    assert (err.value.field, err.value.problem) == (field, problem)


def test_a_fact_link_to_a_missing_row_is_named(broken):
    from helpers import edit_yaml

    edit_yaml(broken / "online-or-physical.yaml", lambda d: d["facts"].update(offline={"percent": "cbs_2023_both"}))
    with pytest.raises(ContentError, match=r"online-or-physical.yaml: facts.offline: no row with way = 'offline'"):
        load("online-or-physical")


def test_the_charts_interface_text_is_checked(broken):
    from helpers import edit_yaml

    edit_yaml(broken / "stats.yaml", lambda d: d["ui"]["en"].pop("table_caption"))
    with pytest.raises(ContentError, match=r"data/stats/stats.yaml: ui.en.table_caption: missing"):
        validate_stats()
