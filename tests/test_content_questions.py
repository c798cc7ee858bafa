"""Question banks and cases as a professional reads them: the referral never reads as either/or, a
suspicion of an ex-partner is enough, and the right answer cannot be spotted by its length."""

import re

import pytest
import yaml

from stalking_course.content import REPO_ROOT, data_dir
from stalking_course.content.questions import bank, bank_ids

ALL_OTHER = re.compile(r"alle andere (gevallen van )?stalking|all other (cases of )?stalking", re.I)


def strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def either_or_texts(folder=None):
    """Every text in the question banks and the cases that sends 'all other stalking' to the police
    without saying that an aangifte is possible."""
    folder = folder or data_dir()
    files = sorted((folder / "questions").glob("*.yaml")) + [folder / "cases.yaml", folder / "signals.yaml"]
    bad = []
    for path in files:
        for text in strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            if ALL_OTHER.search(text) and "aangifte" not in text.lower():
                bad.append(f"{path.name}: {text[:90]}")
    return bad


def test_no_question_or_case_says_the_police_is_only_for_all_other_stalking_without_the_aangifte():
    assert either_or_texts() == []


def test_the_either_or_check_catches_the_old_feedback(data_copy):
    path = data_copy / "questions" / "final-assessment.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["questions"][0]["options"][0]["feedback"]["nl"] = "Nee. De politie is voor alle andere stalking."
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert either_or_texts(data_copy)


def test_no_text_says_an_unknown_account_goes_to_the_police_until_an_ex_partner_is_known():
    """One rule everywhere: a suspicion is enough."""
    for b in bank_ids():
        for q in bank(b):
            for lang in ("nl", "en"):
                texts = [q.text[lang], q.explanation[lang]] + [o.feedback[lang] for o in q.options]
                for text in texts:
                    assert "zolang niet bekend" not in text and "as long as it is not known" not in text, q.id


def longest_is_right():
    """(right option is strictly the longest, single-answer items) counted per language version."""
    hits = total = 0
    for b in bank_ids():
        for q in bank(b):
            if q.type != "single":
                continue
            for lang in ("nl", "en"):
                lengths = [len(o.text[lang]) for o in q.options]
                right = next(i for i, o in enumerate(q.options) if o.correct)
                total += 1
                hits += lengths[right] == max(lengths) and lengths.count(max(lengths)) == 1
    return hits, total


def test_the_right_answer_is_the_longest_in_at_most_forty_percent_of_single_answer_items():
    hits, total = longest_is_right()
    assert total >= 40
    assert hits <= 0.40 * total, f"the right option is the longest in {hits} of {total} single-answer items"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_throw_away_distractors_in_the_final_assessment(lang):
    silly = ("computervirus", "computer virus", "reclame", "advertising", "werkgever")
    for q in bank("final-assessment"):
        for o in q.options:
            assert not any(w in o.text[lang].lower() for w in silly), (q.id, o.text[lang])


# ---- a broken question bank or signals file: the error names the file and the field (JSON Schemas)


def _broken_bank(data_copy, change, bank_id="what-is-stalking"):
    """The message of one mistake in a copy of a bank (each call starts from the course's own file)."""
    from helpers import edit_yaml
    from stalking_course.content import ContentError

    path = data_copy / "questions" / f"{bank_id}.yaml"
    path.write_bytes((REPO_ROOT / "data" / "questions" / f"{bank_id}.yaml").read_bytes())
    edit_yaml(path, change)
    with pytest.raises(ContentError) as err:
        bank(bank_id)
    assert err.value.file.endswith(f"questions/{bank_id}.yaml")
    return f"{err.value.field}: {err.value.problem}"


def test_a_missing_translation_names_the_question_and_the_field(data_copy):
    message = _broken_bank(data_copy, lambda d: d["questions"][0]["options"][2]["feedback"].pop("en"))
    assert message == "questions[1] (id right-to-be-left-alone).options[3].feedback.en: missing"


def test_an_empty_translation_and_a_typo_in_a_field_name_are_named(data_copy):
    message = _broken_bank(data_copy, lambda d: d["questions"][1]["text"].update(en="  "))
    assert message == "questions[2] (id legal-name).text.en: missing or empty translation"
    message = _broken_bank(data_copy, lambda d: d["questions"][1].update(explanaton=d["questions"][1]["explanation"]))
    assert message == "questions[2] (id legal-name).explanaton: unknown field (a typo?)"


def test_a_bad_type_a_bad_id_and_a_flag_that_is_no_boolean_are_named(data_copy):
    assert _broken_bank(data_copy, lambda d: d["questions"][0].update(type="open")) == (
        "questions[1] (id right-to-be-left-alone).type: must be single or multiple"
    )
    assert _broken_bank(data_copy, lambda d: d["questions"][0].update(id="Right_To_Be")) == (
        "questions[1] (id Right_To_Be).id: use lower-case words joined by hyphens"
    )
    assert _broken_bank(data_copy, lambda d: d["questions"][0]["options"][0].update(correct="no")) == (
        "questions[1] (id right-to-be-left-alone).options[1].correct: must be true or false"
    )


def test_the_rules_a_schema_cannot_say_are_named_too(data_copy):
    def two_right(d):
        for o in d["questions"][1]["options"]:
            o["correct"] = True

    assert _broken_bank(data_copy, two_right) == (
        "questions[2] (id legal-name).options: a single-choice question needs exactly one correct option, found 3"
    )
    assert _broken_bank(data_copy, lambda d: d["questions"].append(d["questions"][0])) == (
        "questions (id right-to-be-left-alone): id used twice"
    )
    assert "unknown fact {{no_such_fact}}" in _broken_bank(
        data_copy, lambda d: d["questions"][0]["text"].update(nl="Bel {{no_such_fact}}")
    )


def test_a_missing_bank_is_named():
    from stalking_course.content import ContentError

    with pytest.raises(ContentError, match=r"questions/no-such-bank.yaml: file: does not exist"):
        bank("no-such-bank")


def test_the_assessment_settings_are_checked_by_their_schema(data_copy):
    from helpers import edit_yaml
    from stalking_course.content import ContentError
    from stalking_course.content.assessment import settings

    path = data_copy / "questions" / "final-assessment.yaml"
    edit_yaml(path, lambda d: d["ui"]["en"].pop("retry"))
    with pytest.raises(ContentError, match=r"final-assessment.yaml: ui.en.retry: missing"):
        settings()
    edit_yaml(path, lambda d: d["ui"]["en"].update(retry="Try again.", extra="only in English"))
    with pytest.raises(ContentError, match=r"ui.en.extra: unknown field"):
        settings()
    edit_yaml(path, lambda d: (d["ui"]["en"].pop("extra"), d.update(page="no-such-page")))
    with pytest.raises(ContentError, match=r"page: unknown page"):
        settings()


def test_a_must_pass_item_with_a_relation_the_referral_rules_do_not_know_is_named(data_copy):
    from helpers import edit_yaml
    from stalking_course.content import ContentError
    from stalking_course.content.assessment import settings

    def change(d):
        q = next(q for q in d["questions"] if q["id"] == d["must_pass"][0])
        q["referral"]["relation"] = "stranger-on-the-moon"

    edit_yaml(data_copy / "questions" / "final-assessment.yaml", change)
    with pytest.raises(ContentError, match=r"\.referral\.relation: unknown relation 'stranger-on-the-moon'"):
        settings()


def test_a_broken_signals_file_names_the_field(data_copy):
    from helpers import edit_yaml
    from stalking_course.content import ContentError
    from stalking_course.content.signals import exercise

    edit_yaml(data_copy / "signals.yaml", lambda d: d["exercises"]["online-signals"]["items"][0].update(signal="yes"))
    with pytest.raises(ContentError) as err:
        exercise("online-signals")
    assert err.value.file.endswith("signals.yaml")
    assert err.value.field.startswith("exercises.online-signals.items[1] (id ") and err.value.field.endswith(".signal")
    assert err.value.problem == "must be true or false"
