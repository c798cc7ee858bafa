"""The progress database: SQLAlchemy 2, SQLite by default, PostgreSQL with COURSE_DB_URL.

The schema is made and upgraded by Alembic (migrations/): `Store.open()` brings a database to the newest
revision on first use, under a lock, so an upgrade keeps every record. SQLite runs in WAL mode with a busy
timeout, and every transaction starts with BEGIN IMMEDIATE (a writer waits for its turn instead of failing
with "database is locked").
"""
from __future__ import annotations

import csv
import datetime as dt
import fcntl
import io
import json
import logging
import os
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import (JSON, Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint, create_engine, delete,
                        event, func, insert, select, text)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import NullPool

from . import identity

log = logging.getLogger("stalking_course.progress")
HEAD = "0002"  # newest migration; tests check it is Alembic's head
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SMALL = 5  # trainer's view: fewer trainees than this in a cell is shown as "< 5"


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)  # stored as UTC, naive (same on both databases)


class Base(DeclarativeBase):
    pass


class Group(Base):
    __tablename__ = "course_group"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    label: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class Learner(Base):
    __tablename__ = "course_learner"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("course_group.id", ondelete="CASCADE"), nullable=True, index=True)
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class Answer(Base):
    __tablename__ = "course_answer"
    __table_args__ = (UniqueConstraint("learner_id", "element", "question", "attempt", name="uq_answer_attempt"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("course_learner.id", ondelete="CASCADE"), index=True)
    page: Mapped[str] = mapped_column(String(80), default="")
    element: Mapped[str] = mapped_column(String(120))
    question: Mapped[str] = mapped_column(String(120))
    chosen: Mapped[object] = mapped_column(JSON)
    correct: Mapped[bool] = mapped_column(Boolean)
    attempt: Mapped[int] = mapped_column(Integer)
    first_try: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)


class Completion(Base):
    __tablename__ = "course_completion"
    learner_id: Mapped[str] = mapped_column(ForeignKey("course_learner.id", ondelete="CASCADE"), primary_key=True)
    page: Mapped[str] = mapped_column(String(80), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)


class Assessment(Base):
    __tablename__ = "course_assessment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("course_learner.id", ondelete="CASCADE"), index=True)
    right: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    percent: Mapped[int] = mapped_column(Integer)
    pass_mark: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    topics: Mapped[object] = mapped_column(JSON)  # {lesson id: [right, total]}
    course_version: Mapped[str] = mapped_column(String(40))
    verify_code: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)


def db_url() -> str:
    return os.environ.get("COURSE_DB_URL") or f"sqlite:///{identity.data_dir() / 'progress.sqlite3'}"


def course_version() -> str:
    try:
        from importlib.metadata import version

        return version("stalking-course")
    except Exception:  # noqa: BLE001 - not installed as a package: the source tree's version
        return "0.1.0"


def _plain(value):
    """Choices as JSON: sets become sorted lists, tuples lists."""
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


class Store:
    def __init__(self, url: str | None = None, pooled: bool = True):
        self.url = url or db_url()
        self.sqlite = self.url.startswith("sqlite")
        kwargs = {}
        if self.sqlite:
            database = self.engine_path()
            if database:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        if not pooled and not self.sqlite:
            kwargs["poolclass"] = NullPool  # a page kernel connects to PostgreSQL only while it writes
        elif not self.sqlite:
            kwargs.update(pool_size=5, max_overflow=10, pool_pre_ping=True)
        elif not pooled:
            kwargs.update(pool_size=1, max_overflow=4)  # an open SQLite file costs nothing while idle
        self.engine = create_engine(self.url, **kwargs)
        # Reads go through the same pool with an option that the SQLite "begin" below sees: a read starts
        # an ordinary (deferred) transaction, which never waits for writers in WAL mode; a write starts with
        # BEGIN IMMEDIATE, so writers queue on the busy timeout instead of failing halfway.
        self.read_engine = self.engine.execution_options(course_read=True)
        if self.sqlite:
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.readers = sessionmaker(self.read_engine, expire_on_commit=False)

    def engine_path(self) -> str | None:
        from sqlalchemy.engine import make_url

        return make_url(self.url).database if self.sqlite else None

    # ---------------------------------------------------------------- schema

    def current_revision(self) -> str | None:
        with self.read_engine.connect() as conn:
            try:
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            except Exception:  # noqa: BLE001 - no table yet
                conn.rollback()
                return None

    def migrate(self) -> None:
        """Bring the schema to the newest revision (Alembic), once, under a lock shared by all processes."""
        if self.current_revision() == HEAD:
            return
        with self._migration_lock():
            if self.current_revision() == HEAD:
                return
            from alembic import command
            from alembic.config import Config

            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
            with self.engine.begin() as conn:
                config.attributes["connection"] = conn
                command.upgrade(config, "head")

    @contextmanager
    def _migration_lock(self):
        lock = open(identity.data_dir() / "migrate.lock", "w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if self.sqlite:
                yield
            else:  # other machines (hub nodes) share the database, not the folder
                with self.engine.connect() as conn:
                    conn.execute(text("SELECT pg_advisory_lock(74215)"))
                    try:
                        yield
                    finally:
                        conn.execute(text("SELECT pg_advisory_unlock(74215)"))
                        conn.commit()
        finally:
            lock.close()

    @contextmanager
    def session(self):
        with self.sessions() as s, s.begin():
            yield s

    @contextmanager
    def reading(self):
        with self.readers() as s, s.begin():
            yield s

    def dispose(self):
        self.engine.dispose()

    # ---------------------------------------------------------------- groups and learners

    def create_group(self, label: str = "") -> str:
        for _ in range(20):
            code = identity.new_code(6, 6)
            try:
                with self.session() as s:
                    s.add(Group(code=code, label=label[:80]))
                return code
            except IntegrityError:
                continue
        raise RuntimeError("could not make a unique group code")

    def group(self, code: str) -> Group | None:
        code = identity.normalise_code(code)
        if not code or len(code) > 16:
            return None
        with self.reading() as s:
            return s.scalar(select(Group).where(Group.code == code))

    def groups(self) -> list:
        with self.reading() as s:
            return list(s.scalars(select(Group).order_by(Group.created_at, Group.id)))

    def join(self, group_code: str, pseudonym: str | None = None):
        """A new learner in a group. Returns (learner id, personal code or None); raises KeyError for an
        unknown group and ValueError if the pseudonym is taken in the group."""
        group = self.group(group_code)
        if group is None:
            raise KeyError(group_code)
        learner_id = identity.new_learner_id()
        if pseudonym:
            code, code_hash = None, identity.keyed_hash("pseudonym", f"{group.id}:{identity.normalise_pseudonym(pseudonym)}")
        else:
            code = identity.new_code()
            code_hash = identity.keyed_hash("code", identity.normalise_code(code))
        try:
            with self.session() as s:
                s.add(Learner(id=learner_id, group_id=group.id, code_hash=code_hash))
        except IntegrityError:
            raise ValueError("taken") from None
        return learner_id, code

    def come_back(self, group_code: str, code_or_pseudonym: str) -> str | None:
        """The learner with this personal code (or pseudonym) in this group, or None."""
        group = self.group(group_code)
        if group is None:
            return None
        hashes = [identity.keyed_hash("pseudonym", f"{group.id}:{identity.normalise_pseudonym(code_or_pseudonym)}")]
        code = identity.normalise_code(code_or_pseudonym)
        if len(code) == 8:
            hashes.append(identity.keyed_hash("code", code))
        with self.reading() as s:
            learner = s.scalar(select(Learner).where(Learner.code_hash.in_(hashes), Learner.group_id == group.id))
            return learner.id if learner else None

    def ensure_learner(self, learner_id: str) -> None:
        """Hub users have no join step: their (hashed) id is added on first record."""
        with self.session() as s:
            if s.get(Learner, learner_id) is None:
                s.add(Learner(id=learner_id))

    def learner_exists(self, learner_id: str) -> bool:
        with self.reading() as s:
            return s.get(Learner, learner_id) is not None

    def learner_group(self, learner_id: str) -> str | None:
        with self.reading() as s:
            return s.scalar(select(Group.code).join(Learner, Learner.group_id == Group.id).where(Learner.id == learner_id))

    # ---------------------------------------------------------------- recording

    def record_answer(self, learner_id: str, page: str, element: str, question: str, chosen, correct: bool,
                      attempt: int | None = None) -> int:
        """Store one checked answer; returns its attempt number (1 = first try). `attempt` is the kernel's own
        count: tried first as one plain INSERT; if the database already has that try (another tab, a retake),
        the number is taken from the database instead."""
        chosen = _plain(chosen)
        if attempt:
            try:
                with self.engine.begin() as conn:
                    conn.execute(insert(Answer.__table__).values(
                        learner_id=learner_id, page=page, element=element, question=question, chosen=chosen,
                        correct=bool(correct), attempt=attempt, first_try=attempt == 1, created_at=now()))
                return attempt
            except IntegrityError:
                pass  # that try is taken, or a hub user's first answer (no learner row yet): the careful way
        for _ in range(3):
            try:
                with self.session() as s:
                    if learner_id.startswith("h") and s.get(Learner, learner_id) is None:
                        s.add(Learner(id=learner_id))
                        s.flush()
                    attempt = 1 + (s.scalar(select(func.max(Answer.attempt)).where(
                        Answer.learner_id == learner_id, Answer.element == element, Answer.question == question)) or 0)
                    s.add(Answer(learner_id=learner_id, page=page, element=element, question=question, chosen=chosen,
                                 correct=bool(correct), attempt=attempt, first_try=attempt == 1))
                return attempt
            except IntegrityError:
                continue  # the same trainee answered the same question in another tab at the same moment
        raise RuntimeError("could not record the answer")

    def answers(self, learner_id: str, element: str | None = None) -> list:
        with self.reading() as s:
            query = select(Answer).where(Answer.learner_id == learner_id)
            if element is not None:
                query = query.where(Answer.element == element)
            return list(s.scalars(query.order_by(Answer.id)))

    def record_completion(self, learner_id: str, page: str) -> None:
        with self.session() as s:
            if s.get(Completion, (learner_id, page)) is None:
                s.add(Completion(learner_id=learner_id, page=page))

    def record_assessment(self, learner_id: str, right: int, total: int, pass_mark: int, passed: bool, topics: dict) -> str:
        percent = (100 * right) // total if total else 0
        for _ in range(5):
            code = identity.new_code(10, 5)
            try:
                with self.session() as s:
                    s.add(Assessment(learner_id=learner_id, right=right, total=total, percent=percent, pass_mark=pass_mark,
                                     passed=bool(passed), topics=topics, course_version=course_version(), verify_code=code))
                return code
            except IntegrityError:
                continue
        raise RuntimeError("could not make a unique verification code")

    # ---------------------------------------------------------------- reading back

    def progress(self, learner_id: str) -> dict:
        """page id -> "done" | "in_progress" (pages not in it: not started)."""
        with self.reading() as s:
            done = set(s.scalars(select(Completion.page).where(Completion.learner_id == learner_id)))
            started = set(s.scalars(select(Answer.page).where(Answer.learner_id == learner_id).distinct()))
        return {**{p: "in_progress" for p in started - done}, **{p: "done" for p in done}}

    def best_assessment(self, learner_id: str) -> Assessment | None:
        with self.reading() as s:
            return s.scalar(select(Assessment).where(Assessment.learner_id == learner_id, Assessment.passed.is_(True))
                            .order_by(Assessment.percent.desc(), Assessment.created_at.desc()).limit(1))

    def last_assessment_time(self, learner_id: str):
        with self.reading() as s:
            return s.scalar(select(func.max(Assessment.created_at)).where(Assessment.learner_id == learner_id))

    def verify(self, code: str) -> Assessment | None:
        code = identity.normalise_code(code)
        if not code or len(code) > 16:
            return None
        code = "-".join(code[i:i + 5] for i in range(0, len(code), 5))
        with self.reading() as s:
            return s.scalar(select(Assessment).where(Assessment.verify_code == code, Assessment.passed.is_(True)))

    def export(self, learner_id: str) -> dict:
        """Everything stored about one learner (the "my data" download)."""
        with self.reading() as s:
            learner = s.get(Learner, learner_id)
            if learner is None:
                return {}
            group = s.get(Group, learner.group_id) if learner.group_id else None

            def iso(t):
                return t.isoformat(timespec="seconds") + "Z"

            return {
                "learner_id": learner.id,
                "group_code": group.code if group else None,
                "joined": iso(learner.created_at),
                "answers": [{"page": a.page, "element": a.element, "question": a.question, "chosen": a.chosen,
                             "correct": a.correct, "attempt": a.attempt, "first_try": a.first_try, "time": iso(a.created_at)}
                            for a in s.scalars(select(Answer).where(Answer.learner_id == learner_id).order_by(Answer.id))],
                "completed": [{"page": c.page, "time": iso(c.created_at)}
                              for c in s.scalars(select(Completion).where(Completion.learner_id == learner_id))],
                "assessments": [{"right": a.right, "total": a.total, "percent": a.percent, "passed": a.passed,
                                 "topics": a.topics, "course_version": a.course_version, "verify_code": a.verify_code,
                                 "time": iso(a.created_at)}
                                for a in s.scalars(select(Assessment).where(Assessment.learner_id == learner_id))],
            }

    # ---------------------------------------------------------------- deleting

    def delete_learner(self, learner_id: str) -> bool:
        with self.session() as s:
            for model in (Answer, Completion, Assessment):
                s.execute(delete(model).where(model.learner_id == learner_id))
            return s.execute(delete(Learner).where(Learner.id == learner_id)).rowcount > 0

    def delete_group(self, code: str) -> bool:
        group = self.group(code)
        if group is None:
            return False
        with self.session() as s:
            ids = select(Learner.id).where(Learner.group_id == group.id)
            for model in (Answer, Completion, Assessment):
                s.execute(delete(model).where(model.learner_id.in_(ids)))
            s.execute(delete(Learner).where(Learner.group_id == group.id))
            s.execute(delete(Group).where(Group.id == group.id))
        return True

    def purge(self, days: int) -> int:
        """Delete records older than `days` days (the retention setting); returns how many went."""
        if days <= 0:
            return 0
        cutoff = now() - dt.timedelta(days=days)
        gone = 0
        with self.session() as s:
            for model in (Answer, Completion, Assessment):
                gone += s.execute(delete(model).where(model.created_at < cutoff)).rowcount
            active = select(Answer.learner_id).union(select(Completion.learner_id), select(Assessment.learner_id))
            gone += s.execute(delete(Learner).where(Learner.created_at < cutoff, Learner.id.not_in(active))).rowcount
            used = select(Learner.group_id).where(Learner.group_id.is_not(None))
            gone += s.execute(delete(Group).where(Group.created_at < cutoff, Group.id.not_in(used))).rowcount
        return gone

    # ---------------------------------------------------------------- the trainer's numbers

    def group_report(self, code: str) -> dict | None:
        """Numbers for one group: no learner ids, no individual rows; counts under SMALL become None."""
        group = self.group(code)
        if group is None:
            return None
        with self.reading() as s:
            ids = select(Learner.id).where(Learner.group_id == group.id)
            joined = s.scalar(select(func.count()).select_from(Learner).where(Learner.group_id == group.id))
            completion = dict(s.execute(select(Completion.page, func.count()).where(Completion.learner_id.in_(ids))
                                        .group_by(Completion.page)).all())
            started = dict(s.execute(select(Answer.page, func.count(func.distinct(Answer.learner_id)))
                                     .where(Answer.learner_id.in_(ids)).group_by(Answer.page)).all())
            firsts = s.execute(select(Answer.element, Answer.question, Answer.chosen, Answer.correct)
                               .where(Answer.learner_id.in_(ids), Answer.first_try.is_(True))).all()
            wrongs = s.execute(select(Answer.element, Answer.question, Answer.chosen)
                               .where(Answer.learner_id.in_(ids), Answer.correct.is_(False))).all()
            assessments = list(s.scalars(select(Assessment).where(Assessment.learner_id.in_(ids))
                                         .order_by(Assessment.created_at)))
        questions = {}
        for element, question, _chosen, correct in firsts:
            entry = questions.setdefault((element, question), {"answered": 0, "right": 0, "wrong": {}})
            entry["answered"] += 1
            entry["right"] += bool(correct)
        for element, question, chosen in wrongs:
            entry = questions.setdefault((element, question), {"answered": 0, "right": 0, "wrong": {}})
            key = json.dumps(chosen, sort_keys=True)
            entry["wrong"][key] = entry["wrong"].get(key, 0) + 1
        latest = {}
        for a in assessments:  # each trainee's latest result counts once
            latest[a.learner_id] = a
        topics = {}
        for a in latest.values():
            for topic, (right, total) in (a.topics or {}).items():
                t = topics.setdefault(topic, {"trainees": 0, "right": 0, "total": 0})
                t["trainees"] += 1
                t["right"] += right
                t["total"] += total
        return {"code": group.code, "label": group.label, "joined": joined, "completion": completion,
                "started": started, "questions": questions, "topics": topics,
                "passed": sum(a.passed for a in latest.values()), "assessed": len(latest)}

    def answer_distribution(self, element: str, question: str, group_code: str | None = None) -> dict:
        """First answers to one question: json(chosen) -> number of trainees (for the live results slide)."""
        with self.reading() as s:
            query = select(Answer.chosen).where(Answer.element == element, Answer.question == question,
                                                Answer.first_try.is_(True))
            if group_code:
                group = s.scalar(select(Group).where(Group.code == identity.normalise_code(group_code)))
                if group is None:
                    return {}
                query = query.where(Answer.learner_id.in_(select(Learner.id).where(Learner.group_id == group.id)))
            counts = {}
            for chosen in s.scalars(query):
                key = json.dumps(chosen, sort_keys=True)
                counts[key] = counts.get(key, 0) + 1
            return counts


def _sqlite_begin(conn) -> None:
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("course_read") else "BEGIN IMMEDIATE")


def _sqlite_connect(dbapi_connection, _record):
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN IMMEDIATE itself
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a committed answer survives a killed process
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


_stores = {}


def get_store(pooled: bool = True) -> Store:
    """The store for COURSE_DB_URL (or the default SQLite file), migrated on first use; one per process."""
    url = db_url()
    key = (url, pooled, os.getpid())
    store = _stores.get(key)
    if store is None:
        store = Store(url, pooled=pooled)
        store.migrate()
        _stores[key] = store
    return store


def neutralise(cell) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text_value = "" if cell is None else str(cell)
    if text_value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text_value
    return text_value


def csv_text(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([neutralise(c) for c in row])
    return out.getvalue()


__all__ = ["Store", "get_store", "db_url", "csv_text", "neutralise", "SMALL", "HEAD"]
