"""The "which of these are signals?" exercise: its data, and the widget driven in Python."""

from __future__ import annotations

import re
from html import unescape

import pytest

from helpers import edit_yaml
from stalking_course.content import LANGS, ContentError, ui
from stalking_course.content.signals import exercise, exercise_ids
from stalking_course.elements.signals import SignalSorter, show_signal_sorter


def text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture(params=LANGS)
def lang(request):
    return request.param


@pytest.fixture
def sorter(lang):
    return SignalSorter(exercise("pattern-signals"), lang)


# ---- the data


def test_every_exercise_loads_in_both_languages():
    ids = exercise_ids()
    assert {"pattern-signals", "escalation-signs", "online-signals"} <= set(ids)
    for ex_id in ids:
        ex = exercise(ex_id)
        assert len(ex.items) >= 5, ex_id
        assert ex.signals and len(ex.signals) < len(ex.items), ex_id
        for item in ex.items:
            for lang in LANGS:
                assert item.text[lang].strip() and item.feedback[lang].strip(), (ex_id, item.id, lang)
        for lang in LANGS:
            assert ex.intro[lang].strip()
            assert re.search(r"verzonnen|fictie", ex.intro["nl"], re.I) and "fictional" in ex.intro["en"].lower(), (
                "every case says it is fictional"
            )


def test_ui_text_has_the_same_keys_in_both_languages():
    assert set(ui("nl", "signals")) == set(ui("en", "signals"))
    for lang in LANGS:
        assert "{total}" in ui(lang, "signals")["all_right"] and "{right}" in ui(lang, "signals")["some_right"]


def test_pages_use_exercises_that_exist():
    from helpers import all_notebook_paths, read_notebook, sources

    call = re.compile(r"show_signal_sorter\(\s*[\"']([\w-]+)[\"']")
    used = {m for path in all_notebook_paths() for s in sources(read_notebook(path), "code") for m in call.findall(s)}
    assert used <= set(exercise_ids())
    assert set(exercise_ids()) <= used, "every exercise is on a page"


# ---- the widget


def test_the_browser_gets_only_the_observations(sorter, lang):
    """Nothing sent to the page before Check tells which observations are signals."""
    ex = sorter.exercise
    assert [b.description for b in sorter.boxes] == [item.text[lang] for item in ex.items]
    assert sorter.feedback.value == ""
    page = sorter.prompt.value + "".join(b.description for b in sorter.boxes)
    for item in ex.items:
        assert item.feedback[lang] not in page
    assert all(not b.description_allow_html for b in sorter.boxes)


def test_empty_choice_gets_a_message_and_counts_nothing(sorter, lang):
    sorter.check.click()
    assert ui(lang, "signals")["choose_first"] in text(sorter.feedback.value)
    assert "ℹ" in sorter.feedback.value
    assert sorter.attempts == 0 and sorter.first_try_right is None


def test_all_right(sorter, lang):
    ex = sorter.exercise
    sorter.select(*ex.signals)
    sorter.check.click()
    html = sorter.feedback.value
    assert "course-msg-right" in html
    assert ui(lang, "signals")["all_right"].format(total=len(ex.items)) in text(html)
    assert html.count("<li") == len(ex.items)
    assert "✘" not in html
    assert html.count("✔") == len(ex.items) + 1
    for item in ex.items:
        assert item.feedback[lang] in text(html)
    assert sorter.solved and sorter.first_try_right is True


def test_feedback_per_item_is_a_word_and_a_symbol(sorter, lang):
    ex, t = sorter.exercise, ui(lang, "signals")
    signal = min(ex.signals)
    other_signal = max(ex.signals)
    harmless = next(i for i, item in enumerate(ex.items) if not item.signal)
    sorter.boxes[signal].value = True
    sorter.boxes[harmless].value = True
    sorter.check.click()
    items = re.findall(r"<li[^>]*>(.*?)</li>", sorter.feedback.value)
    assert len(items) == len(ex.items)
    assert items[signal].startswith(f"<strong>✔ {t['hit']}</strong>")
    assert items[harmless].startswith(f"<strong>✘ {t['false_alarm']}</strong>")
    assert items[other_signal].startswith(f"<strong>✘ {t['missed']}</strong>")
    not_ticked_harmless = [i for i, item in enumerate(ex.items) if not item.signal and i != harmless]
    for i in not_ticked_harmless:
        assert items[i].startswith(f"<strong>✔ {t['correct_reject']}</strong>")
    right = 1 + len(not_ticked_harmless)
    assert "course-msg-partly" in sorter.feedback.value
    assert t["some_right"].format(right=right, total=len(ex.items)) in text(sorter.feedback.value)
    assert sorter.first_try_right is False and not sorter.solved


def test_nothing_right(sorter, lang):
    ex = sorter.exercise
    sorter.select(*[i for i in range(len(ex.items)) if i not in ex.signals])
    sorter.check.click()
    assert "course-msg-wrong" in sorter.feedback.value
    assert ui(lang, "signals")["none_right"] in text(sorter.feedback.value)


def test_double_click_is_harmless_and_a_new_choice_is_checked_again(sorter):
    ex = sorter.exercise
    harmless = next(i for i, item in enumerate(ex.items) if not item.signal)
    sorter.select(harmless)
    sorter.check.click()
    first = sorter.feedback.value
    sorter.check.click()
    sorter.check.click()
    assert sorter.attempts == 1 and sorter.feedback.value == first
    sorter.select(*ex.signals)
    sorter.check.click()
    assert sorter.attempts == 2 and sorter.solved and sorter.first_try_right is False


def test_show_signal_sorter_returns_the_widget(lang):
    s = show_signal_sorter("online-signals", lang)
    assert isinstance(s, SignalSorter) and len(s.boxes) == len(exercise("online-signals").items)


# ---- broken or hostile data


def test_text_is_escaped_in_the_page(data_copy):
    def hostile(d):
        item = d["exercises"]["pattern-signals"]["items"][0]
        item["text"]["nl"] = "<script>alert('x')</script> & <b>vet</b>"
        item["feedback"]["nl"] = "Uitleg met <img src=x onerror=alert(1)>"
        d["exercises"]["pattern-signals"]["intro"]["nl"] = "Verzonnen <i>situatie</i>"

    edit_yaml(data_copy / "signals.yaml", hostile)
    s = SignalSorter(exercise("pattern-signals"), "nl")
    assert "<i>" not in s.prompt.value and "&lt;i&gt;" in s.prompt.value
    assert s.boxes[0].description.startswith("<script>") and not s.boxes[0].description_allow_html
    s.select(0)
    s.check.click()
    html = s.feedback.value
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html
    assert "<img" not in html and "&lt;img src=x" in html


def test_an_exercise_without_signals_is_named(data_copy):
    def no_signals(d):
        for item in d["exercises"]["escalation-signs"]["items"]:
            item["signal"] = False

    edit_yaml(data_copy / "signals.yaml", no_signals)
    with pytest.raises(ContentError) as err:
        exercise("escalation-signs")
    assert err.value.file.endswith("signals.yaml") and "exercises.escalation-signs.items" in err.value.field


def test_a_missing_translation_is_named(data_copy):
    edit_yaml(data_copy / "signals.yaml", lambda d: d["exercises"]["online-signals"]["items"][2]["feedback"].pop("en"))
    with pytest.raises(
        ContentError, match=r"exercises.online-signals.items\[3\] \(id knows-where-he-is\).feedback.en: missing"
    ):
        exercise("online-signals")


def test_a_missing_signal_flag_and_an_unknown_exercise_are_named(data_copy):
    with pytest.raises(ContentError, match="exercises.no-such-exercise: no such exercise"):
        exercise("no-such-exercise")
    edit_yaml(data_copy / "signals.yaml", lambda d: d["exercises"]["pattern-signals"]["items"][1].pop("signal"))
    with pytest.raises(ContentError, match=r"items\[2\] \(id colleague-asked-once\).signal: missing"):
        exercise("pattern-signals")
    with pytest.raises(ContentError, match="pattern-signals"):
        exercise("online-signals")  # the file is checked as a whole: any exercise names the broken one


def test_a_broken_exercise_shows_a_message_not_a_traceback(data_copy, capsys):
    edit_yaml(data_copy / "signals.yaml", lambda d: d["ui"]["en"].pop("missed"))
    shown = []
    import stalking_course.elements.base as pagekit

    original = pagekit.show
    pagekit.show = shown.append
    try:
        assert show_signal_sorter("pattern-signals", "en") is None
    finally:
        pagekit.show = original
    assert "ui.en.missed" in capsys.readouterr().err


# ---- partly right says what is still missing (issue 8)


def test_partly_right_says_how_many_signs_are_still_to_tick(sorter, lang):
    from stalking_course.content import ui as course_ui

    ex = sorter.exercise
    signals = sorted(ex.signals)
    assert len(signals) >= 3, "the exercise has several signs"
    sorter.select(signals[0])
    sorter.check.click()
    t = course_ui(lang)
    missing = t["signals_missing_many"].format(n=len(signals) - 1)
    assert f"{missing[:1].upper()}{missing[1:]}." in text(sorter.feedback.value)
    harmless = next(i for i, item in enumerate(ex.items) if not item.signal)
    sorter.select(*signals, harmless)
    sorter.check.click()
    extra = t["signals_extra_one"]
    assert f"{extra[:1].upper()}{extra[1:]}." in text(sorter.feedback.value)
    sorter.select(*signals)
    sorter.check.click()
    assert "course-status-detail" not in sorter.feedback.value, "all right: nothing missing"


def test_partly_right_in_dutch_reads_nog_n_signalen():
    sorter = SignalSorter(exercise("pattern-signals"), "nl")
    signals = sorted(sorter.exercise.signals)
    sorter.select(signals[0])
    sorter.check.click()
    assert f"Nog {len(signals) - 1} signalen niet aangevinkt." in text(sorter.feedback.value)


# ---- what the trainer's material shows of an exercise (registry hooks)


def test_a_deck_shows_the_observations_then_an_answer_slide_and_the_preview_no_answers(lang):
    from stalking_course.elements.registry import Call
    from stalking_course.elements.signals import static

    ex = exercise("pattern-signals")
    call = Call("signals", "show_signal_sorter", ("pattern-signals", lang))
    deck = static(call, lang)
    assert deck.inline.startswith('<ol class="deck-items">') and 'class="deck-note"' in deck.inline
    ((answer, notes),) = deck.slides
    assert 'data-signals="pattern-signals"' in answer and answer.count("deck-right") == len(ex.signals)
    assert "deck-compact" in answer, "nine observations: the compact list"
    preview = static(call, lang, preview=True)
    assert preview.slides == [] and "deck-note" not in preview.inline and "deck-right" not in preview.inline


def test_each_exercise_has_its_own_answer_key_section():
    from stalking_course.content.course import course
    from stalking_course.elements.registry import Call
    from stalking_course.elements.signals import answer_key

    page = course().page("recognising-the-pattern")
    section = answer_key(Call("signals", "show_signal_sorter", ("pattern-signals", "en")), page, "en")
    assert section.group == 1 and section.anchor == "signals-pattern-signals"
    assert section.title.startswith(ui("en", "slides")["keys_signals_heading"]) and "Lesson 2" in section.title
    ex = exercise("pattern-signals")
    assert section.html.count('data-signal="true"') == len(ex.signals)
    assert section.html.count('data-signal="false"') == len(ex.items) - len(ex.signals)
