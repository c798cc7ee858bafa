"""The quiz widget.

The browser only ever receives the question and the option labels; which options are right lives in
the kernel, and feedback is sent only after the trainee presses Check. Feedback is always a word and a
symbol (never colour alone) in an element that screen readers announce (see the course template).
"""
from __future__ import annotations

from html import escape

import ipywidgets as W
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle

from ..content import check_lang, ui
from ..render.phones import link_phones
from .base import Attempts, friendly_errors, partly_details, show
from ..content.questions import bank


def _p(text: str) -> str:
    return f"<p>{escape(text)}</p>"


class SharedLook:
    """One Layout and one Style object per widget kind, shared by every widget of a quiz.

    Each ipywidget otherwise brings its own Layout and Style models: for a seven-question quiz that is
    more than half of the ~125 models that the kernel sends and the page must build before it works."""

    def __init__(self):
        self.auto = W.Layout(width="auto")
        self.plain = W.Layout()
        self.html_style = HTMLStyle()
        self.description_style = DescriptionStyle()
        self.checkbox_style = CheckboxStyle()
        self.button_style = W.ButtonStyle()

    def html(self, value: str = "") -> W.HTML:
        return W.HTML(value, layout=self.plain, style=self.html_style)


class QuestionView(Attempts):
    """One question: prompt, options, a Check button and a feedback area."""

    def __init__(self, question, lang: str, number: int, total: int, on_checked=None, look: SharedLook | None = None):
        self.question, self.lang, self.on_checked = question, lang, on_checked
        look = look or SharedLook()
        self.t = ui(lang)
        self._reset_attempts()
        labels = [o.text[lang] for o in question.options]
        heading = self.t["question_of"].format(n=number, total=total)
        hint = self.t["choose_one"] if question.type == "single" else self.t["choose_all"]
        self.prompt = look.html(
            f'<div class="course-question" role="group"><p class="course-question-number">{escape(heading)}</p>'
            f'<p class="course-question-text"><strong>{escape(question.text[lang])}</strong></p>'
            f'<p class="course-question-hint">{escape(hint)}</p></div>'
        )
        if question.type == "single":
            self.chooser = W.RadioButtons(options=[(label, i) for i, label in enumerate(labels)], value=None,
                                          layout=look.auto, style=look.description_style)
            self.chooser.add_class("course-options")
            self.boxes = None
        else:
            self.boxes = [W.Checkbox(value=False, description=label, indent=False, layout=look.auto,
                                     style=look.checkbox_style) for label in labels]
            self.chooser = W.VBox(self.boxes, layout=look.plain)
            self.chooser.add_class("course-options")
        self.check = W.Button(description=self.t["check"], tooltip=self.t["check_tooltip"],
                              button_style="primary", icon="", layout=look.plain, style=look.button_style)
        self.check.add_class("course-check")
        self.feedback = look.html()
        self.feedback.add_class("course-feedback")
        self.check.on_click(lambda _button: self.check_answer())
        self.widget = W.VBox([self.prompt, self.chooser, self.check, self.feedback], layout=look.plain)
        self.widget.add_class("course-question-box")

    @property
    def element(self) -> str:
        return f"{self.question.bank}/{self.question.id}"

    def selection(self) -> frozenset:
        if self.boxes is None:
            return frozenset() if self.chooser.value is None else frozenset([self.chooser.value])
        return frozenset(i for i, box in enumerate(self.boxes) if box.value)

    def select(self, *indexes: int) -> None:
        """Choose options by index (tests and trainers' demos)."""
        if self.boxes is None:
            self.chooser.value = indexes[0] if indexes else None
        else:
            for i, box in enumerate(self.boxes):
                box.value = i in indexes

    def check_answer(self) -> None:
        chosen = self.selection()
        if not chosen:
            self.feedback.value = f'<div class="course-msg course-msg-info">ℹ {escape(self.t["choose_first"])}</div>'
            return
        if not self._is_new_answer(chosen):
            return
        right = chosen == self.question.correct
        self._record(right)
        self.feedback.value = self._feedback_html(chosen, right)
        if self.on_checked:
            self.on_checked()

    def _feedback_html(self, chosen: frozenset, right: bool) -> str:
        lang, t, q = self.lang, self.t, self.question
        if right:
            status = f'<p class="course-status"><strong>✔ {escape(t["correct"])}</strong></p>'
            kind = "right"
        elif chosen & q.correct:
            details = partly_details(lang, missing=len(q.correct - chosen), extra=len(chosen - q.correct))
            status = (f'<p class="course-status"><strong>◐ {escape(t["partly_detail"].format(details=details))}</strong> '
                      f'{escape(t["try_again"])}</p>')
            kind = "partly"
        else:
            status = f'<p class="course-status"><strong>✘ {escape(t["incorrect"])}</strong> {escape(t["try_again"])}</p>'
            kind = "wrong"
        items = []
        for i in sorted(chosen):
            opt = q.options[i]
            mark = "✔" if opt.correct else "✘"
            items.append(f"<li>{mark} <em>{escape(t['your_choice'])}: {escape(opt.text[lang])}</em> — "
                         f"{escape(opt.feedback[lang])}</li>")
        explanation = ""
        if right:
            explanation = f'<p class="course-explanation"><strong>{escape(t["explanation"])}:</strong> {escape(q.explanation[lang])}</p>'
        return link_phones(f'<div class="course-msg course-msg-{kind}">{status}<ul>{"".join(items)}</ul>{explanation}</div>')


class Quiz:
    """All questions of a bank (or a given list), with a running score."""

    def __init__(self, questions, lang: str):
        self.lang = check_lang(lang)
        self.t = ui(lang)
        total = len(questions)
        look = SharedLook()
        self.views = [QuestionView(q, lang, n, total, self._update_score, look) for n, q in enumerate(questions, 1)]
        self.score = look.html()
        self.score.add_class("course-feedback")
        self.score.add_class("course-score")
        self._update_score()
        self.widget = W.VBox([v.widget for v in self.views] + [self.score], layout=look.plain)
        self.widget.add_class("course-quiz")

    @property
    def right_first_time(self) -> int:
        return sum(bool(v.first_try_right) for v in self.views)

    @property
    def answered(self) -> int:
        return sum(v.attempts > 0 for v in self.views)

    def _update_score(self) -> None:
        total = len(self.views)
        done = all(v.solved for v in self.views)
        right = self.right_first_time
        if not done:
            key = "score"
        elif right * 2 < total:  # a low score at the end: encourage, point to the explanations, no "0 of 7!"
            key = "score_done_low"
        else:
            key = "score_done"
        text = self.t[key].format(right=right, total=total, answered=self.answered)
        self.score.value = f'<div class="course-msg course-msg-score"><p><strong>{escape(text)}</strong></p></div>'


@friendly_errors
def show_quiz(bank_id: str, lang: str) -> Quiz:
    """Display the quiz of one question bank in one language."""
    quiz = Quiz(bank(bank_id), lang)
    show(quiz.widget)
    return quiz
