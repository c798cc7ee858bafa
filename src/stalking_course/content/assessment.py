"""The final assessment's settings: the top of data/questions/final-assessment.yaml (its questions are a
question bank, content/questions.py).

    pass_mark: 80          the percentage of questions right first time needed to pass
    must_pass: [ids]       the referral items: every one must be right first time, whatever the total, because
                           referring to the right place is the one skill the course must guarantee; each carries
                           `referral: {relation, life_threatening}` so a test can check its right option against
                           the referral rules
    page: final-assessment the page that shows the test (for the links back to the lessons)
    ui: {nl: {...}, en: {...}}   its interface text, the same keys in both languages

The structure is content/schemas/assessment.schema.json; here the rules that span files: the page is in
data/course.yaml, every question's topic is a lesson, every must-pass id is a question of the bank with its
referral situation, whose relation the referral rules (data/referral.yaml) know.
"""

from __future__ import annotations

from dataclasses import dataclass

from .course import course
from .facts import fill
from .loader import LANGS, ContentError, cached, display_name, field_path, load_yaml, require_known
from .questions import bank, bank_file

BANK = "final-assessment"
NAME = bank_file(BANK)


@dataclass(frozen=True)
class Settings:
    pass_mark: int  # percent
    page: str  # id of the page that shows the test
    ui: dict  # lang -> {key: text}
    questions: tuple
    must_pass: frozenset = frozenset()  # ids of the questions that must all be right first time
    referral: tuple = ()  # (question id, relation, life_threatening) for each must-pass item


@cached(NAME, "course.yaml", "facts.yaml", "referral.yaml")
def settings() -> Settings:
    """The checked settings and questions of the final assessment; a mistake is a ContentError naming file and field."""
    from .referral import relations

    data, shown = load_yaml(NAME, schema="assessment"), display_name(NAME)
    c = course()
    require_known(data["page"], [p.id for p in c.pages], shown, "page", "page (see data/course.yaml)")
    ui = {lang: {k: fill(v, lang, shown, f"ui.{lang}.{k}") for k, v in data["ui"][lang].items()} for lang in LANGS}
    questions = bank(BANK)
    lessons = [p.id for p in c.lessons]
    entries = data["questions"]
    for n, q in enumerate(questions):
        if q.topic not in lessons:
            raise ContentError(
                shown,
                field_path(["questions", n, "topic"], data),
                f"must be the id of a lesson in data/course.yaml ({', '.join(lessons)})",
            )
    positions = {q.id: n for n, q in enumerate(questions)}
    referral = []
    for i, qid in enumerate(data["must_pass"], 1):
        require_known(qid, positions, shown, f"must_pass[{i}]", "question")
        where = field_path(["questions", positions[qid], "referral"], data)
        case = entries[positions[qid]].get("referral")
        if case is None:
            raise ContentError(
                shown,
                where,
                "a must-pass item needs referral: {relation: <relation in "
                "data/referral.yaml>, life_threatening: true|false}",
            )
        require_known(case["relation"], relations(), shown, f"{where}.relation", "relation")
        referral.append((qid, case["relation"], case["life_threatening"]))
    return Settings(data["pass_mark"], data["page"], ui, questions, frozenset(data["must_pass"]), tuple(referral))
