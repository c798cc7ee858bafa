"""The content model: schemas, both languages everywhere, and one source per fact."""

from __future__ import annotations

import pytest
import yaml

from helpers import (
    EMAIL,
    PERCENT,
    PHONE,
    QUIZ_CALL,
    all_notebook_paths,
    edit_yaml,
    page_ids,
    page_params,
    read_notebook,
    sources,
)
from stalking_course.content import LANGS, REPO_ROOT, ContentError, facts, fill
from stalking_course.content.course import course
from stalking_course.content.questions import bank, bank_ids
from stalking_course.validate import validate_all


def test_all_content_validates():
    counts = validate_all()
    assert counts["pages"] >= 3 and counts["questions"] >= 6


@pytest.mark.parametrize("page,lang", page_params(), ids=page_ids())
def test_every_page_exists_in_both_languages_and_knows_itself(page, lang):
    nb = read_notebook(page.path(lang))
    assert nb["metadata"]["course"] == {"page": page.id, "lang": lang}
    first_code = sources(nb, "code")[0]
    assert f'page_header("{page.id}", "{lang}")' in first_code, "every page starts with its header"
    assert any(f'page_footer("{page.id}", "{lang}")' in s for s in sources(nb, "code")) or page.kind == "start"


@pytest.mark.parametrize("page", [p for p, lang in page_params() if lang == "nl"], ids=lambda p: p.id)
def test_both_languages_ask_the_same_quizzes(page):
    calls = {
        lang: [m for s in sources(read_notebook(page.path(lang)), "code") for m in QUIZ_CALL.findall(s)]
        for lang in LANGS
    }
    assert calls["nl"] == calls["en"]
    for bank_id in calls["nl"]:
        assert bank(bank_id), f"{page.id} asks for an empty bank {bank_id}"


def test_every_lesson_has_a_quiz_of_at_least_five_questions():
    for lesson in course().lessons:
        nb = read_notebook(lesson.path("nl"))
        banks = [m for s in sources(nb, "code") for m in QUIZ_CALL.findall(s)]
        if "PLACEHOLDER" in "".join(sources(nb)):
            continue  # being written (the curriculum issue); the test below makes sure none is left
        assert banks and sum(len(bank(b)) for b in banks) >= 5, lesson.id


def test_every_question_bank_is_used_by_a_page():
    used = {
        m for path in all_notebook_paths() for s in sources(read_notebook(path), "code") for m in QUIZ_CALL.findall(s)
    }
    assert set(bank_ids()) <= used | {"final-assessment"}


def test_quiz_options_have_feedback_and_the_right_number_correct():
    for bank_id in bank_ids():
        for q in bank(bank_id):
            n_correct = sum(o.correct for o in q.options)
            assert (n_correct == 1) if q.type == "single" else (n_correct >= 1), (bank_id, q.id)
            for o in q.options:
                assert all(o.feedback[lang].strip() and o.text[lang].strip() for lang in LANGS), (bank_id, q.id)


@pytest.mark.parametrize("path", all_notebook_paths())
def test_notebooks_state_no_number_the_data_does_not_hold(path):
    """Phone numbers, e-mail addresses and percentages come from data/facts.yaml, never typed in a page."""
    text = "\n".join(sources(read_notebook(path)))
    for pattern in (PHONE, EMAIL, PERCENT):
        assert not pattern.findall(text), f"{path} spells {pattern.findall(text)}: read it from data/facts.yaml"


@pytest.mark.parametrize("path", all_notebook_paths())
def test_notebooks_are_committed_without_outputs(path):
    for cell in read_notebook(path)["cells"]:
        if cell["cell_type"] == "code":
            assert not cell["outputs"] and cell["execution_count"] is None, path


def _data_texts():
    """Every string in data/*.yaml and data/questions/*.yaml, with where it is, except facts.yaml."""

    def walk(node, where):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from walk(v, f"{where}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from walk(v, f"{where}[{i}]")
        elif isinstance(node, str) and not where.endswith(".service"):  # "112" as a service id
            yield where, node

    for file in sorted((REPO_ROOT / "data").rglob("*.yaml")):
        if file.name == "facts.yaml":
            continue
        for where, text in walk(yaml.safe_load(file.read_text(encoding="utf-8")), ""):
            yield f"{file.relative_to(REPO_ROOT)}:{where}", text


def test_data_texts_use_fact_placeholders_for_numbers():
    offenders = [
        (where, pattern.findall(text))
        for where, text in _data_texts()
        for pattern in (PHONE, EMAIL, PERCENT)
        if pattern.findall(text)
    ]
    assert not offenders, f"use {{{{fact_key}}}} from data/facts.yaml instead: {offenders[:5]}"


def test_facts_hold_the_contact_details_of_the_fact_sheet():
    f = facts()
    assert f["veilig_thuis_phone"].value["nl"] == "0800-2000"
    assert f["emergency_number"].value["nl"] == "112"
    assert f["police_phone"].value["nl"] == "0900-8844"
    assert f["veilig_thuis_email"].value["nl"] == "veiligthuis@samen-veilig.nl"
    assert "samenveilig.nl" in f["veilig_thuis_email"].discrepancy, "the seed's address is recorded beside it"
    assert f["male_stalkers_female_victims"].value["nl"] == "80%"
    for fact in f.values():
        assert fact.source.strip() and fact.confidence in ("high", "medium")


def test_fact_text_never_types_another_facts_value():
    """A number that is a fact of its own is referred to, so that changing it changes every sentence."""
    raw = yaml.safe_load((REPO_ROOT / "data" / "facts.yaml").read_text(encoding="utf-8"))["facts"]
    for key, entry in raw.items():
        for lang in LANGS:
            text = entry["text"][lang]
            for pattern in (PHONE, EMAIL, PERCENT):
                assert not pattern.findall(text), f"facts.{key}.text.{lang} types {pattern.findall(text)}"


def test_placeholders_are_filled_and_unknown_ones_named():
    assert fill("Bel {{veilig_thuis_phone}}.", "nl") == "Bel 0800-2000."
    with pytest.raises(ContentError, match="no_such_fact"):
        fill("{{no_such_fact}}", "en", "data/x.yaml", "field")


# ---- broken data: the error names the file and the field, and the question id


def test_a_question_without_a_correct_answer_is_named(data_copy):
    def no_correct(d):
        for o in d["questions"][1]["options"]:
            o["correct"] = False

    edit_yaml(data_copy / "questions" / "what-is-stalking.yaml", no_correct)
    with pytest.raises(ContentError) as err:
        bank("what-is-stalking")
    assert err.value.file.endswith("data/questions/what-is-stalking.yaml")  # a copy of data/ is named by its path
    assert "(id legal-name)" in err.value.field and "exactly one correct" in err.value.problem


def test_a_missing_translation_is_named(data_copy):
    edit_yaml(
        data_copy / "questions" / "what-is-stalking.yaml",
        lambda d: d["questions"][0]["options"][2]["feedback"].pop("en"),
    )
    with pytest.raises(ContentError, match=r"\(id right-to-be-left-alone\)\.options\[3\]\.feedback\.en: missing"):
        bank("what-is-stalking")


def test_bad_yaml_is_named_with_its_line(data_copy):
    (data_copy / "course.yaml").write_text("title: {nl: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"course.yaml: line \d+: not valid YAML"):
        validate_all()


def test_an_unknown_fact_in_a_question_is_named(data_copy):
    edit_yaml(
        data_copy / "questions" / "what-is-stalking.yaml",
        lambda d: d["questions"][0]["text"].update(nl="Bel {{veilig_thuis_fone}}"),
    )
    with pytest.raises(
        ContentError, match=r"\(id right-to-be-left-alone\)\.text\.nl: unknown fact \{\{veilig_thuis_fone\}\}"
    ):
        bank("what-is-stalking")


def test_the_validator_command_reports_a_broken_file(data_copy):
    import subprocess
    import sys

    edit_yaml(data_copy / "referral.yaml", lambda d: d["rules"]["other"].update(service="ambulance"))
    run = subprocess.run([sys.executable, "-m", "stalking_course.validate"], capture_output=True, text=True)
    assert run.returncode == 1
    assert "data/referral.yaml: rules.other.service" in run.stderr or "referral.yaml: rules.other.service" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_broken_question_bank_shows_a_message_on_the_page_not_a_traceback(data_copy):
    import nbformat
    from nbclient import NotebookClient

    edit_yaml(data_copy / "questions" / "what-is-stalking.yaml", lambda d: d["questions"][2].pop("explanation"))
    path = REPO_ROOT / "notebooks" / "en" / "01_what-is-stalking.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    html = "".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert "Something is wrong with the course content" in html
    assert "data/questions/what-is-stalking.yaml: questions[3] (id forms-of-stalking).explanation: missing" in html


def test_fact_cards_name_their_source_and_flag_medium_confidence():
    from stalking_course.elements.facts import fact_html

    high = fact_html("veilig_thuis_phone", "en")
    assert "0800-2000" in high and "Source: Veilig Thuis Utrecht" in high and "medium confidence" not in high
    medium = fact_html("complaint_offence", "nl")
    assert "gemiddelde zekerheid" in medium


def test_right_answers_are_not_always_in_the_same_place():
    """A trainee should not learn that 'the first option is right'."""
    for bank_id in bank_ids():
        positions = [min(q.correct) for q in bank(bank_id) if q.type == "single"]
        if len(positions) >= 3:
            assert len(set(positions)) > 1, f"{bank_id}: the right answer is always option {positions[0] + 1}"


# ---- data/course.yaml: its schema names the file, the page and the field


@pytest.mark.parametrize(
    "change,field,problem",
    [
        (lambda d: d["lessons"][1].pop("minutes"), "lessons[2] (id recognising-the-pattern).minutes", "missing"),
        (
            lambda d: d["lessons"][0].update(minutes=0),
            "lessons[1] (id what-is-stalking).minutes",
            "must be a positive number of minutes",
        ),
        (
            lambda d: d["exercises"][0]["notebook"].update(nl="exercises/nl/01.md"),
            "exercises[1] (id cases-referral).notebook.nl",
            "missing path to an .ipynb file",
        ),
        (
            lambda d: d["lessons"][2]["title"].update(en=" "),
            "lessons[3] (id who-stalks-whom).title.en",
            "missing or empty translation",
        ),
        (
            lambda d: d["lessons"][0]["objectives"].pop("en"),
            "lessons[1] (id what-is-stalking).objectives.en",
            "missing",
        ),
        (
            lambda d: d["lessons"][0].update(minuts=20),
            "lessons[1] (id what-is-stalking).minuts",
            "unknown field (a typo?)",
        ),
        (lambda d: d["lessons"][1].update(id="what-is-stalking"), "pages (id what-is-stalking)", "id used twice"),
    ],
    ids=["no-minutes", "zero-minutes", "not-a-notebook", "empty-title", "no-english-objectives", "typo", "same-id"],
)
def test_a_broken_course_yaml_is_named_with_file_and_field(data_copy, change, field, problem):
    from stalking_course.content.course import course

    edit_yaml(data_copy / "course.yaml", change)
    with pytest.raises(ContentError) as err:
        course()
    assert err.value.file.endswith("data/course.yaml")  # a copy of data/ is named by its full path
    assert (err.value.field, err.value.problem) == (field, problem)


# ---- interface text: ui(lang, section)


def test_ui_knows_its_sections_and_languages():
    from stalking_course.content import ui

    assert ui("nl", "diary")["form_add"] == "Toevoegen aan het dagboek"
    assert ui("en", "stats")["table_caption"].startswith("The figures")
    with pytest.raises(ValueError, match="unknown ui section 'diaries'"):
        ui("nl", "diaries")
    with pytest.raises(ValueError, match="unknown language 'de'"):
        ui("de")


def test_a_ui_key_in_one_language_only_is_named(data_copy):
    from stalking_course.content import ui

    edit_yaml(data_copy / "ui.yaml", lambda d: d["en"].pop("next"))
    with pytest.raises(ContentError) as err:
        ui("nl")
    assert err.value.file.endswith("data/ui.yaml") and (err.value.field, err.value.problem) == (
        "next",
        "present in one language only",
    )


def test_a_section_key_in_one_language_only_is_named(data_copy):
    from stalking_course.content import ui

    edit_yaml(data_copy / "diary" / "diary.yaml", lambda d: d["ui"]["nl"].update(extra_hint="Alleen in het Nederlands"))
    with pytest.raises(ContentError) as err:
        ui("en", "diary")
    assert err.value.file.endswith("data/diary/diary.yaml")
    assert (err.value.field, err.value.problem) == ("ui.extra_hint", "present in one language only")


def test_ui_fills_fact_placeholders_in_sections_too(data_copy):
    from stalking_course.content import ui

    edit_yaml(
        data_copy / "stats" / "stats.yaml",
        lambda d: [d["ui"][lang].update(call="{{veilig_thuis_phone}}") for lang in LANGS],
    )
    assert ui("nl", "stats")["call"] == "0800-2000"


# ---- numbers and dates as each language writes them (Babel)


@pytest.mark.parametrize(
    "lang,expected",
    [
        ("nl", ["3 mrt", "3 maart 2025", "12,5%", "2,8%", "1.000", "102.400", "12", "2,67", "–"]),
        ("en", ["3 Mar", "3 March 2025", "12.5%", "2.8%", "1,000", "102,400", "12", "2.67", "–"]),
    ],
)
def test_numbers_and_dates_are_written_the_way_the_page_always_wrote_them(lang, expected):
    import datetime as dt

    from stalking_course.content import format_date, format_number, format_percent
    from stalking_course.render.charts import format_number as chart_number

    day = dt.date(2025, 3, 3)
    shown = [
        format_date(day, lang, short=True),
        format_date(day, lang),
        format_percent(12.5, lang, 1),
        chart_number(2.8, lang, 1, "%"),
        format_number(1000, lang),
        format_number(102400, lang),
        format_number(12.5, lang),
        format_number(2.675, lang, 2),
        chart_number(float("nan"), lang),
    ]
    assert shown == expected


def test_every_month_is_written_the_way_the_diary_always_wrote_it():
    """The diary's own month names were replaced by Babel's: the pages must read the same."""
    import datetime as dt

    from stalking_course.content import format_date

    short = {
        "nl": "jan feb mrt apr mei jun jul aug sep okt nov dec",
        "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    }
    long = {
        "nl": "januari februari maart april mei juni juli augustus september oktober november december",
        "en": "January February March April May June July August September October November December",
    }
    for lang in LANGS:
        days = [dt.date(2025, m, 9) for m in range(1, 13)]
        assert [format_date(d, lang, short=True) for d in days] == [f"9 {m}" for m in short[lang].split()]
        assert [format_date(d, lang) for d in days] == [f"9 {m} 2025" for m in long[lang].split()]


# ---- registry hooks of the chrome, facts, chart and diary kinds


@pytest.mark.parametrize("kind", ["chrome", "facts", "chart", "diary"])
def test_the_kind_validates_its_data_and_leaves_decks_and_keys_to_the_page(kind):
    from stalking_course.elements.registry import KINDS, Call, hook

    assert hook(kind, "validate")() > 0
    call = Call(kind, KINDS[kind][0], ("victims-by-age-sex", "nl"))
    assert hook(kind, "static")(call, "nl") is None, "the deck shows the page's own HTML output"
    assert hook(kind, "answer_key")(call, None, "nl") is None


def test_chrome_validation_names_an_unknown_fact_in_an_objective(data_copy):
    from stalking_course.elements.chrome import validate

    edit_yaml(data_copy / "course.yaml", lambda d: d["lessons"][0]["objectives"]["en"].append("Call {{vt_phone}}."))
    with pytest.raises(ContentError, match=r"lessons\[1\] \(id what-is-stalking\)\.objectives\.en: unknown fact"):
        validate()
