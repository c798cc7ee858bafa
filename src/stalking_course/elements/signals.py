"""The "which of these are signals?" exercise: short fictional observations as check boxes.

The trainee ticks the observations that are signals and presses Check. The browser only ever receives
the observations' text; which ones are signals lives in the kernel, and the feedback (per observation a
word and a symbol, never colour alone) is sent only after Check. The look is the quiz's.

Data: data/signals.yaml, loaded and checked by content/signals.py (its schema: content/schemas/signals.schema.json);
the exercise's interface text is ui(lang, "signals").
"""

from __future__ import annotations

from ..content import check_lang, ui
from ..content.course import page_label
from ..content.signals import Exercise, Item, exercise, exercise_ids
from ..render import render
from .base import Checkable, Choices, SharedLook, compile_templates, friendly_errors, partly_details, show
from .registry import KeySection, Static

__all__ = ["Exercise", "Item", "SignalSorter", "exercise", "exercise_ids", "show_signal_sorter", "texts"]


def texts(lang: str) -> dict:
    """The exercise's interface text (data/signals.yaml, section ui), facts filled in."""
    return ui(lang, "signals")


class SignalSorter(Checkable):
    """The observations as check boxes, a Check button and a feedback area."""

    def __init__(self, ex: Exercise, lang: str, look: SharedLook | None = None):
        self.exercise, self.lang = ex, check_lang(lang)
        self.t = texts(lang)
        look = look or SharedLook()
        self.start_checking()
        self.choices = Choices([item.text[lang] for item in ex.items], several=True, look=look)
        self.chooser, self.boxes = self.choices.widget, self.choices.boxes
        prompt = render("quiz/prompt.html.j2", heading=self.t["exercise"], text=ex.intro[lang], hint=self.t["hint"])
        self.build(prompt, self.choices, look, classes=("course-question-box", "course-signals"))

    @property
    def progress_key(self) -> tuple:
        return f"signals:{self.exercise.id}", self.exercise.id

    @property
    def element(self) -> str:
        return f"signals/{self.exercise.id}"

    def is_right(self, answer) -> bool:
        return answer == self.exercise.signals

    def empty_html(self, answer) -> str:
        return render("base/choose_first.html.j2", text=self.t["choose_first"], paragraph=True)

    def feedback_html(self, chosen: frozenset, right: bool) -> str:
        t, lang, items = self.t, self.lang, self.exercise.items
        rows = []
        for i, item in enumerate(items):
            ticked = i in chosen
            if item.signal:
                mark, key = ("✔", "hit") if ticked else ("✘", "missed")
            else:
                mark, key = ("✘", "false_alarm") if ticked else ("✔", "correct_reject")
            rows.append((mark == "✔", mark, t[key], item.text[lang], item.feedback[lang]))
        n_right, total = sum(row[0] for row in rows), len(items)
        if n_right == total:
            status, kind = f"✔ {t['all_right']}", "right"
        elif n_right:
            status, kind = f"◐ {t['some_right']}", "partly"
        else:
            status, kind = f"✘ {t['none_right']}", "wrong"
        detail = ""
        if kind == "partly":  # how many signs are still to tick, how many ticks are not signs
            signals = self.exercise.signals
            text = partly_details(lang, missing=len(signals - chosen), extra=len(chosen - signals), kind="signals_")
            detail = text[:1].upper() + text[1:]
        return render(
            "signals/feedback.html.j2",
            kind=kind,
            status=status.format(right=n_right, total=total),
            detail=detail,
            rows=rows,
        )


@friendly_errors
def show_signal_sorter(exercise_id: str, lang: str) -> SignalSorter:
    """Display one "which of these are signals?" exercise in one language."""
    sorter = SignalSorter(exercise(exercise_id), lang)
    show(sorter.widget)
    return sorter


# ---------------------------------------------------------------- registry hooks (elements/registry.py)


def validate() -> int:
    """Every exercise and the exercise's interface text, checked (its templates compiled): how many exercises."""
    compile_templates("quiz/prompt.html.j2", "signals/feedback.html.j2", "base/choose_first.html.j2")
    for lang in ("nl", "en"):
        texts(lang)
    return len([exercise(e) for e in exercise_ids()])


def static(call, lang: str, preview: bool = False) -> Static | None:
    """On the exercise's slide its observations; then an answer slide saying which are signals (the reasons in
    the notes). The preview (the live deck's speaker view) has the observations only."""
    if not call.subject:
        return None
    ex = exercise(call.subject)
    if preview:
        return Static(render("signals/deck_items.html.j2", ex=ex, lang=lang, follow=""))
    t = ui(lang, "slides")
    inline = render("signals/deck_items.html.j2", ex=ex, lang=lang, follow=t["signals_follow"])
    answer = render("signals/deck_answer.html.j2", ex=ex, lang=lang, t=t)
    notes = render("signals/deck_notes.html.j2", ex=ex, lang=lang, t=t)
    return Static(inline, [(answer, notes)])


def answer_key(call, page, lang: str) -> KeySection | None:
    """The exercise in the answer keys: the situation, each observation signal or not, with its feedback."""
    if not call.subject:
        return None
    ex, t = exercise(call.subject), ui(lang, "slides")
    title = t["keys_signals_heading"] + (f" – {page_label(page, lang)}" if page is not None else "")
    anchor = f"signals-{ex.id}"
    html = render("signals/answer_key.html.j2", anchor=anchor, heading=title, ex=ex, lang=lang, t=t)
    return KeySection(anchor=anchor, title=title, html=html, group=1)
