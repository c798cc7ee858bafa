"""The "which of these are signals?" exercise: short fictional observations as checkboxes.

The trainee ticks the observations that are signals and presses Check. The browser only ever receives
the observations' text; which ones are signals lives in the kernel, and the feedback (per observation a
word and a symbol, never colour alone) is sent only after Check. The look is the quiz's.

Data: data/signals.yaml, both languages side by side. Schema (checked on every load):

    ui: {nl: {...}, en: {...}}        interface text of this widget, the same keys in both languages
    exercises:
      exercise-id:                    kebab-case
        intro: {nl, en}               the (fictional) situation and the task
        items:                        two or more; at least one signal and one that is not
          - id: kebab-case-id         unique in the exercise
            text: {nl, en}            the observation, as shown next to its checkbox
            signal: true | false
            feedback: {nl, en}        why it is (not) a signal

Text may use {{fact_key}} placeholders (data/facts.yaml).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

import ipywidgets as W

from ..content import LANGS, ContentError, check_lang, fill, load_yaml
from ..content.loader import bilingual, require
from ..content import ui as course_ui
from ..render.phones import link_phones
from .base import Attempts, friendly_errors, partly_details, show

FILE = "data/signals.yaml"
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
UI_KEYS = ("exercise", "hint", "choose_first", "all_right", "some_right", "none_right",
           "hit", "false_alarm", "missed", "correct_reject")


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


def _localise(value: dict, field: str) -> dict:
    return {lang: fill(value[lang], lang, FILE, f"{field}.{lang}") for lang in LANGS}


def ui(lang: str) -> dict:
    """This widget's interface text (data/signals.yaml, section ui)."""
    check_lang(lang)
    section = require(load_yaml("signals.yaml"), "ui", FILE, "", dict)
    strings = require(section, lang, FILE, "ui", dict)
    for key in UI_KEYS:
        for other in LANGS:
            require(section.get(other), key, FILE, f"ui.{other}", str)
    return {key: fill(strings[key], lang, FILE, f"ui.{lang}.{key}") for key in UI_KEYS}


def exercise_ids() -> list:
    return list(require(load_yaml("signals.yaml"), "exercises", FILE, "", dict))


def exercise(exercise_id: str) -> Exercise:
    """One validated exercise; a mistake raises ContentError naming the file and the field."""
    exercises = require(load_yaml("signals.yaml"), "exercises", FILE, "", dict)
    if exercise_id not in exercises:
        raise ContentError(FILE, f"exercises.{exercise_id}", "no such exercise")
    if not ID.match(exercise_id):
        raise ContentError(FILE, f"exercises.{exercise_id}", "use lower-case words joined by hyphens")
    where = f"exercises.{exercise_id}"
    entry = exercises[exercise_id]
    intro = _localise(bilingual(entry, "intro", FILE, where), f"{where}.intro")
    raw_items = require(entry, "items", FILE, where, list)
    if len(raw_items) < 2:
        raise ContentError(FILE, f"{where}.items", "needs at least two items")
    items, seen = [], set()
    for n, raw in enumerate(raw_items, 1):
        iwhere = f"{where}.items[{n}]"
        item_id = require(raw, "id", FILE, iwhere, str)
        if not ID.match(item_id):
            raise ContentError(FILE, f"{iwhere}.id", "use lower-case words joined by hyphens")
        if item_id in seen:
            raise ContentError(FILE, f"{iwhere}.id", f"{item_id} used twice")
        seen.add(item_id)
        iwhere = f"{where}.items[{n}] ({item_id})"
        if not isinstance(raw.get("signal"), bool):
            raise ContentError(FILE, f"{iwhere}.signal", "missing (true or false)")
        items.append(Item(item_id, _localise(bilingual(raw, "text", FILE, iwhere), f"{iwhere}.text"),
                          raw["signal"], _localise(bilingual(raw, "feedback", FILE, iwhere), f"{iwhere}.feedback")))
    n_signals = sum(item.signal for item in items)
    if n_signals == 0 or n_signals == len(items):
        raise ContentError(FILE, f"{where}.items", "needs at least one signal and at least one item that is not")
    return Exercise(exercise_id, intro, tuple(items))


class SignalSorter(Attempts):
    """The observations as checkboxes, a Check button and a feedback area."""

    def __init__(self, ex: Exercise, lang: str):
        self.exercise, self.lang = ex, check_lang(lang)
        self.t = ui(lang)
        shared = course_ui(lang)
        self._reset_attempts()
        self.prompt = W.HTML(
            f'<div class="course-question" role="group"><p class="course-question-number">{escape(self.t["exercise"])}</p>'
            f'<p class="course-question-text"><strong>{escape(ex.intro[lang])}</strong></p>'
            f'<p class="course-question-hint">{escape(self.t["hint"])}</p></div>'
        )
        # Checkbox descriptions are plain text (description_allow_html stays False): ipywidgets escapes them.
        self.boxes = [W.Checkbox(value=False, description=item.text[lang], indent=False, layout=W.Layout(width="auto"))
                      for item in ex.items]
        self.chooser = W.VBox(self.boxes)
        self.chooser.add_class("course-options")
        self.check = W.Button(description=shared["check"], tooltip=shared["check_tooltip"], button_style="primary")
        self.check.add_class("course-check")
        self.feedback = W.HTML("")
        self.feedback.add_class("course-feedback")
        self.check.on_click(lambda _button: self.check_answer())
        self.widget = W.VBox([self.prompt, self.chooser, self.check, self.feedback])
        self.widget.add_class("course-question-box")
        self.widget.add_class("course-signals")

    @property
    def element(self) -> str:
        return f"signals/{self.exercise.id}"

    def selection(self) -> frozenset:
        return frozenset(i for i, box in enumerate(self.boxes) if box.value)

    def select(self, *indexes: int) -> None:
        """Tick exactly these observations (tests and trainers' demos)."""
        for i, box in enumerate(self.boxes):
            box.value = i in indexes

    def check_answer(self) -> None:
        chosen = self.selection()
        if not chosen:
            self._last_checked = None
            self.feedback.value = f'<div class="course-msg course-msg-info"><p>ℹ {escape(self.t["choose_first"])}</p></div>'
            return
        if not self._is_new_answer(chosen):
            return
        self._record(chosen == self.exercise.signals)
        self.feedback.value = self._feedback_html(chosen)

    def _feedback_html(self, chosen: frozenset) -> str:
        t, lang, items = self.t, self.lang, self.exercise.items
        rows, n_right = [], 0
        for i, item in enumerate(items):
            ticked = i in chosen
            if item.signal:
                mark, key = ("✔", "hit") if ticked else ("✘", "missed")
            else:
                mark, key = ("✘", "false_alarm") if ticked else ("✔", "correct_reject")
            ok = mark == "✔"
            n_right += ok
            rows.append(f'<li class="course-signal-{"right" if ok else "wrong"}"><strong>{mark} {escape(t[key])}</strong> '
                        f'<em>{escape(item.text[lang])}</em> — {escape(item.feedback[lang])}</li>')
        total = len(items)
        if n_right == total:
            status, kind = f"✔ {t['all_right']}", "right"
        elif n_right:
            status, kind = f"◐ {t['some_right']}", "partly"
        else:
            status, kind = f"✘ {t['none_right']}", "wrong"
        status = status.format(right=n_right, total=total)
        detail = ""
        if kind == "partly":  # how many signs are still to tick, how many ticks are not signs
            signals = self.exercise.signals
            text = partly_details(lang, missing=len(signals - chosen), extra=len(chosen - signals), kind="signals_")
            detail = f'<p class="course-status-detail"><strong>{escape(text[:1].upper() + text[1:])}.</strong></p>'
        return link_phones(f'<div class="course-msg course-msg-{kind}"><p class="course-status"><strong>{escape(status)}</strong></p>'
                           f'{detail}<ul class="course-signal-list">{"".join(rows)}</ul></div>')


@friendly_errors
def show_signal_sorter(exercise_id: str, lang: str) -> SignalSorter:
    """Display one "which of these are signals?" exercise in one language."""
    sorter = SignalSorter(exercise(exercise_id), lang)
    show(sorter.widget)
    return sorter
