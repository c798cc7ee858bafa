"""The case exercises: the referral of every case is the engine's, the cases cover every branch, the widget
driven in Python (empty, wrong, right, double click), the pages, and broken data named with file and field."""

from __future__ import annotations

import re
from html import unescape

import pytest
import yaml

from helpers import edit_yaml, read_notebook
from stalking_course.content import LANGS, REPO_ROOT, ContentError, fact
from stalking_course.content import ui as course_ui
from stalking_course.content.course import course
from stalking_course.content.referral import advise, relation_label, relations
from stalking_course.elements.cases import (
    CASE_FIELDS,
    CaseView,
    case,
    cases,
    group_cases,
    referral_label,
    referral_options,
    show_case,
    show_cases,
)

FILE = "data/cases.yaml"
DEPENDENCY = {"partner", "ex-partner", "family", "household", "carer"}
ALL_CASES = [c.id for c in cases()]


def ui(lang):
    """The case widget's interface text: the ui block of data/cases.yaml."""
    return course_ui(lang, "cases")


def where(case_id: str, field: str) -> str:
    """How an error names a field of a case: cases[5] (id neighbour-henk).relation (1-based, as the file counts)."""
    return f"cases[{ALL_CASES.index(case_id) + 1}] (id {case_id}).{field}"


def text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture(params=LANGS)
def lang(request):
    return request.param


def _wrong_referral(view: CaseView) -> int:
    """A wrong referral that gets the danger question right (so the hint is about the relationship)."""
    right = view.options[view.right_referral]
    return next(i for i, o in enumerate(view.options) if o != right and (o[0] == "112") == (right[0] == "112"))


# ---- the referral is the engine's, never typed in the case


@pytest.mark.parametrize("case_id", ALL_CASES)
def test_the_right_referral_of_every_case_is_the_engines(case_id, lang):
    c = case(case_id)
    engine = advise(c.relation, c.life_threatening)
    view = CaseView(c, lang)
    assert view.options[view.right_referral] == (engine.service, engine.then)
    # the feedback for the right answer is the engine's explanation, with the numbers of data/facts.yaml
    view.select_right_answer()
    view.check.click()
    shown = text(view.feedback.value)
    assert view.solved and view.results == {"signals": True, "referral": True, "advice": True}
    assert engine.explanation[lang] in shown
    assert relation_label(c.relation, lang) in shown
    for service in filter(None, (engine.service, engine.then)):
        assert (
            fact(
                {"112": "emergency_number", "veilig-thuis": "veilig_thuis_phone", "police": "police_phone"}[service]
            ).value[lang]
            in shown
        )


def test_no_case_in_the_data_file_names_a_referral():
    raw = yaml.safe_load((REPO_ROOT / FILE).read_text(encoding="utf-8"))
    for entry in raw["cases"]:
        assert set(entry) <= set(CASE_FIELDS), entry["id"]
        assert not {"referral", "service", "then", "refer", "answer"} & set(entry), entry["id"]


def test_the_referral_choices_are_every_answer_the_engine_gives(lang):
    answers = {(advise(r, d).service, advise(r, d).then) for r in relations() for d in (False, True)}
    assert set(referral_options()) == answers and len(referral_options()) == len(answers)
    labels = [referral_label(o, lang) for o in referral_options()]
    assert len(set(labels)) == len(labels)
    for option, label in zip(referral_options(), labels):
        for service in filter(None, option):
            assert advise("ex-partner").contact(service) in label


# ---- the cases cover every branch


def test_the_cases_cover_every_referral_branch():
    all_cases = cases()
    assert len(all_cases) >= 10
    found = {c.relation for c in all_cases}
    for needed in (
        {"ex-partner"},
        {"partner"},
        {"family"},
        {"carer"},
        {"colleague", "manager"},
        {"neighbour"},
        {"acquaintance"},
        {"unknown"},
    ):
        assert needed & found, f"no case with relation {needed}"
    exes = {(c.victim, c.stalker) for c in all_cases if c.relation == "ex-partner" and not c.life_threatening}
    assert ("woman", "man") in exes and ("man", "woman") in exes, (
        "ex-partner stalking of a woman by a man and vice versa"
    )
    danger = [c for c in all_cases if c.life_threatening]
    assert len(danger) >= 2
    assert {c.referral().then for c in danger} == {"veilig-thuis", "police"}, "danger with both follow-ups"
    assert {"woman", "man"} <= {c.victim for c in all_cases}


def test_each_page_has_its_kind_of_cases():
    groups = {p.id for p in course().exercises}
    assert {c.group for c in cases()} == groups == {"cases-referral", "cases-family-and-danger"}
    assert not any(c.life_threatening for c in group_cases("cases-referral"))
    for c in group_cases("cases-family-and-danger"):
        assert c.relation in DEPENDENCY or c.life_threatening, c.id


@pytest.mark.parametrize("case_id", ALL_CASES)
def test_every_case_has_signs_and_advice_both_right_and_wrong(case_id):
    c = case(case_id)
    assert 0 < len(c.present_signals) < len(c.signals)
    assert 0 < len(c.good_advice) < len(c.advice)
    if c.life_threatening:
        assert c.danger, "a case with danger to life says why"
    for lang in LANGS:
        for item in c.signals + c.advice:
            assert item.text[lang].strip() and item.feedback[lang].strip()


@pytest.mark.parametrize("group", ["cases-referral", "cases-family-and-danger"])
def test_the_pages_show_every_case_of_their_group_with_an_answer_key(group, lang):
    """Each case once, in order, in both languages; the trainer's key in the notes is the engine's answer."""
    page = course().page(group)
    nb = read_notebook(page.path(lang))
    cells = nb["cells"]
    call = re.compile(r'show_case\("([\w-]+)", "(\w+)"\)')
    shown = []
    for i, cell in enumerate(cells):
        source = "".join(cell["source"])
        m = call.search(source) if cell["cell_type"] == "code" else None
        if not m:
            continue
        assert m.group(2) == lang
        shown.append(m.group(1))
        notes = cells[i + 1]
        assert notes["metadata"]["slideshow"]["slide_type"] == "notes", f"speaker notes after {m.group(1)}"
        key = re.search(r"\*\*(?:Verwijzing \(antwoord\)|Referral \(answer\)):\*\* (.+)\.", "".join(notes["source"]))
        assert key, f"answer key in the notes of {m.group(1)}"
        a = case(m.group(1)).referral()
        names = {
            "nl": {"veilig-thuis": "veilig thuis", "police": "de politie", "112": "het alarmnummer"},
            "en": {"veilig-thuis": "veilig thuis", "police": "the police", "112": "the emergency number"},
        }[lang]
        expected = (
            names[a.service]
            if not a.then
            else {
                "nl": f"eerst {names[a.service]}, daarna {names[a.then]}",
                "en": f"first {names[a.service]}, then {names[a.then]}",
            }[lang]
        )
        assert key.group(1).lower() == expected, m.group(1)
        assert re.search(r"(Tijd|Time): \d+ minut", "".join(notes["source"])), "timing in the notes"
    assert shown == [c.id for c in group_cases(group)]


# ---- the widget, driven in Python


@pytest.fixture
def view(lang):
    return CaseView(case("ex-partner-youssef"), lang, 2, 7)


def test_the_page_gets_the_story_and_labels_only(view, lang):
    """Nothing sent to the browser before Check tells which answers are right."""
    c = view.case
    t = ui(lang)
    assert t["fictional"] in text(view.story.value), "every case says it is fictional"
    assert t["case_of"].format(n=2, total=7) in text(view.story.value)
    assert [b.description for b in view.signal_boxes] == [s.text[lang] for s in c.signals]
    assert [b.description for b in view.advice_boxes] == [a.text[lang] for a in c.advice]
    assert view.referral.value is None and view.feedback.value == ""
    page = "".join(w.value for w in view.widget.children if hasattr(w, "value") and isinstance(w.value, str))
    for item in c.signals + c.advice:
        assert item.feedback[lang] not in text(page)
    assert c.referral().explanation[lang] not in text(page)
    assert all(not b.description_allow_html for b in view.signal_boxes + view.advice_boxes)


def test_empty_choices_get_a_clear_message_and_count_nothing(view, lang):
    t = ui(lang)
    view.check.click()
    shown = text(view.feedback.value)
    assert "ℹ" in shown and t["missing"] in shown
    for key in ("missing_signals", "missing_referral", "missing_advice"):
        assert t[key] in shown
    assert view.attempts == 0 and view.first_try_right is None
    view.select_signals(0)
    view.check.click()
    shown = text(view.feedback.value)
    assert t["missing_signals"] not in shown and t["missing_referral"] in shown and t["missing_advice"] in shown
    assert view.attempts == 0


def test_wrong_then_right(view, lang):
    c, t = view.case, ui(lang)
    engine = c.referral()
    distractor = next(i for i, s in enumerate(c.signals) if not s.correct)
    bad_advice = next(i for i, a in enumerate(c.advice) if not a.correct)
    view.select_signals(min(c.present_signals), distractor)
    view.select_referral(_wrong_referral(view))
    view.select_advice(bad_advice)
    view.check.click()
    html, shown = view.feedback.value, text(view.feedback.value)
    assert view.attempts == 1 and view.first_try_right is False and not view.solved
    assert view.results == {"signals": False, "referral": False, "advice": False}
    assert "course-msg-wrong" in html and "✘" in shown and t["parts_right"].format(right=0) in shown
    assert c.signals[distractor].feedback[lang] in shown and c.advice[bad_advice].feedback[lang] in shown
    assert t["hint_relation"] in shown
    assert engine.explanation[lang] not in shown, "the first wrong try gets a hint, not the answer"
    missed = len(c.present_signals) - 1
    assert (t["missed_one"] if missed == 1 else t["missed_many"].format(n=missed)) in shown
    # a second wrong try shows the engine's answer and what was missed
    view.select_signals(*c.present_signals)
    view.select_referral(
        next(i for i in range(len(view.options)) if i not in (view.right_referral, _wrong_referral(view)))
    )
    view.check.click()
    shown = text(view.feedback.value)
    assert view.results["signals"] and not view.results["referral"]
    assert t["parts_right"].format(right=1) in shown and "◐" in shown
    assert engine.explanation[lang] in shown and t["right_answer"] in shown
    good = sorted(c.good_advice)
    assert all(c.advice[i].feedback[lang] in shown for i in good), "missed advice is shown after a second try"
    # right
    view.select_right_answer()
    view.check.click()
    html, shown = view.feedback.value, text(view.feedback.value)
    assert view.solved and view.attempts == 3 and view.first_try_right is False
    assert t["all_right"] in shown and "✔" in shown and "✘" not in shown
    assert html.count("course-msg-right") == 4  # the summary and each of the three steps
    assert (c.danger or {}).get(lang, t["no_danger"]) in shown


def test_too_much_danger_gets_the_danger_hint(view, lang):
    t = ui(lang)
    view.select_right_answer()
    right = view.options[view.right_referral]
    view.select_referral(view.options.index(("112", right[0])))
    view.check.click()
    shown = text(view.feedback.value)
    assert t["hint_danger_extra"] in shown and t["hint_relation"] not in shown
    assert view.results == {"signals": True, "referral": False, "advice": True}
    assert "◐" in shown and t["parts_right"].format(right=2) in shown


def test_missing_danger_gets_the_danger_hint(lang):
    view = CaseView(case("danger-kim"), lang)
    view.select_right_answer()
    view.select_referral(view.options.index(("police", None)))
    view.check.click()
    shown = text(view.feedback.value)
    assert ui(lang)["hint_danger_missed"] in shown and ui(lang)["hint_relation"] not in shown


def test_double_click_is_harmless(view):
    view.select_right_answer()
    view.select_referral(_wrong_referral(view))
    view.check.click()
    first = view.feedback.value
    for _ in range(3):
        view.check.click()
    assert view.attempts == 1 and view.feedback.value == first
    view.select_right_answer()
    view.check.click()
    view.check.click()
    assert view.attempts == 2 and view.solved


def test_a_case_is_one_checkable_flow_for_its_three_parts(view):
    """The shared base (elements.base.Checkable) counts, records and restores; CaseView only judges."""
    from stalking_course.elements.base import Checkable

    c = view.case
    assert isinstance(view, Checkable)
    assert view.progress_key == (f"case:{c.id}", c.id)
    # progress gives a stored answer back JSON-decoded: lists instead of sets
    view.restore([sorted(c.present_signals), view.right_referral, sorted(c.good_advice)])
    assert view.solved and view.attempts == 1 and view.first_try_right is True
    assert view.last_answer == (c.present_signals, view.right_referral, c.good_advice)


def test_an_unfinished_answer_after_a_try_counts_nothing_and_the_same_answer_brings_its_feedback_back(view, lang):
    view.select_right_answer()
    view.select_referral(_wrong_referral(view))
    view.check.click()
    first = view.feedback.value
    view.select_advice()
    view.check.click()
    assert ui(lang)["missing_advice"] in text(view.feedback.value) and view.attempts == 1
    view.select_advice(*view.case.good_advice)
    view.check.click()
    assert view.feedback.value == first and view.attempts == 1


def test_right_first_time(lang):
    view = CaseView(case("danger-nadia"), lang)
    view.select_right_answer()
    view.check.click()
    assert view.first_try_right is True and view.solved and view.attempts == 1
    assert case("danger-nadia").danger[lang] in text(view.feedback.value)


def test_show_case_and_show_cases_return_the_widgets(lang):
    v = show_case("colleague-eva", lang)
    assert isinstance(v, CaseView) and v.case.id == "colleague-eva"
    assert ui(lang)["case_of"].format(n=3, total=len(group_cases("cases-referral"))) in text(v.story.value)
    s = show_cases("cases-family-and-danger", lang)
    assert [x.case.id for x in s.views] == [c.id for c in group_cases("cases-family-and-danger")]
    assert ui(lang)["score"].format(solved=0, total=len(s.views)) in text(s.score.value)
    s.views[0].select_right_answer()
    s.views[0].check.click()
    assert ui(lang)["score"].format(solved=1, total=len(s.views)) in text(s.score.value)


def test_interface_text_has_the_same_keys_in_both_languages():
    assert set(ui("nl")) == set(ui("en"))


# ---- broken or hostile data: named with the file, the case and the field


def _case_entry(d, case_id):
    return next(e for e in d["cases"] if e["id"] == case_id)


def test_an_unknown_relation_is_named(data_copy):
    edit_yaml(data_copy / "cases.yaml", lambda d: _case_entry(d, "neighbour-henk").update(relation="boss"))
    with pytest.raises(ContentError) as err:
        cases()
    assert err.value.file.endswith(FILE) and err.value.field == where("neighbour-henk", "relation")
    assert "'boss'" in err.value.problem and "ex-partner" in err.value.problem


def test_a_missing_translation_is_named(data_copy):
    edit_yaml(data_copy / "cases.yaml", lambda d: _case_entry(d, "carer-wim")["signals"][2]["feedback"].pop("en"))
    with pytest.raises(
        ContentError, match=re.escape(f"data/cases.yaml: {where('carer-wim', 'signals[3].feedback.en')}: missing")
    ):
        cases()


def test_a_typed_referral_is_refused(data_copy):
    edit_yaml(data_copy / "cases.yaml", lambda d: _case_entry(d, "online-daan").update(referral="police"))
    with pytest.raises(
        ContentError, match=re.escape(f"{where('online-daan', 'referral')}: a case never names its referral")
    ):
        cases()


@pytest.mark.parametrize(
    "change,field",
    [
        (lambda e: e.pop("life_threatening"), "life_threatening"),
        (lambda e: e.pop("danger"), "danger"),
        (lambda e: e.update(group="no-such-page"), "group"),
        (lambda e: e.update(victim="child"), "victim"),
        (lambda e: e["advice"].append("no-such-advice"), "advice[5]"),
        (lambda e: [s.update(present=False) for s in e["signals"]], "signals"),
        (lambda e: e["title"].update(nl=""), "title.nl"),
        (lambda e: e["story"].update(en="Call {{no_such_fact}}"), "story.en"),
        (lambda e: e.update(stalkr="man"), "stalkr"),
        (lambda e: e.update(advice=["ignore", "talk-it-out", "make-a-deal"]), "advice"),
    ],
)
def test_broken_cases_are_named_with_case_and_field(data_copy, change, field):
    edit_yaml(data_copy / "cases.yaml", lambda d: change(_case_entry(d, "danger-kim")))
    with pytest.raises(ContentError) as err:
        cases()
    assert err.value.file.endswith(FILE) and err.value.field == where("danger-kim", field)


def test_a_page_shows_a_broken_file_as_a_message(data_copy, capsys):
    edit_yaml(data_copy / "cases.yaml", lambda d: _case_entry(d, "colleague-eva").update(relation="boss"))
    assert show_case("colleague-eva", "en") is None
    out = capsys.readouterr()
    assert f"data/cases.yaml: {where('colleague-eva', 'relation')}" in out.out + out.err
    assert "Traceback" not in out.out + out.err


def test_text_is_escaped_in_the_page(data_copy):
    def hostile(d):
        e = _case_entry(d, "colleague-eva")
        e["story"]["nl"] = "Verzonnen <script>alert(1)</script> & zo"
        e["signals"][0]["feedback"]["nl"] = "Uitleg <img src=x onerror=alert(1)>"

    edit_yaml(data_copy / "cases.yaml", hostile)
    v = CaseView(case("colleague-eva"), "nl")
    assert "<script>" not in v.story.value and "&lt;script&gt;" in v.story.value and "&amp;" in v.story.value
    v.select_right_answer()
    v.check.click()
    assert "<img" not in v.feedback.value and "&lt;img" in v.feedback.value


@pytest.mark.parametrize("group", ["cases-referral", "cases-family-and-danger"])
def test_speaker_note_timings_add_up_to_the_minutes_of_the_page(group, lang):
    page = course().page(group)
    nb = read_notebook(page.path(lang))
    minutes = [
        int(m)
        for cell in nb["cells"]
        if cell["metadata"].get("slideshow", {}).get("slide_type") == "notes"
        for m in re.findall(r"(?:Tijd|Time): (\d+) minu", "".join(cell["source"]))
    ]
    assert sum(minutes) == page.minutes, minutes


# ---- the trainer's material: registry hooks for decks, answer keys and case cards


def test_the_registry_validates_the_cases():
    from stalking_course.elements import registry

    assert registry.hook("cases", "validate")() == len(ALL_CASES)


@pytest.mark.parametrize("case_id", ALL_CASES)
def test_a_deck_shows_the_story_then_a_question_and_an_answer_slide_per_step(case_id, lang):
    from stalking_course.elements.registry import Call, hook

    c = case(case_id)
    static = hook("cases", "static")(Call("cases", "show_case", (case_id, lang)), lang)
    assert c.story[lang] in text(static.inline) and ui(lang)["fictional"] in text(static.inline)
    assert len(static.slides) == 6
    keys = dict(re.findall(r'data-part="(\w+)" data-key="([A-Z]*)"', "".join(s for s, _notes in static.slides)))
    right = c.referral()
    assert keys == {
        "signals": "".join(chr(65 + i) for i in sorted(c.present_signals)),
        "referral": chr(65 + referral_options().index((right.service, right.then))),
        "advice": "".join(chr(65 + i) for i in sorted(c.good_advice)),
    }
    notes = " ".join(text(n) for _s, n in static.slides)
    assert right.explanation[lang] in notes and all(s.feedback[lang] in notes for s in c.signals + c.advice)
    preview = hook("cases", "static")(Call("cases", "show_case", (case_id, lang)), lang, preview=True)
    assert preview.slides == [] and c.story[lang] in text(preview.inline)
    assert "data-key" not in preview.inline and right.explanation[lang] not in text(preview.inline)


def test_the_answer_keys_have_one_section_per_exercise_page_with_every_case(lang):
    import nbformat

    from stalking_course.elements.registry import calls_in_notebook, hook

    answer_key = hook("cases", "answer_key")
    sections = []
    for page in course().exercises:
        nb = nbformat.read(REPO_ROOT / page.path(lang), as_version=4)
        found = [answer_key(call, page, lang) for call in calls_in_notebook(nb) if call.kind == "cases"]
        sections += [s for s in found if s is not None]
    assert [s.anchor for s in sections] == [p.id for p in course().exercises]
    assert all(
        s.group == 2 and s.html.startswith(f'<section class="key-bank key-cases" id="{s.anchor}"') for s in sections
    )
    html = "".join(s.html for s in sections)
    for c in cases():
        a = c.referral()
        assert f'data-case="{c.id}" data-referral="{a.service}{"+" + a.then if a.then else ""}"' in html
        assert a.explanation[lang] in text(html) and all(x.feedback[lang] in text(html) for x in c.signals + c.advice)
    # show_cases(group) gives the same section in one call
    from stalking_course.elements.registry import Call

    whole = answer_key(Call("cases", "show_cases", ("cases-referral", lang)), course().page("cases-referral"), lang)
    assert whole == sections[0]


def test_a_case_card_asks_everything_and_answers_nothing(lang):
    from stalking_course.elements.cases import case_card_html

    for c in cases():
        card = case_card_html(c, lang)
        assert card.startswith(f'<article class="case-card" data-case="{c.id}" lang="{lang}">')
        assert c.story[lang] in text(card) and ui(lang)["fictional"] in text(card)
        assert all(x.text[lang] in text(card) for x in c.signals + c.advice)
        for answer in (
            "✔",
            "✘",
            "key-right",
            "deck-right",
            "data-key",
            "data-referral",
            c.referral().explanation[lang],
        ):
            assert answer not in card


def test_no_cases_file_gives_a_section_that_says_so(data_copy):
    from stalking_course.elements.registry import Call, hook

    (data_copy / "cases.yaml").unlink()
    section = hook("cases", "answer_key")(Call("cases", "show_case", ("colleague-eva", "en")), None, "en")
    assert section.group == 2 and course_ui("en", "slides")["keys_cases_none"] in text(section.html)


def test_hostile_text_stays_escaped_in_the_trainers_material(data_copy):
    from stalking_course.elements.cases import case_card_html
    from stalking_course.elements.registry import Call, hook

    def hostile(d):
        e = _case_entry(d, "ex-partner-sanne")
        e["title"]["en"] = "Sanne <b onmouseover=alert(1)>bold</b>"
        e["story"]["en"] = "Made up <script>alert(1)</script> & so on"
        e["advice"][0] = {
            "text": {"nl": "Goed", "en": "Good <img src=x onerror=alert(1)>"},
            "correct": True,
            "feedback": {"nl": "Ja", "en": "Yes <iframe>"},
        }

    edit_yaml(data_copy / "cases.yaml", hostile)
    call = Call("cases", "show_case", ("ex-partner-sanne", "en"))
    static = hook("cases", "static")(call, "en")
    key = hook("cases", "answer_key")(call, None, "en")
    view = CaseView(case("ex-partner-sanne"), "en")
    view.select_right_answer()
    view.check.click()
    for html in [
        static.inline,
        key.html,
        case_card_html(case("ex-partner-sanne"), "en"),
        view.story.value,
        view.feedback.value,
    ] + [part for slide in static.slides for part in slide]:
        for tag in ("<b ", "<script", "<img", "<iframe"):
            assert tag not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; so on" in static.inline
    assert "&lt;img src=x onerror=alert(1)&gt;" in key.html
