"""The "which of these are signals?" exercises: data/signals.yaml, both languages side by side.

The structure is content/schemas/signals.schema.json (checked on every change of the file):

    ui: {nl: {...}, en: {...}}        interface text of the exercise (read with ui(lang, "signals"))
    exercises:
      exercise-id:                    kebab-case
        intro: {nl, en}               the (fictional) situation and the task
        items:                        two or more; at least one signal and one that is not
          - id: kebab-case-id         unique in the exercise
            text: {nl, en}            the observation, as shown next to its check box
            signal: true | false
            feedback: {nl, en}        why it is (not) a signal

Here only what a schema cannot say: unique item ids and the {{fact_key}} placeholders (data/facts.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass

from .facts import fill_both
from .loader import ContentError, cached, check_unique_ids, display_name, field_path, load_yaml

NAME = "signals.yaml"


@dataclass(frozen=True)
class Item:
    id: str
    text: dict
    signal: bool
    feedback: dict


@dataclass(frozen=True)
class Exercise:
    id: str
    intro: dict
    items: tuple

    @property
    def signals(self) -> frozenset:
        return frozenset(i for i, item in enumerate(self.items) if item.signal)


def _exercises() -> dict:
    return load_yaml(NAME, schema="signals")["exercises"]


def exercise_ids() -> list:
    return list(_exercises())


@cached(NAME, "facts.yaml")
def exercise(exercise_id: str) -> Exercise:
    """One checked exercise, facts filled in; a mistake raises ContentError naming the file and the field."""
    exercises, shown = _exercises(), display_name(NAME)
    if exercise_id not in exercises:
        raise ContentError(shown, f"exercises.{exercise_id}", "no such exercise")
    where = f"exercises.{exercise_id}"
    entry = exercises[exercise_id]
    check_unique_ids(entry["items"], shown, f"{where}.items")
    items = []
    for n, raw in enumerate(entry["items"]):
        at = f"{where}.{field_path(['items', n], entry)}"  # exercises.x.items[2] (id colleague-asked-once)
        items.append(
            Item(
                raw["id"],
                fill_both(raw["text"], shown, f"{at}.text"),
                raw["signal"],
                fill_both(raw["feedback"], shown, f"{at}.feedback"),
            )
        )
    return Exercise(exercise_id, fill_both(entry["intro"], shown, f"{where}.intro"), tuple(items))
