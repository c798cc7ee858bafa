"""What every page element shares: showing HTML or widgets, content errors as a message, and the checkable base.

A checkable element (quiz question, signal exercise, case) is "prompt, choices, Check, feedback, tries":

    Choices     one chooser: radio buttons for one answer, check boxes for several
    Checkable   the Check flow: an empty answer gets "choose first", the same answer again (a double click)
                is not a new try, a real try is counted, reported to progress and answered with feedback;
                and the one API progress uses (progress_key, last_answer, restore, mark_resumed, vote_options)
    SharedLook  one Layout and one Style per widget kind, shared by the widgets of a quiz

A simple element (QuestionView, SignalSorter) is a Checkable with one Choices: it calls
`self.build(prompt_html, self.choices, look)`. A composite (the case: signals, referral, advice) has one
Choices per part and ONE Checkable flow: its `selection()` returns a tuple of the parts' selections,
`is_empty()` says which part is missing, `is_right()` judges all parts, `choose()` restores every part, and it
passes all its pieces to `build(...)` (or builds its own VBox and calls `self.make_check(...)`).

A subclass provides:

    progress_key -> (element, question)    what progress stores the answer under, e.g. ("quiz:referral", "q1")
    selection() -> answer                   what is chosen now (a frozenset of option indexes, or a tuple of them)
    choose(answer)                          choose a stored answer again (JSON-decoded: lists instead of sets)
    is_right(answer) -> bool
    feedback_html(answer, right) -> str     called after the try is counted (self.attempts is up to date)
    is_empty(answer) -> bool                optional; default: nothing chosen
    empty_html(answer) -> str               optional; default: the course's "choose an answer first"
    after_check()                           optional; e.g. update a score

and never writes the private state below (_last_answer, ...): check_answer() is the only way in.
"""

from __future__ import annotations

import functools
import inspect
import sys

from ..content import LANGS, ContentError
from ..progress import hook as progress_hook  # light; the database is only touched for a trainee who joined
from ..render import render


def show(obj) -> None:
    from IPython.display import display

    display(obj)


def show_html(markup: str) -> None:
    """Show an HTML fragment; every phone number in its text becomes a tel: link (content.link_phones)."""
    from IPython.display import HTML

    from ..render.phones import link_phones

    show(HTML(link_phones(markup)))


def error_box(lang: str, error: Exception) -> str:
    from ..content import ui

    try:
        intro = ui(lang)["content_error"]
    except ContentError:  # ui.yaml itself is broken: say it in both languages
        intro = "Er is iets mis met de cursusinhoud. / Something is wrong with the course content."
    return render("base/error_box.html.j2", intro=intro, error=str(error))


def friendly_errors(func):
    """Show a ContentError as a message on the page (file and field named) instead of a traceback."""
    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ContentError as error:
            lang = signature.bind_partial(*args, **kwargs).arguments.get("lang", "nl")
            print(f"course content error: {error}", file=sys.stderr)
            show_html(error_box(lang if lang in LANGS else "nl", error))
            return None

    return wrapper


def compile_templates(*names: str) -> None:
    """Compile an element's templates now: a broken one fails validation, not a trainee's page, and a kernel
    forked after validation (kernelfork's zygote validates) finds them compiled."""
    from ..render import environment

    for name in names:
        environment().get_template(name)


def partly_details(lang: str, missing: int, extra: int, kind: str = "") -> str:
    """'nog 2 goede antwoorden te vinden; 1 van je keuzes klopt niet' (data/ui.yaml; kind "signals_" for signs)."""
    from ..content import ui

    t = ui(lang)
    parts = [
        t[f"{kind}{what}_{'one' if n == 1 else 'many'}"].format(n=n)
        for what, n in (("missing", missing), ("extra", extra))
        if n
    ]
    return "; ".join(parts)


# ---------------------------------------------------------------- the checkable base


class SharedLook:
    """One Layout and one Style object per widget kind, shared by every widget of a quiz.

    Each ipywidget otherwise brings its own Layout and Style models: for a seven-question quiz that is
    more than half of the ~125 models that the kernel sends and the page must build before it works."""

    def __init__(self):
        import ipywidgets as W
        from ipywidgets.widgets.widget_bool import CheckboxStyle
        from ipywidgets.widgets.widget_description import DescriptionStyle
        from ipywidgets.widgets.widget_string import HTMLStyle

        self.auto = W.Layout(width="auto")
        self.plain = W.Layout()
        self.html_style = HTMLStyle()
        self.description_style = DescriptionStyle()
        self.checkbox_style = CheckboxStyle()
        self.button_style = W.ButtonStyle()

    def html(self, value: str = ""):
        import ipywidgets as W

        return W.HTML(value, layout=self.plain, style=self.html_style)


class Choices:
    """One chooser: radio buttons when one answer is right (`several=False`), check boxes when several are.

    Labels are plain text: ipywidgets escapes descriptions and option labels (description_allow_html stays
    False). The browser only ever receives the labels; which ones are right stays in the kernel."""

    def __init__(self, labels, several: bool, look: SharedLook | None = None):
        import ipywidgets as W

        look = look or SharedLook()
        self.several = several
        if several:
            self.boxes = [
                W.Checkbox(value=False, description=label, indent=False, layout=look.auto, style=look.checkbox_style)
                for label in labels
            ]
            self.widget = W.VBox(self.boxes, layout=look.plain)
        else:
            self.boxes = None
            self.widget = W.RadioButtons(
                options=[(label, i) for i, label in enumerate(labels)],
                value=None,
                layout=look.auto,
                style=look.description_style,
            )
        self.widget.add_class("course-options")

    def selection(self) -> frozenset:
        """The chosen option indexes (one at most for radio buttons)."""
        if self.boxes is None:
            return frozenset() if self.widget.value is None else frozenset([self.widget.value])
        return frozenset(i for i, box in enumerate(self.boxes) if box.value)

    def select(self, *indexes: int) -> None:
        """Choose exactly these options (radio buttons: the first, or none)."""
        if self.boxes is None:
            self.widget.value = indexes[0] if indexes else None
        else:
            for i, box in enumerate(self.boxes):
                box.value = i in indexes


class Checkable:
    """The Check flow and the progress API of an element a trainee answers (see the module docstring).

    State a page and progress may read: attempts (real tries), solved (right at least once), first_try_right
    (None before the first try), last_answer."""

    lang = "nl"
    check = None  # the Check button, feedback the feedback area (W.HTML), widget the whole element
    feedback = None
    widget = None

    # -- set up

    def start_checking(self) -> None:
        """Reset the tries and register with progress (which resumes earlier answers after the cell has run).
        Call it once the element knows what it is (progress_key works)."""
        self.attempts = 0
        self.solved = False
        self.first_try_right = None  # set on the first real try
        self._last_answer = None
        self._last_feedback = ""
        self._showing_other = False  # "choose first" is on screen instead of the last answer's feedback
        progress_hook.register(self)

    def make_check(self, look: SharedLook):
        """The Check button and the feedback area, wired to check_answer()."""
        import ipywidgets as W

        from ..content import ui

        t = ui(self.lang)
        self.check = W.Button(
            description=t["check"],
            tooltip=t["check_tooltip"],
            button_style="primary",
            icon="",
            layout=look.plain,
            style=look.button_style,
        )
        self.check.add_class("course-check")
        self.feedback = look.html()
        self.feedback.add_class("course-feedback")
        self.check.on_click(lambda _button: self.check_answer())
        return self.check, self.feedback

    def build(self, prompt_html: str, pieces, look: SharedLook, classes=("course-question-box",)):
        """The element's widget: the prompt, its choosers (one Choices, or a list of widgets), Check, feedback."""
        import ipywidgets as W

        self.prompt = look.html(prompt_html)
        pieces = [pieces] if isinstance(pieces, Choices) else list(pieces)
        widgets = [p.widget if isinstance(p, Choices) else p for p in pieces]
        self.make_check(look)
        self.widget = W.VBox([self.prompt, *widgets, self.check, self.feedback], layout=look.plain)
        for name in classes:
            self.widget.add_class(name)
        return self.widget

    # -- what a subclass says

    @property
    def progress_key(self) -> tuple:
        """(element, question) under which progress stores the answers."""
        raise NotImplementedError

    @property
    def element(self) -> str:
        """What was answered, for messages and tests: 'bank/question', 'signals/exercise', ..."""
        return "/".join(self.progress_key)

    # An element with one Choices (self.choices) is answered by its indexes; a composite overrides these.
    def selection(self):
        return self.choices.selection()

    def select(self, *indexes: int) -> None:
        """Choose options by index (tests and trainers' demos)."""
        self.choices.select(*indexes)

    def choose(self, answer) -> None:
        self.select(*answer)

    def is_right(self, answer) -> bool:
        raise NotImplementedError

    def feedback_html(self, answer, right: bool) -> str:
        raise NotImplementedError

    def is_empty(self, answer) -> bool:
        return not answer

    def empty_html(self, answer) -> str:
        from ..content import ui

        return render("base/choose_first.html.j2", text=ui(self.lang)["choose_first"], paragraph=False)

    def after_check(self) -> None:
        """After a real try's feedback is shown (e.g. update a score)."""

    # -- the flow

    def check_answer(self) -> None:
        """Check what is chosen now: the one way an answer is judged, counted and recorded."""
        answer = self.selection()
        if self.is_empty(answer):
            self.feedback.value = self.empty_html(answer)
            self._showing_other = True
            return
        if answer == self._last_answer:  # a double click, or the same answer again: not a new try
            if self._showing_other:
                self.feedback.value = self._last_feedback
                self._showing_other = False
            return
        self._last_answer = answer
        self.attempts += 1
        right = bool(self.is_right(answer))
        first_try = self.first_try_right is None
        if first_try:
            self.first_try_right = right
        self.solved = self.solved or right
        self.answer_checked(answer, right, first_try)
        self._last_feedback = self.feedback_html(answer, right)
        self.feedback.value = self._last_feedback
        self._showing_other = False
        self.after_check()

    def answer_checked(self, answer, right: bool, first_try: bool) -> None:
        """Called once per real try, after the tries are counted and before the feedback is shown: records it
        (progress/hook.py). Tests may replace it to listen."""
        progress_hook.checked(self, right)

    # -- the API progress uses

    @property
    def last_answer(self):
        """The answer of the last real try (None before any), as progress stores it."""
        return self._last_answer

    def restore(self, answer) -> None:
        """Choose an earlier answer (as the store gives it back) and check it again, with its feedback."""
        self.choose(answer)
        self.check_answer()

    def mark_resumed(self, note_html: str) -> None:
        """Put a note ("your earlier answer") above restored feedback."""
        if self.feedback is not None and self.feedback.value:
            self.feedback.value = note_html + self.feedback.value

    def vote_options(self):
        """[(label, right)] for the live deck's "the group's answers" button; None: this element has none."""
        return None
