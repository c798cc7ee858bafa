"""Case exercises ("Wat zou jij doen? / What would you do?"): a fictional story, then three steps.

The trainee (1) ticks the signs of stalking in the story, (2) chooses where to refer and (3) ticks the
advice to give, then presses Check. The browser only ever receives the story and the labels of the
choices: which signs are in the story, which advice is good and where to refer live in the kernel, and
feedback is sent only after Check. Feedback is always a word and a symbol (never colour alone), in the
quiz's look (course-question-box, course-msg-*, course-feedback).

The referral is never written in the case: the referral engine (content/referral.py) answers from the
case's relation and whether life is in danger, and its explanation is the feedback. Phone numbers come
from data/facts.yaml through the engine.

Content: content/cases.py (data/cases.yaml, checked against content/schemas/cases.schema.json).
HTML: render/templates/cases/. The trainer's decks, answer keys and case cards: elements/case_deck.py.
"""

from __future__ import annotations

import itertools

from ..content import check_lang
from ..content import ui as interface_text  # not `ui`: cases.ui would read as the cases' own text, ui(lang, "cases")
from ..content.cases import (
    CASE_FIELDS,
    Case,
    Choice,
    case,
    cases,
    group_cases,
    position,
    referral_label,
    referral_options,
)
from ..content.cases import validate as validate_cases
from ..content.referral import relation_label, source
from ..render import render
from .base import Checkable, Choices, SharedLook, friendly_errors, show
from .case_deck import answer_key, case_card_html, static

__all__ = [
    "CASE_FIELDS",
    "Case",
    "CaseSet",
    "CaseView",
    "Choice",
    "answer_key",
    "case",
    "case_card_html",
    "cases",
    "group_cases",
    "referral_label",
    "referral_options",
    "show_case",
    "show_cases",
    "static",
    "validate",
]

PARTS = ("signals", "referral", "advice")
_numbers = itertools.count(1)  # unique element ids on a page


def validate() -> int:
    """data/cases.yaml and its interface text; how many cases."""
    return validate_cases()


class CaseView(Checkable):
    """One case: the story, the three steps (one Choices each), a Check button and one feedback area.

    One Check flow for the three parts (elements.base.Checkable): the answer is (signs, referral, advice),
    a frozenset of ticked signs, the index of the chosen referral option (or None) and a frozenset of ticked
    advice; progress stores it as [[...], n, [...]]."""

    def __init__(
        self,
        the_case: Case,
        lang: str,
        number: int = 1,
        total: int = 1,
        on_checked=None,
        look: SharedLook | None = None,
    ):
        self.case, self.lang, self.on_checked = the_case, check_lang(lang), on_checked
        self.t, self.shared = interface_text(lang, "cases"), interface_text(lang)
        look = look or SharedLook()
        self.start_checking()
        self.results = {}  # part -> right, after the last real check
        self.options = referral_options()
        right = the_case.referral()
        self.right_referral = self.options.index((right.service, right.then))
        uid = f"course-case-{next(_numbers)}"
        t = self.t

        def heading(part):
            return look.html(
                render(
                    "cases/part_heading.html.j2",
                    uid=uid,
                    part=part,
                    heading=t[part + "_heading"],
                    hint=t[part + "_hint"],
                )
            )

        # Option labels are plain text (ipywidgets escapes them).
        self.signal_choices = Choices([s.text[lang] for s in the_case.signals], several=True, look=look)
        self.referral_choices = Choices([referral_label(o, lang) for o in self.options], several=False, look=look)
        self.advice_choices = Choices([a.text[lang] for a in the_case.advice], several=True, look=look)
        head = render("cases/head.html.j2", uid=uid, t=t, n=number, total=total, case=the_case, lang=lang)
        self.build(
            head,
            [
                heading("signals"),
                self.signal_choices,
                heading("referral"),
                self.referral_choices,
                heading("advice"),
                self.advice_choices,
            ],
            look,
            classes=("course-question-box", "course-case"),
        )
        self.story = self.prompt
        self.signal_boxes, self.advice_boxes = self.signal_choices.boxes, self.advice_choices.boxes
        self.referral = self.referral_choices.widget  # the radio buttons

    @property
    def progress_key(self) -> tuple:
        return f"case:{self.case.id}", self.case.id

    @property
    def element(self) -> str:
        return f"case/{self.case.id}"

    # -- choosing (the page does this by clicking; tests and trainers' demos call these)

    def select_signals(self, *indexes: int) -> None:
        self.signal_choices.select(*indexes)

    def select_referral(self, index: int | None) -> None:
        self.referral_choices.select(*(() if index is None else (index,)))

    def select_advice(self, *indexes: int) -> None:
        self.advice_choices.select(*indexes)

    def select_right_answer(self) -> None:
        self.choose((self.case.present_signals, self.right_referral, self.case.good_advice))

    def selection(self) -> tuple:
        return (self.signal_choices.selection(), self.referral.value, self.advice_choices.selection())

    def choose(self, answer) -> None:
        """Choose an answer again, as selection() gives it or as progress stores it ([[...], n, [...]])."""
        signals, referral, advice = answer
        self.select_signals(*signals)
        self.select_referral(referral)
        self.select_advice(*advice)

    # -- checking (Checkable.check_answer() runs the flow)

    def is_empty(self, answer) -> bool:
        signals, referral, advice = answer
        return not signals or referral is None or not advice

    def empty_html(self, answer) -> str:
        """What is still to do before Check (counts as no try)."""
        signals, referral, advice = answer
        missing = [
            key
            for key, empty in (
                ("missing_signals", not signals),
                ("missing_referral", referral is None),
                ("missing_advice", not advice),
            )
            if empty
        ]
        return render("cases/missing.html.j2", intro=self.t["missing"], missing=[self.t[k] for k in missing])

    def is_right(self, answer) -> bool:
        """All three parts right; `results` keeps which were."""
        signals, referral, advice = answer
        self.results = {
            "signals": signals == self.case.present_signals,
            "referral": referral == self.right_referral,
            "advice": advice == self.case.good_advice,
        }
        return all(self.results.values())

    def after_check(self) -> None:
        if self.on_checked:
            self.on_checked()

    def _status(self, right: bool, partly: bool) -> tuple:
        s = self.shared
        if right:
            return "right", f"✔ {s['correct']}"
        if partly:
            return "partly", f"◐ {s['partly']}"
        return "wrong", f"✘ {s['incorrect']}"

    def _choices_part(self, part: str, chosen: frozenset, choices: tuple) -> dict:
        s, lang = self.shared, self.lang
        right_set = frozenset(i for i, c in enumerate(choices) if c.correct)
        shown = [
            ("✔" if choices[i].correct else "✘", s["your_choice"], choices[i].text[lang], choices[i].feedback[lang])
            for i in sorted(chosen)
        ]
        missed = sorted(right_set - chosen)
        note = None
        if missed and self.attempts >= 2:  # after a second try, show what is still missing
            shown += [
                ("○", s["not_chosen_but_correct"], choices[i].text[lang], choices[i].feedback[lang]) for i in missed
            ]
        elif missed:
            note = self.t["missed_one"] if len(missed) == 1 else self.t["missed_many"].format(n=len(missed))
        kind, status = self._status(chosen == right_set, bool(chosen & right_set))
        return {"kind": kind, "status": status, "heading": self.t[part + "_heading"], "choices": shown, "missed": note}

    def _referral_part(self, chosen: int) -> dict:
        t, lang, c = self.t, self.lang, self.case
        engine = c.referral()
        mine = self.options[chosen]
        right = chosen == self.right_referral
        hints = []
        if not right:
            mine_danger, right_danger = mine[0] == "112", c.life_threatening
            mine_usual = mine[1] if mine_danger else mine[0]
            right_usual = engine.then if right_danger else engine.service
            if mine_danger != right_danger:
                hints.append(t["hint_danger_missed"] if right_danger else t["hint_danger_extra"])
            if mine_usual != right_usual:
                hints.append(t["hint_relation"])
        # after a second wrong try, the engine's answer and why; one answer: right or not, the hints say what to look at
        answer = referral_label(self.options[self.right_referral], lang) if not right and self.attempts >= 2 else None
        kind, status = self._status(right, False)
        why = " ".join([t["stalker_is"].format(relation=relation_label(c.relation, lang)), engine.explanation[lang]])
        return {
            "kind": kind,
            "status": status,
            "heading": t["referral_heading"],
            "right": right,
            "your_choice": self.shared["your_choice"],
            "mine": referral_label(mine, lang),
            "why": why,
            "hints": hints,
            "answer": answer,
            "right_answer": t["right_answer"],
            "danger_label": t["danger"],
            "danger": (c.danger or {}).get(lang) or t["no_danger"],
            "source_label": self.shared["source"],
            "source": source(),
        }

    def feedback_html(self, answer: tuple, right: bool) -> str:
        signals, referral, advice = answer
        n_right = sum(self.results.values())
        if n_right == len(PARTS):
            kind, status, summary = "right", f"✔ {self.t['all_right']}", None
        else:
            kind = "partly" if n_right else "wrong"
            status = f"{'◐' if n_right else '✘'} {self.shared['partly' if n_right else 'incorrect']}"
            summary = self.t["parts_right"].format(right=n_right)
        parts = [
            self._choices_part("signals", signals, self.case.signals),
            self._referral_part(referral),
            self._choices_part("advice", advice, self.case.advice),
        ]
        return render("cases/feedback.html.j2", kind=kind, status=status, summary=summary, parts=parts)


class CaseSet:
    """The cases of one exercise page, with a running count of cases solved."""

    def __init__(self, group: str, lang: str):
        import ipywidgets as W

        self.lang = check_lang(lang)
        chosen = group_cases(group)
        look = SharedLook()  # one Layout and Style per widget kind for all the page's cases
        self.views = [CaseView(c, lang, n, len(chosen), self._update, look) for n, c in enumerate(chosen, 1)]
        self.score = W.HTML("")
        self.score.add_class("course-feedback")
        self.score.add_class("course-score")
        self._update()
        self.widget = W.VBox([v.widget for v in self.views] + [self.score])
        self.widget.add_class("course-cases")

    def _update(self) -> None:
        text = interface_text(self.lang, "cases")["score"].format(
            solved=sum(v.solved for v in self.views), total=len(self.views)
        )
        self.score.value = render("cases/score.html.j2", text=text)


@friendly_errors
def show_case(case_id: str, lang: str) -> CaseView:
    """Display one case ("Wat zou jij doen?") in one language."""
    the_case = case(case_id)
    view = CaseView(the_case, lang, *position(the_case))
    show(view.widget)
    return view


@friendly_errors
def show_cases(group: str, lang: str) -> CaseSet:
    """Display every case of one exercise page (a group in data/cases.yaml) in one language."""
    case_set = CaseSet(group, lang)
    show(case_set.widget)
    return case_set
