"""The quiz widget, and what the trainer's material shows of a quiz (registry hooks).

The browser only ever receives the question and the option labels; which options are right lives in
the kernel, and feedback is sent only after the trainee presses Check. Feedback is always a word and a
symbol (never colour alone) in an element that screen readers announce (see the course template).
"""

from __future__ import annotations

from ..content import check_lang, ui
from ..content.course import page_label
from ..content.questions import bank, bank_ids
from ..render import render
from .base import Checkable, Choices, SharedLook, compile_templates, friendly_errors, partly_details, show
from .registry import KeySection, Static

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class QuestionView(Checkable):
    """One question: prompt, options (radio buttons for a single answer, check boxes for several), Check, feedback."""

    def __init__(self, question, lang: str, number: int, total: int, on_checked=None, look: SharedLook | None = None):
        self.question, self.lang, self.on_checked = question, lang, on_checked
        look = look or SharedLook()
        self.t = ui(lang)
        self.start_checking()
        single = question.type == "single"
        self.choices = Choices([o.text[lang] for o in question.options], several=not single, look=look)
        self.chooser, self.boxes = self.choices.widget, self.choices.boxes
        prompt = render(
            "quiz/prompt.html.j2",
            heading=self.t["question_of"].format(n=number, total=total),
            text=question.text[lang],
            hint=self.t["choose_one"] if single else self.t["choose_all"],
        )
        self.build(prompt, self.choices, look)

    @property
    def progress_key(self) -> tuple:
        return f"quiz:{self.question.bank}", self.question.id

    @property
    def element(self) -> str:
        return f"{self.question.bank}/{self.question.id}"

    def is_right(self, answer) -> bool:
        return answer == self.question.correct

    def after_check(self) -> None:
        if self.on_checked:
            self.on_checked()

    def vote_options(self):
        return [(o.text[self.lang], o.correct) for o in self.question.options]

    def feedback_html(self, chosen: frozenset, right: bool) -> str:
        lang, t, q = self.lang, self.t, self.question
        if right:
            kind, symbol, status, try_again = "right", "✔", t["correct"], ""
        elif chosen & q.correct:
            details = partly_details(lang, missing=len(q.correct - chosen), extra=len(chosen - q.correct))
            kind, symbol, status, try_again = "partly", "◐", t["partly_detail"].format(details=details), t["try_again"]
        else:
            kind, symbol, status, try_again = "wrong", "✘", t["incorrect"], t["try_again"]
        options = [(q.options[i].correct, q.options[i].text[lang], q.options[i].feedback[lang]) for i in sorted(chosen)]
        return render(
            "quiz/feedback.html.j2",
            kind=kind,
            symbol=symbol,
            status=status,
            try_again=try_again,
            chosen=options,
            explanation=q.explanation[lang] if right else "",
            t=t,
        )


class Quiz:
    """All questions of a bank (or a given list), with a running score."""

    def __init__(self, questions, lang: str):
        import ipywidgets as W

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
        self.score.value = render("quiz/score.html.j2", text=text)


@friendly_errors
def show_quiz(bank_id: str, lang: str) -> Quiz:
    """Display the quiz of one question bank in one language."""
    quiz = Quiz(bank(bank_id), lang)
    show(quiz.widget)
    return quiz


# ---------------------------------------------------------------- registry hooks (elements/registry.py)


def validate() -> int:
    """Every question bank, checked (and the quiz's templates compiled): how many questions."""
    compile_templates("quiz/prompt.html.j2", "quiz/feedback.html.j2", "quiz/score.html.j2", "base/choose_first.html.j2")
    return sum(len(bank(b)) for b in bank_ids())


def static(call, lang: str, preview: bool = False) -> Static | None:
    """A deck's quiz: per question a question slide and an answer slide (feedback on every option in the notes);
    the preview (the live deck's speaker view) has the question slides only, without answers."""
    if not call.subject:
        return None
    return bank_preview(call.subject, lang) if preview else bank_static(call.subject, lang)


def bank_static(bank_id: str, lang: str) -> Static:
    t, cu = ui(lang, "slides"), ui(lang)
    questions = bank(bank_id)
    total = len(questions)
    slides = []
    for n, q in enumerate(questions, 1):
        common = dict(bank=bank_id, q=q, lang=lang, letters=LETTERS)
        hint = cu["choose_one"] if q.type == "single" else cu["choose_all"]
        question = render(
            "quiz/deck_question.html.j2", kicker=cu["question_of"].format(n=n, total=total), hint=hint, **common
        )
        answer = render(
            "quiz/deck_answer.html.j2",
            kicker=t["answer_heading"].format(n=n),
            t=t,
            key="".join(LETTERS[i] for i in sorted(q.correct)),
            explanation_label=cu["explanation"],
            **common,
        )
        vote = render("quiz/deck_notes.html.j2", intro=t["quiz_vote_notes"])
        notes = render("quiz/deck_notes.html.j2", intro=t["quiz_answer_notes"], q=q, lang=lang, letters=LETTERS)
        slides += [(question, vote), (answer, notes)]
    inline = render("quiz/deck_note.html.j2", text=t["quiz_follows"].format(n=total), info=False)
    return Static(inline, slides)


def bank_preview(bank_id: str, lang: str) -> Static:
    cu = ui(lang)
    questions = bank(bank_id)
    total = len(questions)
    return Static(
        "",
        [
            (render("quiz/deck_preview.html.j2", q=q, lang=lang, kicker=cu["question_of"].format(n=n, total=total)), "")
            for n, q in enumerate(questions, 1)
        ],
    )


def answer_key(call, page, lang: str) -> KeySection | None:
    """The bank's part of the answer keys: every question with its key, the options' feedback, the explanation."""
    return bank_key(call.subject, page, lang) if call.subject else None


def bank_title(page, bank_id: str, lang: str) -> str:
    """'Vragen bij: Les 3: Wie stalkt wie?' (+ ' – eindtoets' for the final assessment's bank)."""
    t = ui(lang, "slides")
    if page is None:
        return t["keys_bank_unused"].format(bank=bank_id)
    title = t["keys_bank_heading"].format(title=page_label(page, lang))
    final = bank_id == "final-assessment" and t["keys_final"].lower() not in title.lower()
    return f"{title} – {t['keys_final']}" if final else title


def bank_key(bank_id: str, page, lang: str) -> KeySection:
    title = bank_title(page, bank_id, lang)
    questions = [(q, "".join(LETTERS[i] for i in sorted(q.correct))) for q in bank(bank_id)]
    html = render(
        "quiz/answer_key.html.j2",
        bank=bank_id,
        heading=title,
        questions=questions,
        lang=lang,
        t=ui(lang, "slides"),
        explanation_label=ui(lang)["explanation"],
        letters=LETTERS,
    )
    return KeySection(anchor=f"bank-{bank_id}", title=title, html=html, group=0)
