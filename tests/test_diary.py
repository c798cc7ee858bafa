"""The incident diary (content/diary.py, elements/diary.py): weekly counts, escalation, safe handling of
what a trainee types, and broken diary data named with file and field."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from stalking_course.content import LANGS, ContentError, ui
from stalking_course.content.diary import MAX_DESCRIPTION, check_entry, config, escalation, load_diary, weekly_counts
from stalking_course.elements import base as pagekit
from stalking_course.elements.diary import (
    DiaryEditor,
    show_diary_timeline,
    show_diary_weeks,
    summary_html,
    timeline_html,
)

HOSTILE = ("<script>alert('x')</script>", '<img src=x onerror="alert(1)">', "<b onmouseover=alert(1)>hi</b>")


def _no_markup_from_input(html: str) -> None:
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "<b onmouseover" not in html.lower()
    assert not re.search(r"<[^>]*\sonerror\s*=", html, re.I)


# ---- the sample diary


def test_the_sample_diary_is_fictional_and_says_so():
    sample = config()["sample"]
    assert sample["fictional"] is True
    assert re.search(r"verzonnen|fictie", sample["title"]["nl"], re.I) and "fictional" in sample["title"]["en"].lower()
    assert "fictional" in sample["file"]


def test_weekly_counts_of_the_sample_diary():
    weeks = weekly_counts(load_diary())
    assert list(weeks["week"]) == [1, 2, 3, 4, 5, 6]
    assert list(weeks["contacts"]) == [1, 2, 4, 6, 8, 11]
    assert list(weeks["threats"]) == [0, 0, 0, 1, 2, 3]
    assert all(d.weekday() == 0 for d in weeks["week_start"]), "weeks start on Monday"
    assert str(weeks["week_start"].iloc[0].date()) == "2025-02-03"
    assert weeks["contacts"].sum() == len(load_diary())


def test_escalation_is_visible():
    """What the quiz (escalation-in-the-diary) says: more contacts every week, threats from week 4."""
    weeks = weekly_counts(load_diary())
    assert weeks["contacts"].is_monotonic_increasing and weeks["contacts"].diff().dropna().gt(0).all()
    e = escalation(load_diary())
    assert e["escalating"] and e["rising"]
    assert e["first_week"]["threats"] == 0 and e["first_threat_week"] == 4
    assert e["busiest_week"]["week"] == 6 and e["busiest_week"]["contacts"] == 11


def test_the_quiz_quote_is_in_week_six_of_the_diary():
    df = load_diary()
    quote = "Als ik je niet kan hebben, zorg ik dat niemand je heeft."
    row = df[df["description_nl"].str.contains(quote, regex=False)]
    assert len(row) == 1 and bool(row["threat"].iloc[0])
    assert row["date"].iloc[0] >= weekly_counts(df)["week_start"].iloc[5]


def test_weeks_without_entries_count_as_zero():
    df = load_diary()
    later = df[df["date"] >= "2025-03-03"]
    early = df[df["date"] < "2025-02-10"]
    import pandas as pd

    weeks = weekly_counts(pd.concat([early, later]))
    assert list(weeks["contacts"]) == [1, 0, 0, 0, 8, 11]


@pytest.mark.parametrize("lang", LANGS)
def test_the_timeline_groups_by_week_and_marks_threats_in_words(lang):
    html = timeline_html(load_diary(), lang)
    t = config()["ui"][lang]
    assert html.count('scope="colgroup"') == 6
    assert html.count(t["threat_yes"]) == 6, "each threat says so in words, with a symbol"
    assert 'role="region"' in html and 'tabindex="0"' in html, "the scrollable timeline can be reached by keyboard"
    assert "<caption>" in html


# ---- the trainee's entry


@pytest.fixture
def editor():
    return DiaryEditor("nl")


def _fill(ed, description, kind="message", day=dt.date(2025, 3, 18), threat=False):
    ed.date.value = day
    ed.kind.value = kind
    ed.description.value = description
    ed.threat.value = threat


def test_every_form_field_is_labelled(editor):
    for w in (
        editor.date,
        editor.time,
        editor.kind,
        editor.kept,
        editor.threat,
        editor.description,
        editor.add,
        editor.reset,
    ):
        assert w.description.strip(), type(w).__name__


def test_a_valid_entry_is_added_and_the_weeks_update(editor):
    _fill(editor, "Stond om 8 uur bij mijn werk.", threat=True)
    assert editor.submit()
    weeks = weekly_counts(editor.diary)
    assert list(weeks["contacts"])[-1] == 1 and list(weeks["threats"])[-1] == 1 and len(weeks) == 7
    assert "course-msg-right" in editor.message.value and "✔" in editor.message.value
    assert "Stond om 8 uur bij mijn werk." in editor.result.value
    assert editor.description.value == "" and editor.threat.value is False, "ready for the next entry"
    editor.start_again()
    assert editor.added == 0 and len(weekly_counts(editor.diary)) == 6


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_escaped_never_rendered(editor, text):
    _fill(editor, text)
    assert editor.submit()
    _no_markup_from_input(editor.result.value)
    _no_markup_from_input(editor.message.value)
    assert "&lt;" in editor.result.value
    for lang in LANGS:
        _no_markup_from_input(timeline_html(editor.diary, lang))


def test_hostile_input_in_the_sample_csv_is_escaped_too(data_copy):
    csv = data_copy / "diary" / "fictional-diary-noor.csv"
    text = csv.read_text(encoding="utf-8").replace("Vier appjes", '<img src=x onerror="alert(1)"> Vier appjes', 1)
    csv.write_text(text, encoding="utf-8")
    html = timeline_html(load_diary(), "nl")
    _no_markup_from_input(html)
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html


@pytest.mark.parametrize("description", ["", "   \n\t  "])
def test_empty_input_gets_a_clear_message_and_loses_nothing(editor, description):
    editor.kind.value = "call"
    editor.threat.value = True
    editor.description.value = description
    before = len(editor.diary)
    assert not editor.submit()
    assert "course-msg-wrong" in editor.message.value and "✘" in editor.message.value
    assert config()["ui"]["nl"]["err_description_missing"] in editor.message.value
    assert len(editor.diary) == before
    assert editor.kind.value == "call" and editor.threat.value is True and editor.description.value == description


def test_everything_missing_is_listed_at_once():
    entry, problems = check_entry("en", None, None, None, "written", "")
    t = config()["ui"]["en"]
    assert entry is None
    assert problems == [t["err_date_missing"], t["err_kind_missing"], t["err_description_missing"]]


def test_a_date_outside_the_practice_diary_is_refused(editor):
    entry, problems = check_entry("nl", dt.date(1999, 1, 1), None, "call", "written", "x")
    assert entry is None and problems == [
        config()["ui"]["nl"]["err_date_range"].format(first="6 februari 2025", last="11 mei 2025")
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_the_form_says_which_dates_the_practice_diary_takes(lang):
    ed = DiaryEditor(lang)
    intro = ed.widget.children[0].children[0].value
    first, last = ("6 februari 2025", "11 mei 2025") if lang == "nl" else ("6 February 2025", "11 May 2025")
    assert ui(lang)["diary_date_hint"].format(first=first, last=last) in intro


@pytest.mark.parametrize("day", [dt.date(2030, 1, 1), dt.date(2020, 1, 1), dt.date(2026, 11, 30)])
def test_an_out_of_range_date_is_refused_with_the_message_and_nothing_typed_is_changed(editor, day):
    """The picker used to move these dates silently to the nearest end of the range and add the entry."""
    _fill(editor, "Hij stond weer voor de deur.", kind="at_home", day=day, threat=True)
    editor.kept.value = "witness"
    before = len(editor.diary)
    editor.add.click()
    assert editor.date.value == day, "the date stays as typed"
    assert len(editor.diary) == before and editor.added == 0
    assert "course-msg-wrong" in editor.message.value and "✘" in editor.message.value
    assert (
        config()["ui"]["nl"]["err_date_range"].format(first="6 februari 2025", last="11 mei 2025")
        in editor.message.value
    )
    assert (editor.kind.value, editor.kept.value, editor.threat.value, editor.description.value) == (
        "at_home",
        "witness",
        True,
        "Hij stond weer voor de deur.",
    )
    editor.date.value = dt.date(2025, 3, 20)
    editor.add.click()
    assert editor.added == 1 and "course-msg-right" in editor.message.value, "corrected, it is added"


def test_a_double_click_on_add_adds_once_and_shows_no_error(editor):
    _fill(editor, "Twee keer gebeld.", kind="call")
    editor.add.click()
    success = editor.message.value
    editor.add.click()
    assert editor.added == 1
    assert editor.message.value == success and "course-msg-wrong" not in editor.message.value
    assert "✔" in editor.message.value


def test_after_a_change_the_next_entry_is_added_again(editor):
    _fill(editor, "Eerste.", kind="call")
    editor.add.click()
    editor.description.value = "Tweede."
    editor.add.click()
    assert editor.added == 2
    editor.add.click()
    assert editor.added == 2 and "course-msg-wrong" not in editor.message.value


def test_pressing_add_on_an_empty_form_still_says_what_is_missing(editor):
    editor.add.click()
    assert "course-msg-wrong" in editor.message.value
    assert config()["ui"]["nl"]["err_kind_missing"] in editor.message.value


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("lang", LANGS)
def test_the_conclusion_says_it_follows_from_the_entries(lang):
    html = summary_html(load_diary(), lang)
    t = ui(lang)
    assert f"⚠ {t['diary_based_on']}" in _text(html)
    assert t["diary_worse"].format(
        first=("1 contact"), peak=("11 contacten" if lang == "nl" else "11 contacts"), n=6, k=4
    ) in _text(html)


@pytest.mark.parametrize("lang", LANGS)
def test_one_may_entry_keeps_the_getting_worse_conclusion_and_names_the_gap(lang):
    ed = DiaryEditor(lang)
    _fill(ed, "Eén appje.", kind="message", day=dt.date(2025, 5, 2))
    assert ed.submit()
    e = escalation(ed.diary)
    assert e["escalating"] and e["busiest_week"]["week"] == 6
    assert e["quiet_weeks"] == [7, 8, 9, 10, 11, 12]
    text = _text(ed.result.value)
    t = ui(lang)
    assert f"⚠ {t['diary_based_on']}" in text
    assert t["diary_gap"].format(n=6, k=6) in text


def test_the_conclusion_changes_when_the_entries_do(editor):
    """Fifteen entries in week 1 make week 1 the busiest: no rise, and the page says so."""
    for n in range(15):
        _fill(editor, f"Appje {n}.", kind="message", day=dt.date(2025, 2, 7))
        assert editor.submit()
    e = escalation(editor.diary)
    assert not e["rising"] and not e["escalating"] and e["busiest_week"]["week"] == 1
    text = _text(editor.result.value)
    assert "course-diary-escalating" not in editor.result.value and f"⚠ {ui('nl')['diary_based_on']}" not in text
    assert f"ℹ {ui('nl')['diary_based_on']}" in text
    assert ui("nl")["diary_not_worse"].format(first="16 contacten", peak="16 contacten", n=1) in text


def test_a_hundred_kilobytes_of_text_is_refused_with_a_message(editor):
    big = "<script>" + "a" * 100 * 1024
    _fill(editor, big)
    assert not editor.submit()
    assert "1.000" in editor.message.value and "course-msg-wrong" in editor.message.value
    assert editor.description.value == big, "the text stays in the box to be shortened"
    assert editor.added == 0
    assert len(editor.message.value) < 2000, "the message does not repeat the text"


def test_the_longest_allowed_description_is_accepted(editor):
    _fill(editor, "b" * MAX_DESCRIPTION)
    assert editor.submit()


def test_control_characters_are_removed():
    entry, problems = check_entry("nl", dt.date(2025, 3, 18), None, "call", "written", "a\x00b\x1bc\nd")
    assert not problems and entry["description_nl"] == "abc\nd"


# ---- broken diary data: file and field named


@pytest.fixture
def broken(data_copy):
    return data_copy / "diary"


def _replace_in_csv(folder, old, new):
    csv = folder / "fictional-diary-noor.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def test_a_bad_date_is_named_with_file_line_and_column(broken):
    _replace_in_csv(broken, "2025-02-11", "11-02-2025")
    with pytest.raises(ContentError) as err:
        load_diary()
    assert err.value.file.endswith("data/diary/fictional-diary-noor.csv")
    assert err.value.field == "line 3, column date"


def test_an_unknown_kind_is_named(broken):
    _replace_in_csv(broken, ",gift,", ",bloemen,")
    with pytest.raises(
        ContentError, match=r"fictional-diary-noor.csv: line 4, column kind: 'bloemen' is not one of the kinds"
    ):
        load_diary()


def test_a_threat_that_is_not_yes_or_no_is_named(broken):
    _replace_in_csv(broken, ",message,no,", ",message,misschien,")
    with pytest.raises(ContentError, match=r"line 2, column threat: must be yes or no"):
        load_diary()


def test_a_missing_column_is_named(broken):
    csv = broken / "fictional-diary-noor.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    csv.write_text("\n".join([lines[0].rsplit(",", 1)[0], *lines[1:]]), encoding="utf-8")  # no description_en
    with pytest.raises(ContentError) as err:
        load_diary()
    assert err.value.file.endswith("data/diary/fictional-diary-noor.csv") and err.value.field == "column description_en"


def test_a_missing_interface_text_is_named(broken):
    yml = broken / "diary.yaml"
    yml.write_text(yml.read_text(encoding="utf-8").replace('    form_add: "Add to the diary"\n', ""), encoding="utf-8")
    with pytest.raises(ContentError, match=r"data/diary/diary.yaml: ui.en.form_add: missing"):
        load_diary()


def test_a_sample_not_marked_fictional_is_refused(broken):
    yml = broken / "diary.yaml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("fictional: true", "fictional: false"), encoding="utf-8")
    with pytest.raises(ContentError, match=r"sample.fictional"):
        load_diary()


def test_the_page_shows_a_message_not_a_traceback(broken, monkeypatch):
    shown = []
    monkeypatch.setattr(pagekit, "show_html", shown.append)
    _replace_in_csv(broken, "2025-02-11", "gisteren")
    show_diary_timeline("nl")
    show_diary_weeks("en")
    assert len(shown) == 2 and all('role="alert"' in s and "fictional-diary-noor.csv" in s for s in shown)
