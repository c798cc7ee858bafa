"""Question banks: data/questions/<bank>.yaml, both languages side by side.

The structure is content/schemas/questions.schema.json (checked on every change of the file):

    questions:
      - id: kebab-case-id            unique in the bank
        type: single | multiple      single: exactly one correct option; multiple: one or more
        topic: lesson-id             optional; the final assessment scores per topic
        text: {nl, en}
        options:                     two or more
          - text: {nl, en}
            correct: true | false
            feedback: {nl, en}       shown when the trainee chose this option
        explanation: {nl, en}        why the right answer is right

Here only the rules a schema cannot say: the number of correct options per type, unique ids, and the
{{fact_key}} placeholders (data/facts.yaml) filled in.
"""

from __future__ import annotations

from dataclasses import dataclass

from .facts import fill_both
from .loader import ContentError, cached, check_unique_ids, data_dir, display_name, field_path, load_yaml


@dataclass(frozen=True)
class Option:
    text: dict
    correct: bool
    feedback: dict


@dataclass(frozen=True)
class Question:
    id: str
    bank: str
    type: str
    topic: str
    text: dict
    options: tuple
    explanation: dict

    @property
    def correct(self) -> frozenset:
        return frozenset(i for i, o in enumerate(self.options) if o.correct)


def bank_file(bank_id: str) -> str:
    return f"questions/{bank_id}.yaml"


def _question(entries: list, n: int, bank_id: str, shown: str) -> Question:
    entry = entries[n]
    where = field_path(["questions", n], {"questions": entries})  # questions[3] (id legal-name)

    def filled(value, field: str) -> dict:
        return fill_both(value, shown, f"{where}.{field}")

    options = tuple(
        Option(filled(o["text"], f"options[{i}].text"), o["correct"], filled(o["feedback"], f"options[{i}].feedback"))
        for i, o in enumerate(entry["options"], 1)
    )
    n_correct = sum(o.correct for o in options)
    if entry["type"] == "single" and n_correct != 1:
        raise ContentError(
            shown, f"{where}.options", f"a single-choice question needs exactly one correct option, found {n_correct}"
        )
    if entry["type"] == "multiple" and n_correct < 1:
        raise ContentError(shown, f"{where}.options", "a multiple-choice question needs at least one correct option")
    return Question(
        entry["id"],
        bank_id,
        entry["type"],
        entry.get("topic") or bank_id,
        filled(entry["text"], "text"),
        options,
        filled(entry["explanation"], "explanation"),
    )


@cached("questions/{0}.yaml", "facts.yaml")
def bank(bank_id: str) -> tuple:
    """The checked questions of one bank, facts filled in; a mistake is a ContentError naming file and field."""
    name = bank_file(bank_id)
    entries = load_yaml(name, schema="questions")["questions"]
    shown = display_name(name)
    check_unique_ids(entries, shown, "questions")
    return tuple(_question(entries, n, bank_id, shown) for n in range(len(entries)))


def bank_ids() -> list:
    return sorted(p.stem for p in (data_dir() / "questions").glob("*.yaml"))
