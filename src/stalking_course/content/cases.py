"""The case exercises' content (data/cases.yaml): fictional stories, each with signs, advice and the
relation and danger that the referral engine answers from.

The file's structure is content/schemas/cases.schema.json (both languages side by side; a case never names
its referral). This module adds the rules that span files or entries:

    relation      one the referral rules know (data/referral.yaml)
    group         an exercise page of data/course.yaml: the page that shows the case
    advice        an id is an entry of advice_library; at least one good and one wrong piece of advice
    ids           unique; no sign or piece of advice twice in one case
    text          {{fact}} placeholders name facts of data/facts.yaml (filled in here)

Errors name the file and the field: `data/cases.yaml: cases[5] (id neighbour-henk).relation: unknown ...`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .course import course
from .facts import fill
from .loader import LANGS, ContentError, cached, check_unique_ids, display_name, field_path, load_yaml, require_known
from .referral import advise, relations
from .text import ui

NAME = "cases.yaml"


@dataclass(frozen=True)
class Choice:
    """A sign (correct = it is in the story) or a piece of advice (correct = good advice)."""

    text: dict
    correct: bool
    feedback: dict


@dataclass(frozen=True)
class Case:
    id: str
    group: str  # the exercise page that shows it
    title: dict
    story: dict
    relation: str  # a relation of data/referral.yaml
    victim: str  # woman | man: who is stalked, and who stalks (shown nowhere on the page; lets tests
    stalker: str  # woman | man | unknown   and trainers see that the cases show both)
    life_threatening: bool
    danger: dict | None  # why life is (not) in danger; None: the page shows ui.no_danger
    signals: tuple  # of Choice
    advice: tuple  # of Choice

    @property
    def present_signals(self) -> frozenset:
        return frozenset(i for i, s in enumerate(self.signals) if s.correct)

    @property
    def good_advice(self) -> frozenset:
        return frozenset(i for i, a in enumerate(self.advice) if a.correct)

    def referral(self):
        """The referral engine's answer for this case."""
        return advise(self.relation, self.life_threatening)


CASE_FIELDS = tuple(f.name for f in dataclasses.fields(Case))  # a case has these fields and no others


# ---------------------------------------------------------------- loading


def _filled(value: dict, shown: str, field: str) -> dict:
    return {lang: fill(value[lang], lang, shown, f"{field}.{lang}") for lang in LANGS}


def _choice(raw: dict, flag: str, shown: str, field: str) -> Choice:
    return Choice(
        _filled(raw["text"], shown, f"{field}.text"), raw[flag], _filled(raw["feedback"], shown, f"{field}.feedback")
    )


def _case(data: dict, index: int, library: dict, groups: list, shown: str) -> Case:
    entry = data["cases"][index]

    def where(*path) -> str:
        return field_path(["cases", index, *path], data)

    require_known(entry["group"], groups, shown, where("group"), "exercise page")
    require_known(entry["relation"], relations(), shown, where("relation"), "relation")
    signals = tuple(_choice(s, "present", shown, where("signals", i)) for i, s in enumerate(entry["signals"]))
    advice = []
    for i, item in enumerate(entry["advice"]):
        if isinstance(item, str):
            if item not in library:
                raise ContentError(shown, where("advice", i), f"no advice {item!r} in advice_library")
            advice.append(library[item])
        else:
            advice.append(_choice(item, "correct", shown, where("advice", i)))
    if len({a.correct for a in advice}) < 2:
        raise ContentError(shown, where("advice"), "needs at least one good and one wrong piece of advice")
    for part, items in (("signals", signals), ("advice", advice)):
        texts = [c.text["nl"] for c in items]
        if len(set(texts)) != len(texts):
            raise ContentError(shown, where(part), "the same text appears twice")
    danger = _filled(entry["danger"], shown, where("danger")) if "danger" in entry else None
    return Case(
        entry["id"],
        entry["group"],
        _filled(entry["title"], shown, where("title")),
        _filled(entry["story"], shown, where("story")),
        entry["relation"],
        entry["victim"],
        entry["stalker"],
        entry["life_threatening"],
        danger,
        signals,
        tuple(advice),
    )


@cached(NAME, "facts.yaml", "referral.yaml", "course.yaml")
def cases() -> tuple:
    """Every case, checked, in the order of the data file."""
    data = load_yaml(NAME, schema="cases")
    shown = display_name(NAME)
    library = {
        key: _choice(raw, "correct", shown, f"advice_library.{key}")
        for key, raw in (data.get("advice_library") or {}).items()
    }
    groups = [p.id for p in course().exercises]
    check_unique_ids(data["cases"], shown, "cases")
    return tuple(_case(data, i, library, groups, shown) for i in range(len(data["cases"])))


def case(case_id: str) -> Case:
    for c in cases():
        if c.id == case_id:
            return c
    raise ContentError(display_name(NAME), f"cases (id {case_id})", "no such case")


def group_cases(group: str) -> list:
    """The cases of one exercise page, in the order of the data file."""
    found = [c for c in cases() if c.group == group]
    if not found:
        raise ContentError(display_name(NAME), "cases", f"no case has group {group}")
    return found


def position(the_case: Case) -> tuple:
    """(n, total): the case is case n of the total of its exercise page."""
    group = group_cases(the_case.group)
    return group.index(the_case) + 1, len(group)


def validate() -> int:
    """Load and check data/cases.yaml and its interface text; how many cases."""
    for lang in LANGS:
        ui(lang, "cases")
    return len(cases())


# ---------------------------------------------------------------- the referral choices, from the engine


def referral_options() -> list:
    """Every answer the engine can give, as (service, then): the plain referrals first, then 112-and-then."""
    found = []
    for danger_to_life in (False, True):
        for relation in relations():
            a = advise(relation, danger_to_life)
            if (a.service, a.then) not in found:
                found.append((a.service, a.then))
    return found


def referral_label(option: tuple, lang: str) -> str:
    """'Veilig Thuis (0800-2000)', or 'First 112 (emergency number), then the police (0900-8844)'."""
    service, then = option
    helper = advise(relations()[0])  # any answer: only its service_name() and contact() are used

    def named(s):
        name, number = helper.service_name(lang, s), helper.contact(s)
        return name if number in name else f"{name} ({number})"

    if then is None:
        text = named(service)
        return text[:1].upper() + text[1:]
    return ui(lang, "cases")["first_then"].format(first=named(service), then=named(then))
