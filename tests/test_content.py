"""The content model: schemas, both languages everywhere, and one source per fact."""
from __future__ import annotations


import pytest
import yaml

from stalking_course.content import LANGS, REPO_ROOT, ContentError, facts, fill
from stalking_course.content.course import course
from stalking_course.content.questions import bank, bank_ids
from stalking_course.validate import validate_all

from helpers import EMAIL, PERCENT, PHONE, QUIZ_CALL, edit_yaml, all_notebook_paths, page_ids, page_params, read_notebook, sources


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
    calls = {lang: [m for s in sources(read_notebook(page.path(lang)), "code") for m in QUIZ_CALL.findall(s)]
             for lang in LANGS}
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
    used = {m for path in all_notebook_paths() for s in sources(read_notebook(path), "code") for m in QUIZ_CALL.findall(s)}
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
    for file in sorted((REPO_ROOT / "data").rglob("*.yaml")):
        if file.name == "facts.yaml":
            continue
        def walk(node, where):
            if isinstance(node, dict):
                for k, v in node.items():
                    yield from walk(v, f"{where}.{k}")
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    yield from walk(v, f"{where}[{i}]")
            elif isinstance(node, str) and not where.endswith(".service"):  # "112" as a service id
                yield f"{file.relative_to(REPO_ROOT)}:{where}", node
        yield from walk(yaml.safe_load(file.read_text(encoding="utf-8")), "")


def test_data_texts_use_fact_placeholders_for_numbers():
    offenders = [(where, pattern.findall(text)) for where, text in _data_texts()
                 for pattern in (PHONE, EMAIL, PERCENT) if pattern.findall(text)]
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
    assert err.value.file == "data/questions/what-is-stalking.yaml"
    assert "question legal-name" in err.value.field and "exactly one correct" in err.value.problem


def test_a_missing_translation_is_named(data_copy):
    edit_yaml(data_copy / "questions" / "what-is-stalking.yaml",
          lambda d: d["questions"][0]["options"][2]["feedback"].pop("en"))
    with pytest.raises(ContentError, match=r"question right-to-be-left-alone: options\[3\]\.feedback\.en: missing"):
        bank("what-is-stalking")


def test_bad_yaml_is_named_with_its_line(data_copy):
    (data_copy / "course.yaml").write_text("title: {nl: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"course.yaml: line \d+: not valid YAML"):
        validate_all()


def test_an_unknown_fact_in_a_question_is_named(data_copy):
    edit_yaml(data_copy / "questions" / "what-is-stalking.yaml",
          lambda d: d["questions"][0]["text"].update(nl="Bel {{veilig_thuis_fone}}"))
    with pytest.raises(ContentError, match=r"question right-to-be-left-alone: text.nl: unknown fact \{\{veilig_thuis_fone\}\}"):
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
    assert "data/questions/what-is-stalking.yaml: question forms-of-stalking.explanation: missing" in html


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
