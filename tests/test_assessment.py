"""The final assessment, driven in Python: answer, press "show my result", read the result."""

import re

import pytest
import yaml

from helpers import edit_yaml
from stalking_course.content import REPO_ROOT, ContentError
from stalking_course.content.course import course
from stalking_course.content.questions import bank
from stalking_course.elements.assessment import BANK, FinalAssessment, settings


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def wrong_option(view):
    return next(i for i, o in enumerate(view.question.options) if not o.correct)


def answer(view, right: bool):
    if right:
        view.select(*view.question.correct)
    else:
        view.select(wrong_option(view))
    view.check.click()


@pytest.fixture
def nl():
    return FinalAssessment("nl")


def test_the_bank_covers_every_lesson_and_has_at_least_fifteen_questions():
    questions = bank(BANK)
    assert len(questions) >= 15
    assert {q.topic for q in questions} == {lesson.id for lesson in course().lessons}


def test_the_pass_mark_lives_in_the_data_file():
    raw = yaml.safe_load((REPO_ROOT / "data" / "questions" / f"{BANK}.yaml").read_text(encoding="utf-8"))
    assert settings().pass_mark == raw["pass_mark"] == 80


def test_nothing_answered_gives_the_empty_message(nl):
    nl.button.click()
    assert "nog geen vragen beantwoord" in nl.output.value
    assert "Geslaagd" not in nl.output.value and "Nog niet geslaagd" not in nl.output.value


def test_unfinished_names_the_open_questions_and_gives_no_verdict(nl):
    for view in nl.views[:3]:
        answer(view, True)
    nl.button.click()
    out = text(nl.output.value)
    total = len(nl.views)
    assert f"3 van de {total} vragen beantwoord" in out
    assert "Vragen die nog open staan: 4, 5," in out
    assert "geslaagd" not in out.lower()
    assert f"Beantwoord: 3 van {total}" in nl.progress.value


def test_all_right_passes_and_nothing_to_revisit(nl):
    for view in nl.views:
        answer(view, True)
    nl.button.click()
    out = text(nl.output.value)
    total = len(nl.views)
    assert f"✔ Geslaagd! Je hebt {total} van de {total} vragen in één keer goed: 100 procent" in out
    assert "80 procent nodig" in out
    assert "Je hoeft geen les opnieuw te lezen" in out
    assert "↻" not in out
    r = nl.result()
    assert r.passed and r.to_revisit == []
    for topic in r.topics:
        assert topic.right == topic.total


def test_all_wrong_fails_and_lists_every_lesson_to_revisit():
    en = FinalAssessment("en")
    for view in en.views:
        answer(view, False)
    en.button.click()
    html = en.output.value
    out = text(html)
    assert "✘ Not passed yet" in out and "0 per cent" in out
    r = en.result()
    assert not r.passed and r.right == 0
    assert [t.topic for t in r.to_revisit] == [lesson.id for lesson in course().lessons]
    revisit = html.split('class="course-revisit"')[1].split("</ul>")[0]
    for n, lesson in enumerate(course().lessons, 1):
        assert f"Lesson {n}: {lesson.title['en']}" in text(revisit)
        assert f'href="{lesson.notebook["en"].split("/")[-1]}"' in revisit, "links to the lesson from course.yaml"


def test_only_the_first_answer_counts(nl):
    view = nl.views[0]
    answer(view, False)
    answer(view, True)  # the trainee tries again to read the explanation
    assert view.solved and view.first_try_right is False
    for other in nl.views[1:]:
        answer(other, True)
    r = nl.result()
    assert r.right == len(nl.views) - 1
    first_topic = nl.views[0].question.topic
    assert [t.topic for t in r.to_revisit] == [first_topic]


def test_partial_answers_give_per_topic_numbers_and_the_verdict_against_the_pass_mark(nl):
    """Wrong on every question of the first two lessons: the numbers per lesson and the verdict follow."""
    lessons = [lesson.id for lesson in course().lessons]
    wrong_topics = set(lessons[:2])
    for view in nl.views:
        answer(view, view.question.topic not in wrong_topics)
    r = nl.result()
    per_topic = {t.topic: (t.right, t.total) for t in r.topics}
    for topic in lessons:
        total = sum(v.question.topic == topic for v in nl.views)
        assert per_topic[topic] == ((0 if topic in wrong_topics else total), total)
    right = sum(v.question.topic not in wrong_topics for v in nl.views)
    assert r.right == right and r.percent == 100 * right // len(nl.views)
    assert r.passed == (right * 100 >= 80 * len(nl.views))
    nl.button.click()
    out = text(nl.output.value)
    assert ("✔ Geslaagd!" in out) == r.passed and ("✘ Nog niet geslaagd" in out) != r.passed
    for topic in r.topics:
        row = f"{topic.right} van {topic.total}"
        assert row in out
    assert [t.topic for t in r.to_revisit] == lessons[:2]


def _answer_with(a, right_count: int, must_pass_right: bool = True):
    """Answer the must-pass items as told, then the other questions right until `right_count` are right."""
    must = a.settings.must_pass
    budget = right_count - (len(must) if must_pass_right else 0)
    for view in a.views:
        if view.question.id in must:
            answer(view, must_pass_right)
        else:
            answer(view, budget > 0)
            budget -= 1


def test_just_below_and_at_the_pass_mark():
    a = FinalAssessment("en")
    total = len(a.views)
    needed = -(-80 * total // 100)  # the smallest number right that reaches 80 per cent
    _answer_with(a, needed)
    assert a.result().passed
    b = FinalAssessment("en")
    _answer_with(b, needed - 1)
    r = b.result()
    assert not r.passed and r.percent < 80, "the percentage shown never rounds up to the pass mark"


# ---- the referral items are must-pass


def test_there_are_at_least_five_must_pass_referral_items_listed_in_the_data_file():
    raw = yaml.safe_load((REPO_ROOT / "data" / "questions" / f"{BANK}.yaml").read_text(encoding="utf-8"))
    assert len(raw["must_pass"]) >= 5
    assert settings().must_pass == frozenset(raw["must_pass"])
    ids = [q.id for q in bank(BANK)]
    assert set(raw["must_pass"]) <= set(ids)


def test_the_must_pass_items_cover_every_branch_of_the_referral_rules():
    """Ex-partner, a suspected ex-partner behind an anonymous account, family/carer/house friend,
    someone outside the family, life-threatening."""
    from stalking_course.content.referral import advise

    cases = {qid: (relation, danger) for qid, relation, danger in settings().referral}
    relations = {relation for relation, danger in cases.values()}
    assert "ex-partner" in relations
    assert "suspected-ex-partner" in relations
    assert relations & {"family", "carer", "household", "partner"}
    assert any(advise(r).service == "police" and not d for r, d in cases.values()), "someone outside the family"
    assert any(d for r, d in cases.values()), "life-threatening"
    questions = {q.id: q for q in bank(BANK)}
    suspected = next(q for q, (r, d) in cases.items() if r == "suspected-ex-partner")
    for lang in ("nl", "en"):
        assert "anon" in questions[suspected].text[lang], "the suspected ex-partner hides behind an anonymous account"


def _service_named(text: str) -> set:
    found = set()
    if "Veilig Thuis" in text:
        found.add("veilig-thuis")
    if re.search(r"\b(politie|police)\b", text, re.I):
        found.add("police")
    if re.search(r"(?<![\d-])112(?![\d-])", text):
        found.add("112")
    return found


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_right_option_of_each_referral_item_is_what_the_engine_says(lang):
    from stalking_course.content.referral import advise

    questions = {q.id: q for q in bank(BANK)}
    for qid, relation, danger in settings().referral:
        q = questions[qid]
        right = [o.text[lang] for o in q.options if o.correct]
        assert len(right) == 1, qid
        assert _service_named(right[0]) == {advise(relation, danger).service}, (qid, right[0])
        for o in q.options:
            if not o.correct:
                assert _service_named(o.text[lang]) != {advise(relation, danger).service}, (qid, o.text[lang])


def test_a_trainee_who_gets_one_referral_item_wrong_does_not_pass_whatever_the_total():
    for missed in sorted(settings().must_pass):
        a = FinalAssessment("nl")
        for view in a.views:
            answer(view, view.question.id != missed)
        r = a.result()
        assert r.percent >= r.pass_mark, "everything else right: the total alone would pass"
        assert not r.passed, missed
        a.button.click()
        out = text(a.output.value)
        number = next(n for n, v in enumerate(a.views, 1) if v.question.id == missed)
        assert "✘ Nog niet geslaagd" in out and "niet alle verwijsvragen" in out
        assert f"gemist: vraag {number}" in out
        assert "Les 8: Verwijzen" in text(a.output.value.split('class="course-revisit"')[1].split("</ul>")[0]), (
            "the referral lesson is to be revisited, although its score alone reaches the pass mark"
        )


def test_all_referral_items_right_but_the_total_too_low_does_not_pass():
    a = FinalAssessment("en")
    needed = -(-80 * len(a.views) // 100)
    _answer_with(a, needed - 1, must_pass_right=True)
    r = a.result()
    assert r.must_pass_ok and not r.passed
    a.button.click()
    out = text(a.output.value)
    assert "✘ Not passed yet" in out and "Referral questions: all 5 right first time" in out


def test_the_intro_names_the_referral_questions_and_both_conditions():
    a = FinalAssessment("nl")
    intro = text(a.widget.children[0].value)
    numbers = [n for n, v in enumerate(a.views, 1) if v.question.id in a.settings.must_pass]
    assert "80 procent" in intro and f"alle {len(numbers)} verwijsvragen" in intro
    assert f"{numbers[-2]} en {numbers[-1]}" in intro


def test_a_must_pass_id_that_is_not_a_question_is_named(data_copy):
    edit_yaml(data_copy / "questions" / f"{BANK}.yaml", lambda d: d["must_pass"].append("no-such-question"))
    with pytest.raises(ContentError, match=r"must_pass\[\d+\]: unknown question 'no-such-question'"):
        settings()


def test_a_must_pass_item_without_its_referral_situation_is_named(data_copy):
    def change(d):
        q = next(q for q in d["questions"] if q["id"] == d["must_pass"][0])
        q.pop("referral")

    edit_yaml(data_copy / "questions" / f"{BANK}.yaml", change)
    with pytest.raises(ContentError, match="referral"):
        settings()


# ---- where the assessment sits in the course


def test_the_assessment_comes_after_every_lesson_and_case_exercise():
    pages = list(course().pages)
    here = pages.index(course().page(settings().page))
    assert all(pages.index(p) < here for p in course().lessons + course().exercises)
    assert course().page(settings().page).kind == "page"


def test_a_failed_result_links_to_the_lessons_not_to_the_page_the_trainee_is_on():
    a = FinalAssessment("nl")
    for view in a.views:
        answer(view, False)
    a.button.click()
    html = a.output.value
    own = course().page(settings().page).notebook["nl"].split("/")[-1]
    links = re.findall(r'href="([^"]+)"', html)
    assert links and own not in " ".join(links)
    lesson_files = {lesson.notebook["nl"].split("/")[-1] for lesson in course().lessons}
    assert {link.split("/")[-1] for link in links} == lesson_files


def test_a_shown_result_stays_up_to_date(nl):
    answer(nl.views[0], True)
    nl.button.click()
    assert "nog open staan" in nl.output.value
    for view in nl.views[1:]:
        answer(view, True)
    assert "Geslaagd" in nl.output.value


def test_result_is_never_colour_alone_and_the_table_is_labelled(nl):
    for view in nl.views:
        answer(view, False)
    nl.button.click()
    html = nl.output.value
    assert "<caption>" in html and 'scope="col"' in html and 'scope="row"' in html
    assert "✘" in html and "↻" in html


def test_the_browser_never_receives_which_answer_is_right(nl):
    def tree(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from tree(child)

    state = str([w.get_state() for w in tree(nl.widget)])
    for view in nl.views:
        for option in view.question.options:
            assert option.feedback["nl"] not in state
        assert view.question.explanation["nl"] not in state


def test_an_unknown_topic_is_named(data_copy):
    edit_yaml(data_copy / "questions" / f"{BANK}.yaml", lambda d: d["questions"][0].update(topic="no-such-lesson"))
    with pytest.raises(ContentError, match=r"questions\[1\] \(id fa-belaging\)\.topic: must be the id of a lesson"):
        settings()


def test_a_bad_pass_mark_is_named(data_copy):
    edit_yaml(data_copy / "questions" / f"{BANK}.yaml", lambda d: d.update(pass_mark=180))
    with pytest.raises(ContentError, match="pass_mark"):
        settings()


def test_a_missing_pass_mark_shows_a_message_not_a_traceback(data_copy, capsys):
    from stalking_course.elements.assessment import show_final_assessment

    edit_yaml(data_copy / "questions" / f"{BANK}.yaml", lambda d: d.pop("pass_mark"))
    assert show_final_assessment("nl") is None
    assert "pass_mark: missing" in capsys.readouterr().err


def test_final_assessment_in_a_kernel():
    """Inside a real ipykernel, as Voila runs it: answer everything right and ask for the result."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(c)
        for c in (
            'from stalking_course import show_final_assessment\na = show_final_assessment("en")',
            "for v in a.views:\n    v.select(*v.question.correct)\n    v.check.click()\n"
            "a.button.click()\nprint('RESULT', a.output.value)",
        )
    ]
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    out = "".join(o.get("text", "") for c in nb.cells for o in c.outputs)
    assert "RESULT" in out and "✔ Passed!" in out


# ---- what the trainer's material shows of the final assessment (registry hooks)


def test_the_deck_shows_a_note_and_the_answer_keys_have_the_bank():
    from stalking_course.content import ui
    from stalking_course.elements.assessment import answer_key, static
    from stalking_course.elements.registry import Call

    call = Call("assessment", "show_final_assessment", ("nl",))
    note = static(call, "nl")
    assert note.slides == [] and note.inline == f'<p class="deck-note">ℹ {ui("nl", "slides")["assessment_note"]}</p>'
    section = answer_key(call, course().page(settings().page), "nl")
    assert section.anchor == f"bank-{BANK}" and section.group == 0
    assert section.html.count('class="key-question"') == len(bank(BANK))
