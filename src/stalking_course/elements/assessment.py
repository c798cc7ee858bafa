"""The final assessment (its own page, after the lessons and the case exercises): questions from every
lesson, a pass mark, must-pass referral items, a score per lesson.

Everything it shows comes from data/questions/final-assessment.yaml: the questions (each with `topic:`,
the id of the lesson it tests), `pass_mark` (the percentage of questions right first time needed to pass),
`must_pass` (the ids of the referral items: every one of them must be right first time, whatever the
total, because referring to the right place is the one skill the course must guarantee; each of these
questions carries `referral: {relation, life_threatening}` so that a test can check its right option
against the referral engine), `page` (the page that shows the test, for the links back to the lessons)
and `ui` (its interface text).

Each question is a QuestionView from quiz.py, so answers are checked in the kernel and the browser never
receives which option is right. Only the first answer to a question counts for the score; trainees may
try again to read the feedback. "Show my result" gives the overall score, passed or not in words, the
score per lesson and links to the lessons to revisit.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from html import escape

from ..content import LANGS, ContentError, check_lang, data_dir, fill, load_yaml
from ..content.loader import require
from ..content.course import course, relative_link
from .base import friendly_errors, show
from ..progress import hook as progress_hook
from ..content.questions import bank

BANK = "final-assessment"
FILE = f"data/questions/{BANK}.yaml"
UI_KEYS = ("intro", "progress", "result_button", "result_tooltip", "empty", "unfinished", "passed", "failed",
           "table_caption", "col_lesson", "col_score", "col_advice", "score_of", "lesson_label", "status_ok",
           "status_revisit", "revisit_heading", "revisit_none", "new_tab", "retry", "failed_must_pass",
           "must_pass_ok", "failed_referral", "and")


@dataclass(frozen=True)
class Settings:
    pass_mark: int  # percent
    page: str  # id of the page that shows the test
    ui: dict  # lang -> {key: text}
    questions: tuple
    must_pass: frozenset = frozenset()  # ids of the questions that must all be right first time
    referral: tuple = ()  # (question id, relation, life_threatening) for each must-pass item


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


@functools.lru_cache(maxsize=None)
def _settings(key) -> Settings:
    data = load_yaml(f"questions/{BANK}.yaml")
    pass_mark = require(data, "pass_mark", FILE, "", int)
    if isinstance(pass_mark, bool) or not 1 <= pass_mark <= 100:
        raise ContentError(FILE, "pass_mark", "must be a whole percentage from 1 to 100")
    c = course()
    page = require(data, "page", FILE, "", str)
    try:
        c.page(page)
    except KeyError:
        raise ContentError(FILE, "page", f"no page {page!r} in data/course.yaml") from None
    raw_ui = require(data, "ui", FILE, "", dict)
    strings = {}
    for lang in LANGS:
        texts = require(raw_ui, lang, FILE, "ui", dict)
        for k in UI_KEYS:
            require(texts, k, FILE, f"ui.{lang}", str)
        extra = set(texts) ^ set(raw_ui.get("en" if lang == "nl" else "nl") or {})
        if extra:
            raise ContentError(FILE, f"ui: {', '.join(sorted(extra))}", "present in one language only")
        strings[lang] = {k: fill(v, lang, FILE, f"ui.{lang}.{k}") for k, v in texts.items()}
    questions = bank(BANK)
    lesson_ids = [p.id for p in c.lessons]
    for q in questions:
        if q.topic not in lesson_ids:
            raise ContentError(FILE, f"question {q.id}: topic",
                               f"must be the id of a lesson in data/course.yaml ({', '.join(lesson_ids)})")
    ids = [q.id for q in questions]
    must_pass = require(data, "must_pass", FILE, "", list)
    raw = {e.get("id"): e for e in data.get("questions") or [] if isinstance(e, dict)}
    referral = []
    for qid in must_pass:
        if qid not in ids:
            raise ContentError(FILE, f"must_pass: {qid}", "no question with this id in the bank")
        case = raw[qid].get("referral")
        if not isinstance(case, dict) or not isinstance(case.get("relation"), str) \
                or not isinstance(case.get("life_threatening"), bool):
            raise ContentError(FILE, f"question {qid}: referral",
                               "a must-pass item needs referral: {relation: <relation in data/referral.yaml>, life_threatening: true|false}")
        referral.append((qid, case["relation"], case["life_threatening"]))
    return Settings(pass_mark, page, strings, questions, frozenset(must_pass), tuple(referral))


def settings() -> Settings:
    path = data_dir() / "questions" / f"{BANK}.yaml"
    try:
        key = (str(path), path.stat().st_mtime, (data_dir() / "course.yaml").stat().st_mtime)
    except FileNotFoundError:
        raise ContentError(FILE, "file", "does not exist") from None
    return _settings(key)


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
        must_pass_missed=tuple(n for n, v in enumerate(views, 1) if v.question.id in must_pass and not v.first_try_right),
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
        intro_text = self.t["intro"].format(total=total, pass_mark=self.settings.pass_mark,
                                            must_pass=len(self.settings.must_pass),
                                            must_pass_numbers=self._numbers(range(1, total + 1)))
        intro = W.HTML(f'<div class="course-msg course-msg-info"><p>{escape(intro_text)}</p></div>')
        self.progress = W.HTML("")
        self.progress.add_class("course-feedback")
        self.button = W.Button(description=self.t["result_button"], tooltip=self.t["result_tooltip"],
                               button_style="primary", layout=W.Layout(width="max-content"))
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
        return join_numbers([n for n in candidates if self.settings.questions[n - 1].id in self.settings.must_pass],
                            self.t["and"])

    def result(self) -> Result:
        return score(self.views, self.settings.pass_mark, self.settings.must_pass)

    def _on_checked(self) -> None:
        self._update_progress()
        if self._shown:  # keep a result that is on screen up to date
            self.show_result()
        progress_hook.assessment_checked(self)  # a finished test is recorded once; a pass offers the certificate

    def _update_progress(self) -> None:
        r = self.result()
        self.progress.value = (f'<p class="course-progress">'
                               f'{escape(self.t["progress"].format(answered=r.answered, total=r.total))}</p>')

    def show_result(self) -> None:
        self._shown = True
        self.output.value = result_html(self.result(), self.lang, self.t, self.settings.page)


def join_numbers(numbers, and_word: str) -> str:
    numbers = [str(n) for n in numbers]
    if len(numbers) < 2:
        return "".join(numbers)
    return f"{', '.join(numbers[:-1])} {and_word} {numbers[-1]}"


def _lesson_link(topic: TopicScore, lang: str, t: dict, here: str) -> str:
    label = t["lesson_label"].format(n=topic.number, title=topic.title[lang])
    href = relative_link(here, topic.path[lang])
    return (f'<a href="{escape(href)}" target="_blank" rel="noopener">{escape(label)}'
            f' <span class="course-new-tab">{escape(t["new_tab"])}</span></a>')


def result_html(r: Result, lang: str, t: dict, page_id: str) -> str:
    """The result in words: never by colour alone (a word and a symbol), with a table per lesson."""
    if r.answered == 0:
        return f'<div class="course-msg course-msg-info" role="status"><p>ℹ {escape(t["empty"])}</p></div>'
    if not r.finished:
        text = t["unfinished"].format(answered=r.answered, total=r.total,
                                      missing=", ".join(str(n) for n in r.missing))
        return f'<div class="course-msg course-msg-info" role="status"><p>ℹ {escape(text)}</p></div>'
    here = course().page(page_id).path(lang)
    values = dict(right=r.right, total=r.total, percent=r.percent, pass_mark=r.pass_mark,
                  must_pass=r.must_pass_total, missed=join_numbers(r.must_pass_missed, t["and"]),
                  n_missed=len(r.must_pass_missed))
    must = ""
    if r.must_pass_total:
        key = "must_pass_ok" if r.must_pass_ok else "failed_must_pass"
        must = f'<p>{"✔" if r.must_pass_ok else "✘"} {escape(t[key].format(**values))}</p>'
    if r.passed:
        verdict = (f'<div class="course-msg course-msg-right"><p><strong>✔ {escape(t["passed"].format(**values))}'
                   f'</strong></p>{must}</div>')
    else:
        headline = t["failed"] if not r.score_reached else t["failed_referral"]
        verdict = (f'<div class="course-msg course-msg-wrong"><p><strong>✘ {escape(headline.format(**values))}'
                   f'</strong></p>{must}<p>{escape(t["retry"])}</p></div>')
    rows = []
    for topic in r.topics:
        status = f'↻ {t["status_revisit"]}' if topic.revisit else f'✔ {t["status_ok"]}'
        label = t["lesson_label"].format(n=topic.number, title=topic.title[lang])
        rows.append(f'<tr><th scope="row">{escape(label)}</th>'
                    f'<td>{escape(t["score_of"].format(right=topic.right, total=topic.total))}</td>'
                    f'<td>{escape(status)}</td></tr>')
    table = (f'<table class="course-table"><caption>{escape(t["table_caption"])}</caption>'
             f'<thead><tr><th scope="col">{escape(t["col_lesson"])}</th><th scope="col">{escape(t["col_score"])}</th>'
             f'<th scope="col">{escape(t["col_advice"])}</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
    revisit = r.to_revisit
    if revisit:
        items = "".join(f"<li>{_lesson_link(topic, lang, t, here)}</li>" for topic in revisit)
        advice = f'<h3>{escape(t["revisit_heading"])}</h3><ul class="course-revisit">{items}</ul>'
    else:
        advice = f'<p>{escape(t["revisit_none"])}</p>'
    return f'<div class="course-result-body">{verdict}{advice}{table}</div>'


@friendly_errors
def show_final_assessment(lang: str) -> FinalAssessment:
    """Display the final assessment in one language."""
    assessment = FinalAssessment(lang)
    show(assessment.widget)
    return assessment
