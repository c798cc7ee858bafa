"""The progress store, on SQLite and on a real PostgreSQL server: what a trainee and a trainer rely on."""

import threading

import pytest

from stalking_course.progress import identity
from stalking_course.progress.store import HEAD, Store, csv_text, neutralise


def test_a_trainee_joins_and_comes_back_with_the_personal_code(store):
    group = store.create_group("Tuesday")
    learner, code = store.join(group)
    assert len(identity.normalise_code(code)) == 8
    assert store.come_back(group.lower(), code.lower().replace("-", " ")) == learner
    other_group = store.create_group()
    assert store.come_back(other_group, code) is None  # a code only works in its own group
    assert store.come_back(group, "AAAA-BBBB") is None
    with pytest.raises(KeyError):
        store.join("NOSUCH")


def test_a_pseudonym_is_a_self_chosen_code_and_cannot_be_taken_twice(store):
    group = store.create_group()
    learner, code = store.join(group, pseudonym="Blauwe  Vos")
    assert code is None
    assert store.come_back(group, "blauwe vos") == learner
    with pytest.raises(ValueError):
        store.join(group, pseudonym="BLAUWE VOS")
    assert store.join(store.create_group(), pseudonym="Blauwe Vos")[0] != learner  # another group: another trainee


def test_nothing_personal_is_stored(store, db_url):
    group = store.create_group()
    learner, _ = store.join(group, pseudonym="Jan Jansen <jan@example.org>")
    store.ensure_learner(identity.hub_learner_id("jjansen"))
    with store.engine.connect() as conn:
        dump = repr(
            [
                row
                for table in ("course_learner", "course_group")
                for row in conn.exec_driver_sql(f"SELECT * FROM {table}").all()
            ]
        )
    assert "Jansen" not in dump and "jansen" not in dump and "example.org" not in dump


def test_answers_record_attempts_first_try_and_progress(store):
    learner, _ = store.join(store.create_group())
    assert store.record_answer(learner, "what-is-stalking", "quiz:what-is-stalking", "q1", frozenset({2}), False) == 1
    assert store.record_answer(learner, "what-is-stalking", "quiz:what-is-stalking", "q1", frozenset({0}), True) == 2
    answers = store.answers(learner)
    assert [(a.chosen, a.correct, a.first_try, a.attempt) for a in answers] == [
        ([2], False, True, 1),
        ([0], True, False, 2),
    ]
    assert store.progress(learner) == {"what-is-stalking": "in_progress"}
    store.record_completion(learner, "what-is-stalking")
    store.record_completion(learner, "what-is-stalking")  # twice is once
    assert store.progress(learner) == {"what-is-stalking": "done"}


def test_a_passed_assessment_can_be_verified_without_anything_personal(store):
    learner, _ = store.join(store.create_group())
    failed = store.record_assessment(learner, 5, 10, 70, False, {"a": [5, 10]})
    assert store.verify(failed) is None  # only a pass is a certificate
    code = store.record_assessment(learner, 8, 10, 70, True, {"a": [8, 10]})
    found = store.verify(code.lower().replace("-", ""))
    assert (found.percent, found.passed, found.course_version) == (80, True, "0.1.0")
    assert store.best_assessment(learner).verify_code == code


def test_export_and_delete_my_data(store):
    group = store.create_group()
    me, _ = store.join(group)
    other, _ = store.join(group)
    store.record_answer(me, "p", "quiz:b", "q", [1], True)
    store.record_answer(other, "p", "quiz:b", "q", [0], False)
    data = store.export(me)
    assert data["group_code"] == group and [a["chosen"] for a in data["answers"]] == [[1]]  # never another's
    assert store.delete_learner(me)
    assert store.export(me) == {} and store.answers(me) == [] and len(store.answers(other)) == 1


def test_trainer_report_and_group_delete(store):
    group = store.create_group()
    learners = [store.join(group)[0] for _ in range(6)]
    for n, learner in enumerate(learners):
        store.record_answer(learner, "p", "quiz:b", "q", [n % 2], n % 2 == 0)
    report = store.group_report(group)
    assert report["joined"] == 6
    entry = report["questions"][("quiz:b", "q")]
    assert (entry["answered"], entry["right"], entry["wrong"]) == (6, 3, {"[1]": 3})
    assert store.delete_group(group)
    assert store.group(group) is None and all(store.answers(learner) == [] for learner in learners)


def test_retention_deletes_old_records_only(store):
    import datetime as dt

    from sqlalchemy import update

    from stalking_course.progress.store import Answer

    learner, _ = store.join(store.create_group())
    store.record_answer(learner, "p", "quiz:b", "old", [1], True)
    store.record_answer(learner, "p", "quiz:b", "new", [1], True)
    with store.session() as s:
        s.execute(update(Answer).where(Answer.question == "old").values(created_at=dt.datetime(2000, 1, 1)))
    assert store.purge(30) == 1
    assert [a.question for a in store.answers(learner)] == ["new"]


def test_thirty_trainees_answering_at_once_lose_and_double_nothing(store):
    group = store.create_group()
    learners = [store.join(group)[0] for _ in range(30)]
    errors = []

    def trainee(learner):
        own = Store(store.url, pooled=False)  # a kernel of its own
        try:
            for q in range(10):
                own.record_answer(learner, "p", "quiz:b", f"q{q}", [0], q % 3 == 0)
        except Exception as error:  # noqa: BLE001 - collected and shown below
            errors.append(repr(error))
        finally:
            own.dispose()

    threads = [threading.Thread(target=trainee, args=(learner,)) for learner in learners]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with store.engine.connect() as conn:
        count, distinct = conn.exec_driver_sql(
            "SELECT count(*), count(DISTINCT learner_id || question) FROM course_answer"
        ).one()
    assert (count, distinct) == (300, 300)


def test_an_upgrade_keeps_every_record(db_url):
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from stalking_course.progress.store import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD
    old = Store(db_url)
    with old.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")  # a database made by the first release
    with old.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO course_learner (id, created_at) VALUES ('s1', '2026-01-01 10:00:00')")
        conn.exec_driver_sql(
            "INSERT INTO course_answer (learner_id, page, element, question, chosen, correct, attempt,"
            " first_try, created_at) VALUES ('s1', 'p', 'quiz:b', 'q', '[1]', true, 1, true,"
            " '2026-01-01 10:00:00')"
        )
    assert old.current_revision() == "0001"
    old.migrate()
    assert old.current_revision() == HEAD
    assert [(a.question, a.chosen) for a in old.answers("s1")] == [("q", [1])]
    old.dispose()


def test_key_file_is_made_once_and_private(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "d"))
    first = identity.hub_learner_id("alice")
    assert first == identity.hub_learner_id("alice") != identity.hub_learner_id("bob")
    assert "alice" not in first
    assert (tmp_path / "d" / "secret.key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    "cell, safe",
    [("=1+1", "'=1+1"), ("+31", "'+31"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("plain", "plain"), (7, "7")],
)
def test_csv_cells_never_start_a_formula(cell, safe):
    assert neutralise(cell) == safe
    assert csv_text([[cell]]).strip() == (f'"{safe}"' if "," in safe else safe)


def test_an_administrator_can_migrate_and_purge_by_hand(db_url, capsys):
    from stalking_course.progress.__main__ import main

    assert main(["status"]) == 0 and "none yet" in capsys.readouterr().out
    assert main(["migrate"]) == 0 and f"schema revision: {HEAD}" in capsys.readouterr().out
    assert main(["purge", "30"]) == 0 and "deleted 0 records" in capsys.readouterr().out
    assert main(["purge", "soon"]) == 2


def test_a_long_read_never_holds_up_a_trainee_who_answers(store):
    import time

    from sqlalchemy import text

    learner, _ = store.join(store.create_group())
    other = Store(store.url, pooled=False)
    with store.reading() as s:  # e.g. the trainer's report, still reading
        s.execute(text("SELECT count(*) FROM course_answer")).scalar()
        started = time.monotonic()
        other.record_answer(learner, "p", "quiz:b", "q", [1], True)
        assert time.monotonic() - started < 2
    other.dispose()
    assert len(store.answers(learner)) == 1


def test_a_try_the_database_already_has_is_numbered_after_it(store):
    learner, _ = store.join(store.create_group())
    assert store.record_answer(learner, "p", "quiz:b", "q", [0], False, attempt=1) == 1
    # a second tab of the same page, whose kernel also thinks this is the first try
    assert store.record_answer(learner, "p", "quiz:b", "q", [1], True, attempt=1) == 2
    assert [(a.attempt, a.first_try) for a in store.answers(learner)] == [(1, True), (2, False)]
    hub = identity.hub_learner_id("someone")  # no learner row yet: the careful path adds it
    assert store.record_answer(hub, "p", "quiz:b", "q", [1], True, attempt=1) == 1
