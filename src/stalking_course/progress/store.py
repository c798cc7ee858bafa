"""The progress database: SQLAlchemy 2, SQLite by default, PostgreSQL with COURSE_DB_URL.

The schema is made and upgraded by Alembic (migrations/): `get_store()` brings a database to the newest
revision on first use, under a lock, so an upgrade keeps every record. SQLite runs in WAL mode with a busy
timeout, and every writing transaction starts with BEGIN IMMEDIATE (a writer waits for its turn instead of
failing with "database is locked").

    schema.py    the tables (models), where the database is
    records.py   groups, learners and their records: recorded, read back, deleted
    reports.py   the trainer's numbers, CSV
"""

from __future__ import annotations

import fcntl
import logging
import os
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from . import identity
from .records import Records
from .reports import Reports, csv_text, neutralise
from .schema import (
    HEAD,
    MIGRATIONS,
    SMALL,
    Answer,
    Assessment,
    Base,
    Completion,
    Group,
    Learner,
    course_version,
    db_url,
    now,
)

log = logging.getLogger("stalking_course.progress")


class Store(Records, Reports):
    """One database: its engine and sessions, its schema migrations; the records and the trainer's numbers
    come from the mixins."""

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


__all__ = [
    "HEAD",
    "MIGRATIONS",
    "SMALL",
    "Answer",
    "Assessment",
    "Base",
    "Completion",
    "Group",
    "Learner",
    "Store",
    "course_version",
    "csv_text",
    "db_url",
    "get_store",
    "neutralise",
    "now",
]
