"""The quiz widget, in Python and inside a real kernel: choose, click Check, read the feedback."""

import re

import pytest
from markupsafe import escape  # how the templates escape (' becomes &#39;)

from stalking_course.content.questions import bank
from stalking_course.elements.quiz import Quiz


@pytest.fixture
def quiz():
    return Quiz(bank("what-is-stalking"), "nl")


def text(html):
    return re.sub(r"<[^>]+>", " ", html)


def test_empty_answer_gets_a_message_and_counts_nothing(quiz):
    view = quiz.views[0]
    view.check.click()
    assert "Kies eerst een antwoord" in view.feedback.value
    assert view.attempts == 0 and quiz.answered == 0


def test_wrong_then_right_single_choice(quiz):
    view = quiz.views[0]
    q = view.question
    wrong = next(i for i, o in enumerate(q.options) if not o.correct)
    right = next(i for i, o in enumerate(q.options) if o.correct)
    view.select(wrong)
    view.check.click()
    assert "✘ Nog niet goed" in view.feedback.value
    assert q.options[wrong].feedback["nl"].split(".")[0] in text(view.feedback.value)
    assert q.explanation["nl"] not in view.feedback.value, "the explanation waits for the right answer"
    view.select(right)
    view.check.click()
    assert "✔ Goed" in view.feedback.value and "Uitleg" in view.feedback.value
    assert view.solved and view.first_try_right is False
    assert "0 van 7 vragen in één keer goed" in quiz.score.value and "Beantwoord: 1 van 7" in quiz.score.value


def test_double_click_is_harmless(quiz):
    view = quiz.views[1]
    view.select(1)
    view.check.click()
    first = view.feedback.value
    view.check.click()
    assert view.attempts == 1 and view.feedback.value == first


def test_multiple_choice_partly_then_fully_right(quiz):
    view = next(v for v in quiz.views if v.question.type == "multiple")
    correct = sorted(view.question.correct)
    view.select(correct[0])
    view.check.click()
    assert "◐ Gedeeltelijk goed" in view.feedback.value
    view.select(*correct)
    view.check.click()
    assert "✔ Goed" in view.feedback.value


def test_all_right_first_time_shows_the_final_score():
    quiz = Quiz(bank("what-is-stalking"), "en")
    for view in quiz.views:
        view.select(*view.question.correct)
        view.check.click()
    assert "Done! 7 of 7 questions right first time." in quiz.score.value


def test_the_browser_never_receives_which_answer_is_right(quiz):
    """Widget state is what the page gets: it holds labels, not correctness."""

    def tree(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from tree(child)

    state = str([w.get_state() for w in tree(quiz.widget)])
    assert escape(quiz.views[0].question.text["nl"]) in state
    for view in quiz.views:
        for option in view.question.options:
            assert escape(option.feedback["nl"]) not in state
    for view in quiz.views:
        for option in view.question.options:
            assert option.feedback["nl"] not in state
        assert view.question.explanation["nl"] not in state


def test_quiz_in_a_kernel():
    """Run the quiz inside a real ipykernel, as Voila does, and click through it there."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(c)
        for c in (
            'from stalking_course import show_quiz\nq = show_quiz("what-is-stalking", "en")',
            "v = q.views[3]\nv.check.click()\nprint('EMPTY', v.feedback.value)",
            "wrong = next(i for i, o in enumerate(v.question.options) if not o.correct)\nv.select(wrong)\n"
            "v.check.click()\nprint('WRONG', v.feedback.value)",
            "v.select(*v.question.correct)\nv.check.click()\nprint('RIGHT', v.feedback.value)\n"
            "print('SCORE', q.score.value)",
        )
    ]
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    out = "".join(o.get("text", "") for c in nb.cells for o in c.outputs)
    assert "EMPTY" in out and "Choose an answer first" in out
    assert "✘ Not quite" in out and "✔ Correct" in out and "Explanation" in out
    assert "Answered: 1 of 7" in out


# ---- feedback details (issue 8)


def _multiple(quiz):
    return next(v for v in quiz.views if v.question.type == "multiple" and len(v.question.correct) >= 3)


@pytest.mark.parametrize(
    "lang,expected",
    [
        ("nl", "Gedeeltelijk goed: nog 2 goede antwoorden te vinden."),
        ("en", "Partly right: 2 more right answers to find."),
    ],
)
def test_partly_right_says_how_many_right_answers_are_still_missing(lang, expected):
    quiz = Quiz(bank("what-is-stalking"), lang)
    view = _multiple(quiz)
    correct = sorted(view.question.correct)
    view.select(*correct[: len(correct) - 2])
    view.check.click()
    assert f"◐ {expected}" in text(view.feedback.value)


def test_partly_right_counts_down_and_names_a_wrong_choice(quiz):
    view = _multiple(quiz)
    correct = sorted(view.question.correct)
    wrong = next(i for i, o in enumerate(view.question.options) if not o.correct)
    view.select(correct[0], wrong)
    view.check.click()
    missing = len(correct) - 1
    assert f"nog {missing} goede antwoorden te vinden; 1 van je keuzes klopt niet." in text(view.feedback.value)
    view.select(*correct[:-1])
    view.check.click()
    assert "Gedeeltelijk goed: nog 1 goed antwoord te vinden." in text(view.feedback.value)
    view.select(*correct, wrong)
    view.check.click()
    assert "Gedeeltelijk goed: 1 van je keuzes klopt niet." in text(view.feedback.value)
    assert "te vinden" not in text(view.feedback.value), "nothing is missing then"


def _finish(quiz, first_time_right: int) -> None:
    """Answer every question: the first `first_time_right` right at once, the others wrong first."""
    for n, view in enumerate(quiz.views):
        if n >= first_time_right:
            view.select(next(i for i, o in enumerate(view.question.options) if not o.correct))
            view.check.click()
        view.select(*view.question.correct)
        view.check.click()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_low_final_score_is_worded_kindly_and_points_to_the_explanations(lang):
    quiz = Quiz(bank("what-is-stalking"), lang)
    _finish(quiz, 0)
    score = text(quiz.score.value)
    assert "Klaar! 0 van 7 vragen in één keer goed" not in score and "Done! 0 of 7" not in score
    if lang == "nl":
        assert "alle 7 vragen afgerond" in score and "Lees de uitleg" in score and "heel gewoon" in score
    else:
        assert "finished all 7 questions" in score and "read the explanations" in score and "quite normal" in score


def test_a_good_final_score_keeps_the_plain_wording():
    quiz = Quiz(bank("what-is-stalking"), "nl")
    _finish(quiz, 4)
    assert "Klaar! 4 van 7 vragen in één keer goed." in text(quiz.score.value)


def test_every_real_try_reaches_answer_checked_once(quiz):
    """The one hook for progress recording: element, chosen options, right or not, first try or not."""
    heard = []
    view = _multiple(quiz)
    view.answer_checked = lambda chosen, right, first_try: heard.append((view.element, chosen, right, first_try))
    correct = sorted(view.question.correct)
    view.select(correct[0])
    view.check.click()
    view.check.click()  # a double click is not a try
    view.select(*correct)
    view.check.click()
    element = f"what-is-stalking/{view.question.id}"
    assert heard == [(element, frozenset([correct[0]]), False, True), (element, frozenset(correct), True, False)]


# ---- the shared base (elements/base.py): one Check flow for every checkable element


def _wrong(view):
    return next(i for i, o in enumerate(view.question.options) if not o.correct)


def test_a_single_answer_gets_radio_buttons_and_several_get_check_boxes(quiz):
    import ipywidgets as W

    single = next(v for v in quiz.views if v.question.type == "single")
    several = next(v for v in quiz.views if v.question.type == "multiple")
    assert isinstance(single.chooser, W.RadioButtons) and single.boxes is None
    assert all(isinstance(b, W.Checkbox) for b in several.boxes) and len(several.boxes) == len(several.question.options)
    assert "course-options" in single.chooser._dom_classes and "course-options" in several.chooser._dom_classes


def test_a_double_click_is_one_try_and_the_same_answer_after_an_empty_check_is_no_new_try(quiz):
    view = quiz.views[0]
    view.select(_wrong(view))
    view.check.click()
    view.check.click()
    assert view.attempts == 1 and view.first_try_right is False
    feedback = view.feedback.value
    view.select()  # nothing chosen
    view.check.click()
    assert "Kies eerst een antwoord" in view.feedback.value and view.attempts == 1
    view.select(_wrong(view))  # the same answer as before: its feedback again, not a new try
    view.check.click()
    assert view.feedback.value == feedback and view.attempts == 1
    view.select(*view.question.correct)
    view.check.click()
    assert view.attempts == 2 and view.solved and view.first_try_right is False


def test_an_empty_answer_says_choose_first_in_both_languages_and_counts_nothing():
    for lang, words in (("nl", "Kies eerst een antwoord"), ("en", "Choose an answer first")):
        quiz = Quiz(bank("what-is-stalking"), lang)
        for view in (quiz.views[0], next(v for v in quiz.views if v.question.type == "multiple")):
            view.check.click()
            assert words in view.feedback.value and "course-msg-info" in view.feedback.value
            assert view.attempts == 0 and view.first_try_right is None and view.last_answer is None


def test_restore_chooses_an_earlier_answer_and_shows_its_feedback(quiz):
    """What progress does when a trainee comes back: the stored answers (JSON lists) are chosen and checked."""
    view = quiz.views[0]
    heard = []
    view.answer_checked = lambda chosen, right, first_try: heard.append((chosen, right, first_try))
    view.restore([_wrong(view)])
    assert view.selection() == {_wrong(view)} and "✘ Nog niet goed" in view.feedback.value
    assert view.attempts == 1 and view.first_try_right is False and view.last_answer == {_wrong(view)}
    view.restore(sorted(view.question.correct))
    assert "✔ Goed" in view.feedback.value and view.solved and view.attempts == 2
    assert heard == [({_wrong(view)}, False, True), (view.question.correct, True, False)]
    view.mark_resumed('<p class="course-resumed">↺ earlier</p>')
    assert view.feedback.value.startswith('<p class="course-resumed">') and "✔ Goed" in view.feedback.value


def test_progress_reads_one_api_not_the_element_kind(quiz):
    view = quiz.views[0]
    assert view.progress_key == ("quiz:what-is-stalking", view.question.id)
    assert view.vote_options() == [(o.text["nl"], o.correct) for o in view.question.options]


def test_a_composite_element_is_one_check_flow_over_several_choices():
    """How a case uses the base: one Choices per part, one Checkable flow, selection a tuple of the parts."""
    from stalking_course.elements.base import Checkable, Choices, SharedLook

    class TwoParts(Checkable):
        def __init__(self):
            self.lang = "en"
            look = SharedLook()
            self.start_checking()
            self.first = Choices(["a", "b"], several=True, look=look)
            self.second = Choices(["x", "y"], several=False, look=look)
            self.build("<p>Two parts</p>", [self.first, self.second], look)

        progress_key = ("demo:two-parts", "two-parts")

        def selection(self):
            return self.first.selection(), next(iter(self.second.selection()), None)

        def is_empty(self, answer):
            return not answer[0] or answer[1] is None

        def choose(self, answer):
            self.first.select(*answer[0])
            self.second.select(*([answer[1]] if answer[1] is not None else []))

        def is_right(self, answer):
            return answer == (frozenset([1]), 0)

        def feedback_html(self, answer, right):
            return "right" if right else "wrong"

    demo = TwoParts()
    assert len(demo.widget.children) == 5  # prompt, two choosers, Check, feedback
    demo.first.select(1)
    demo.check.click()
    assert "Choose an answer first" in demo.feedback.value and demo.attempts == 0
    demo.restore([[1], 1])
    demo.check.click()
    assert demo.feedback.value == "wrong" and demo.attempts == 1
    demo.second.select(0)
    demo.check.click()
    assert demo.feedback.value == "right" and demo.solved and demo.first_try_right is False


# ---- what the trainer's material shows of a quiz (registry hooks)


def test_a_deck_gets_a_question_and_an_answer_slide_per_question_and_the_preview_no_answers():
    from stalking_course.elements.quiz import static
    from stalking_course.elements.registry import Call

    questions = bank("what-is-stalking")
    deck = static(Call("quiz", "show_quiz", ("what-is-stalking", "en")), "en")
    assert "7 questions" in deck.inline and len(deck.slides) == 2 * len(questions)
    for q, (question, answer) in zip(questions, zip(deck.slides[::2], deck.slides[1::2])):
        key = "".join("ABCDEFG"[i] for i in sorted(q.correct))
        assert f'data-question="what-is-stalking/{q.id}"' in question[0] and "deck-right" not in question[0]
        assert f'data-answer="what-is-stalking/{q.id}" data-key="{key}"' in answer[0]
        assert all(escape(o.feedback["en"]) in answer[1] for o in q.options), "feedback per option in the notes"
    preview = static(Call("quiz", "show_quiz", ("what-is-stalking", "en")), "en", preview=True)
    assert len(preview.slides) == len(questions) and preview.inline == ""
    assert not any("data-key" in html or "deck-right" in html or notes for html, notes in preview.slides)


def test_the_answer_key_of_a_bank_has_every_question_with_its_key():
    from stalking_course.content.course import course
    from stalking_course.elements.quiz import answer_key
    from stalking_course.elements.registry import Call

    page = course().page("what-is-stalking")
    section = answer_key(Call("quiz", "show_quiz", ("what-is-stalking", "nl")), page, "nl")
    assert section.anchor == "bank-what-is-stalking" and section.group == 0
    assert section.title == "Vragen bij: Les 1: Wat is stalking?"
    assert section.html.startswith('<section class="key-bank" id="bank-what-is-stalking"')
    keys = re.findall(r'data-bank="what-is-stalking" data-question="([\w-]+)" data-key="([A-Z]+)"', section.html)
    assert keys == [(q.id, "".join("ABCDEFG"[i] for i in sorted(q.correct))) for q in bank("what-is-stalking")]


def test_hostile_text_stays_escaped_on_the_page_and_in_the_trainers_material(data_copy):
    from helpers import edit_yaml
    from stalking_course.content.course import course
    from stalking_course.elements.quiz import answer_key, static
    from stalking_course.elements.registry import Call

    def hostile(d):
        d["questions"][0]["text"]["en"] = "<script>alert(1)</script> & 'quoted'"
        d["questions"][0]["options"][0]["feedback"]["en"] = "<img src=x onerror=alert(1)>"

    edit_yaml(data_copy / "questions" / "what-is-stalking.yaml", hostile)
    quiz = Quiz(bank("what-is-stalking"), "en")
    view = quiz.views[0]
    view.select(0)
    view.check.click()
    call = Call("quiz", "show_quiz", ("what-is-stalking", "en"))
    deck = static(call, "en")
    key = answer_key(call, course().page("what-is-stalking"), "en").html
    for html in (view.prompt.value, view.feedback.value, str(deck.slides), key):
        assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in view.prompt.value and "&lt;img src=x" in view.feedback.value
