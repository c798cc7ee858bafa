"""The progress database's tables (SQLAlchemy 2 models) and where the database is.

The schema itself is made and upgraded by Alembic (migrations/, newest revision HEAD); these models must
match it (tests check both).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from . import identity

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
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_group.id", ondelete="CASCADE"), nullable=True, index=True
    )
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
