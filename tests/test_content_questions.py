"""Question banks and cases as a professional reads them: the referral never reads as either/or, a
suspicion of an ex-partner is enough, and the right answer cannot be spotted by its length."""
import re

import pytest
import yaml

from stalking_course.content import data_dir
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
