"""Recording and resuming in the page's kernel (the widgets' own callbacks), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from stalking_course.progress import hook

LESSON_PATH = "/voila/render/notebooks/nl/01_wat-is-stalking.ipynb"


@pytest.fixture
def kernel(store, monkeypatch):
    """A page kernel of a joined trainee: the learner id and page path in its environment, as the app sets them."""
    learner, _ = store.join(store.create_group())

    def new_kernel(path=LESSON_PATH):
        hook._reset_for_tests()
        monkeypatch.setenv("COURSE_LEARNER", learner)
        monkeypatch.setenv("SCRIPT_NAME", path)

    new_kernel()
    yield learner, new_kernel
    hook._reset_for_tests()


def lesson_quiz():
    from stalking_course.content.questions import bank
    from stalking_course.elements.quiz import Quiz

    quiz = Quiz(bank("what-is-stalking"), "nl")
    hook.resume()  # what the kernel does after the cell has run
    return quiz


def wrong_option(view):
    return next(i for i, o in enumerate(view.question.options) if not o.correct)


def test_every_checked_answer_is_recorded_and_a_lesson_completes(store, kernel):
    learner, _ = kernel
    quiz = lesson_quiz()
    first = quiz.views[0]
    first.select(wrong_option(first))
    first.check_answer()
    first.check_answer()  # a double click is not a new try
    first.select(*first.question.correct)
    first.check_answer()
    answers = store.answers(learner)
    assert [(a.page, a.element, a.question, a.chosen, a.correct, a.first_try) for a in answers] == [
        ("what-is-stalking", "quiz:what-is-stalking", first.question.id, [wrong_option(first)], False, True),
        ("what-is-stalking", "quiz:what-is-stalking", first.question.id, sorted(first.question.correct), True, False),
    ]
    assert store.progress(learner) == {"what-is-stalking": "in_progress"}
    for view in quiz.views[1:]:
        view.select(*view.question.correct)
        view.check_answer()
    assert store.progress(learner) == {"what-is-stalking": "done"}


def test_reopening_the_lesson_shows_earlier_answers_with_feedback(store, kernel):
    learner, new_kernel = kernel
    quiz = lesson_quiz()
    quiz.views[0].select(wrong_option(quiz.views[0]))
    quiz.views[0].check_answer()
    quiz.views[1].select(*quiz.views[1].question.correct)
    quiz.views[1].check_answer()
    before = len(store.answers(learner))

    new_kernel()  # the trainee reloads the page: a new kernel, fresh widgets
    again = lesson_quiz()
    first, second, third = again.views[:3]
    assert "Je eerdere antwoord" in first.feedback.value and "Nog niet goed" in first.feedback.value
    assert first.selection() == {wrong_option(first)} and first.first_try_right is False and not first.solved
    assert "Goed." in second.feedback.value and second.first_try_right is True and second.solved
    assert third.feedback.value == "" and third.attempts == 0
    assert "2 van" in again.score.value or "1 van" in again.score.value
    assert len(store.answers(learner)) == before  # replaying records nothing twice
    first.select(*first.question.correct)
    first.check_answer()  # carrying on: the next try is the second, not a first
    latest = store.answers(learner)[-1]
    assert (latest.attempt, latest.first_try, latest.correct) == (2, False, True)


def test_cases_and_signal_exercises_are_recorded_and_resumed(store, kernel):
    from stalking_course.elements.cases import CaseView, cases
    from stalking_course.elements.signals import SignalSorter, exercise, exercise_ids

    learner, new_kernel = kernel
    new_kernel("/voila/render/exercises/nl/01_casussen-verwijzen.ipynb")
    the_case = cases()[0]
    view = CaseView(the_case, "nl")
    sorter = SignalSorter(exercise(exercise_ids()[0]), "nl")
    hook.resume()
    view.select_right_answer()
    view.check_answer()
    sorter.select(0)
    sorter.check_answer()
    kinds = {a.element.split(":")[0]: a for a in store.answers(learner)}
    assert kinds["case"].correct is True and kinds["case"].chosen[1] == view.right_referral
    assert kinds["signals"].chosen == [0]

    new_kernel("/voila/render/exercises/nl/01_casussen-verwijzen.ipynb")
    view2, sorter2 = CaseView(the_case, "nl"), SignalSorter(exercise(exercise_ids()[0]), "nl")
    hook.resume()
    assert view2.solved and view2.selection() == view.selection() and "Je eerdere antwoord" in view2.feedback.value
    assert sorter2.selection() == {0} and sorter2.attempts == 1


def test_the_final_assessment_is_recorded_once_and_offers_the_certificate(store, kernel):
    from stalking_course.elements.assessment import FinalAssessment

    learner, new_kernel = kernel
    new_kernel("/voila/render/notebooks/nl/10_eindtoets.ipynb")
    test = FinalAssessment("nl")
    hook.resume()
    for view in test.views:
        view.select(*view.question.correct)
        view.check_answer()
    view.check_answer()  # pressing again changes nothing
    best = store.best_assessment(learner)
    assert best is not None and best.passed and best.percent == 100 and best.total == len(test.views)
    assert set(best.topics) == {v.question.topic for v in test.views}
    assert "certificaat" in test.progress.value and "/course/certificate?lang=nl" in test.progress.value
    assert store.progress(learner).get("final-assessment") == "done"
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM course_assessment").scalar() == 1

    new_kernel("/voila/render/notebooks/nl/10_eindtoets.ipynb")
    retake = FinalAssessment("nl")
    hook.resume()
    assert all(v.attempts == 0 for v in retake.views)  # a finished test is not replayed: a retake starts afresh


def test_no_trainee_means_nothing_is_written(store, monkeypatch):
    hook._reset_for_tests()
    monkeypatch.delenv("COURSE_LEARNER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    quiz = lesson_quiz()
    quiz.views[0].select(0)
    quiz.views[0].check_answer()
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM course_answer").scalar() == 0
    hook._reset_for_tests()


def test_a_hub_user_is_recorded_under_a_keyed_hash_only(store, monkeypatch):
    hook._reset_for_tests()
    monkeypatch.delenv("COURSE_LEARNER", raising=False)
    monkeypatch.setenv("JUPYTERHUB_USER", "marieke.devries")
    monkeypatch.setenv("SCRIPT_NAME", LESSON_PATH)
    quiz = lesson_quiz()
    quiz.views[0].select(0)
    quiz.views[0].check_answer()
    with store.engine.connect() as conn:
        ids = [row[0] for row in conn.exec_driver_sql("SELECT learner_id FROM course_answer")]
    assert len(ids) == 1 and "marieke" not in ids[0] and ids[0].startswith("h")
    hook._reset_for_tests()


def test_a_database_that_is_gone_never_breaks_the_page(tmp_path, monkeypatch, caplog):
    hook._reset_for_tests()
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    monkeypatch.setenv("COURSE_LEARNER", "s" + "0" * 32)
    monkeypatch.setenv("SCRIPT_NAME", LESSON_PATH)
    quiz = lesson_quiz()  # resuming fails quietly
    view = quiz.views[0]
    view.select(*view.question.correct)
    view.check_answer()
    assert "Goed." in view.feedback.value and view.solved
    assert "could not record an answer" in caplog.text
    hook._reset_for_tests()


def test_the_live_deck_shows_the_groups_answers_to_a_question(store, monkeypatch):
    from stalking_course.content.questions import bank

    question = bank("what-is-stalking")[0]
    right = sorted(question.correct)[0]
    wrong = next(i for i, o in enumerate(question.options) if not o.correct)
    group, small = store.create_group(), store.create_group()
    for n in range(6):
        learner, _ = store.join(group)
        chosen = [right if n < 4 else wrong]
        store.record_answer(learner, "what-is-stalking", "quiz:what-is-stalking", question.id, chosen, n < 4)
    for _ in range(3):
        learner, _ = store.join(small)
        store.record_answer(learner, "what-is-stalking", "quiz:what-is-stalking", question.id, [right], True)

    def presenter_deck(code):
        hook._reset_for_tests()
        monkeypatch.delenv("COURSE_LEARNER", raising=False)
        monkeypatch.setenv("COURSE_PRESENT_GROUP", code)
        from stalking_course.elements.quiz import Quiz

        quiz = Quiz(bank("what-is-stalking"), "en")
        hook.after_cell()  # the kernel does this after the cell has run
        *_, button, output = quiz.views[0].widget.children
        assert button.description == "Show the group's answers"
        button.click()
        return output.value

    html = presenter_deck(group)
    assert f"First answers of group {group} (6 trainees)" in html
    assert f"✔ {question.options[right].text['en']}</th><td>4</td>" in html and "67%" in html
    assert f'<th scope="row">{question.options[wrong].text["en"]}</th><td>2</td>' in html
    assert "Fewer than 5 answers" in presenter_deck(small)  # 3 trainees: nobody can be singled out
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM course_answer").scalar() == 9  # the deck records nothing
    hook._reset_for_tests()


def test_the_final_assessment_lists_the_lessons_not_finished_yet(store, kernel):
    from stalking_course.elements.assessment import FinalAssessment

    learner, new_kernel = kernel
    store.record_completion(learner, "what-is-stalking")
    new_kernel("/voila/render/notebooks/nl/10_eindtoets.ipynb")
    test = FinalAssessment("nl")
    hook.after_cell()
    warning = test.views[0].widget.children[0].value
    assert "nog niet afgerond" in warning and "Het patroon herkennen" in warning
    assert "Wat is stalking?" not in warning
    assert sum("course-final-todo" in str(getattr(w, "value", "")) for v in test.views for w in v.widget.children) == 1
