"""The final assessment (its own page, after the lessons and the case exercises): questions from every
lesson, a pass mark, must-pass referral items, a score per lesson.

Its settings and questions come from data/questions/final-assessment.yaml, loaded and checked by
content/assessment.py (pass_mark, must_pass, page, ui) and content/questions.py (the questions, each with
the `topic:` lesson it tests).

Each question is a QuestionView from quiz.py, so answers are checked in the kernel and the browser never
receives which option is right. Only the first answer to a question counts for the score; trainees may
try again to read the feedback. "Show my result" gives the overall score, passed or not in words, the
score per lesson and links to the lessons to revisit. Passing needs both the pass mark and every must-pass
(referral) item right first time.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..content import check_lang
from ..content.assessment import BANK, Settings, settings
from ..content.course import course, relative_link
from ..progress import hook as progress_hook
from ..render import render
from .base import compile_templates, friendly_errors, show
from .registry import KeySection, Static

__all__ = ["BANK", "FinalAssessment", "Result", "Settings", "TopicScore", "score", "settings", "show_final_assessment"]


@dataclass(frozen=True)
class TopicScore:
    topic: str  # lesson id
    number: int  # the lesson's number in the course
    title: dict
    right: int
    total: int
    revisit: bool
    path: dict  # lang -> notebook path


@dataclass(frozen=True)
class Result:
    total: int
    answered: int
    right: int  # right first time
    pass_mark: int
    topics: tuple  # TopicScore, in course order
    missing: tuple  # numbers (1-based) of the questions not answered yet
    must_pass_missed: tuple = ()  # numbers (1-based) of must-pass questions not right first time
    must_pass_total: int = 0

    @property
    def finished(self) -> bool:
        return self.answered == self.total

    @property
    def percent(self) -> int:
        """Rounded down, so that the percentage shown never looks higher than the pass mark when it is not."""
        return (100 * self.right) // self.total if self.total else 0

    @property
    def score_reached(self) -> bool:
        return self.right * 100 >= self.pass_mark * self.total

    @property
    def must_pass_ok(self) -> bool:
        return not self.must_pass_missed

    @property
    def passed(self) -> bool:
        """Both: the overall pass mark, and every must-pass (referral) item right first time."""
        return self.finished and self.score_reached and self.must_pass_ok

    @property
    def to_revisit(self) -> list:
        return [t for t in self.topics if t.revisit]


def score(views, pass_mark: int, must_pass=frozenset()) -> Result:
    """The result of a list of QuestionViews: first answers only, per lesson in course order.

    A lesson is to be revisited when its score is below the pass mark, or when one of its must-pass items
    was not right first time."""
    by_topic, missed_topics = {}, set()
    for v in views:
        right, total = by_topic.get(v.question.topic, (0, 0))
        by_topic[v.question.topic] = (right + bool(v.first_try_right), total + 1)
        if v.question.id in must_pass and v.attempts and not v.first_try_right:
            missed_topics.add(v.question.topic)
    topics = []
    for n, lesson in enumerate(course().lessons, 1):
        if lesson.id in by_topic:
            right, total = by_topic[lesson.id]
            revisit = right * 100 < pass_mark * total or lesson.id in missed_topics
            topics.append(TopicScore(lesson.id, n, lesson.title, right, total, revisit, lesson.notebook))
    return Result(
        total=len(views),
        answered=sum(v.attempts > 0 for v in views),
        right=sum(bool(v.first_try_right) for v in views),
        pass_mark=pass_mark,
        topics=tuple(topics),
        missing=tuple(n for n, v in enumerate(views, 1) if v.attempts == 0),
        must_pass_missed=tuple(
            n for n, v in enumerate(views, 1) if v.question.id in must_pass and not v.first_try_right
        ),
        must_pass_total=sum(v.question.id in must_pass for v in views),
    )


class FinalAssessment:
    """The final test as one widget: the questions, progress, a result button and the result."""

    def __init__(self, lang: str):
        import ipywidgets as W

        from .quiz import QuestionView, SharedLook

        self.lang = check_lang(lang)
        self.settings = settings()
        self.t = self.settings.ui[lang]
        questions = self.settings.questions
        total = len(questions)
        look = SharedLook()
        self.views = [QuestionView(q, lang, n, total, self._on_checked, look) for n, q in enumerate(questions, 1)]
        intro_text = self.t["intro"].format(
            total=total,
            pass_mark=self.settings.pass_mark,
            must_pass=len(self.settings.must_pass),
            must_pass_numbers=self._numbers(range(1, total + 1)),
        )
        intro = W.HTML(render("assessment/intro.html.j2", text=intro_text))
        self.progress = W.HTML("")
        self.progress.add_class("course-feedback")
        self.button = W.Button(
            description=self.t["result_button"],
            tooltip=self.t["result_tooltip"],
            button_style="primary",
            layout=W.Layout(width="max-content"),
        )
        self.button.add_class("course-check")
        self.button.on_click(lambda _button: self.show_result())
        self.output = W.HTML("")
        self.output.add_class("course-feedback")
        self.output.add_class("course-result")
        self._shown = False
        self._update_progress()
        self.widget = W.VBox([intro] + [v.widget for v in self.views] + [self.progress, self.button, self.output])
        self.widget.add_class("course-quiz")
        self.widget.add_class("course-assessment")

    def _numbers(self, candidates) -> str:
        """The numbers of the must-pass questions among `candidates`, e.g. '14, 15, 16, 17 en 18'."""
        return join_numbers(
            [n for n in candidates if self.settings.questions[n - 1].id in self.settings.must_pass], self.t["and"]
        )

    def result(self) -> Result:
        return score(self.views, self.settings.pass_mark, self.settings.must_pass)

    def _on_checked(self) -> None:
        self._update_progress()
        if self._shown:  # keep a result that is on screen up to date
            self.show_result()
        progress_hook.assessment_checked(self)  # a finished test is recorded once; a pass offers the certificate

    def _update_progress(self) -> None:
        r = self.result()
        text = self.t["progress"].format(answered=r.answered, total=r.total)
        self.progress.value = render("assessment/progress.html.j2", text=text)

    def show_result(self) -> None:
        self._shown = True
        self.output.value = result_html(self.result(), self.lang, self.t, self.settings.page)


def join_numbers(numbers, and_word: str) -> str:
    numbers = [str(n) for n in numbers]
    if len(numbers) < 2:
        return "".join(numbers)
    return f"{', '.join(numbers[:-1])} {and_word} {numbers[-1]}"


def result_html(r: Result, lang: str, t: dict, page_id: str) -> str:
    """The result in words: never by colour alone (a word and a symbol), with a table per lesson."""
    if r.answered == 0:
        return render("assessment/result.html.j2", state="empty", text=t["empty"])
    if not r.finished:
        missing = ", ".join(str(n) for n in r.missing)
        text = t["unfinished"].format(answered=r.answered, total=r.total, missing=missing)
        return render("assessment/result.html.j2", state="unfinished", text=text)
    here = course().page(page_id).path(lang)
    values = dict(
        right=r.right,
        total=r.total,
        percent=r.percent,
        pass_mark=r.pass_mark,
        must_pass=r.must_pass_total,
        missed=join_numbers(r.must_pass_missed, t["and"]),
        n_missed=len(r.must_pass_missed),
    )
    must = ""
    if r.must_pass_total:
        must = t["must_pass_ok" if r.must_pass_ok else "failed_must_pass"].format(**values)
    headline = t["passed"] if r.passed else t["failed"] if not r.score_reached else t["failed_referral"]

    def label(topic: TopicScore) -> str:
        return t["lesson_label"].format(n=topic.number, title=topic.title[lang])

    rows = [
        (
            label(topic),
            t["score_of"].format(right=topic.right, total=topic.total),
            f"↻ {t['status_revisit']}" if topic.revisit else f"✔ {t['status_ok']}",
        )
        for topic in r.topics
    ]
    links = [(relative_link(here, topic.path[lang]), label(topic)) for topic in r.to_revisit]
    return render(
        "assessment/result.html.j2",
        state="finished",
        r=r,
        t=t,
        headline=headline.format(**values),
        must=must,
        rows=rows,
        links=links,
    )


@friendly_errors
def show_final_assessment(lang: str) -> FinalAssessment:
    """Display the final assessment in one language."""
    assessment = FinalAssessment(lang)
    show(assessment.widget)
    return assessment


# ---------------------------------------------------------------- registry hooks (elements/registry.py)


def validate() -> int:
    """The final assessment's settings and questions, checked (its templates compiled): how many questions."""
    compile_templates("assessment/intro.html.j2", "assessment/progress.html.j2", "assessment/result.html.j2")
    return len(settings().questions)


def static(call, lang: str, preview: bool = False) -> Static:
    """A deck shows a note: trainees take the test in the course app; the answers are in the answer keys."""
    from ..content import ui

    return Static(render("quiz/deck_note.html.j2", text=ui(lang, "slides")["assessment_note"], info=True))


def answer_key(call, page, lang: str) -> KeySection:
    """The final assessment is a question bank in the answer keys (bank final-assessment)."""
    from .quiz import bank_key

    return bank_key(BANK, page, lang)
