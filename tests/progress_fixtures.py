"""Fixtures for the progress store: a throw-away PostgreSQL cluster (Debian's postgresql, a real server on a
free port in a temporary folder), and a fresh database per test on SQLite and on PostgreSQL."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import free_port


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _as_postgres(cmd: list) -> list:
    """initdb refuses to run as root: run the server as the `postgres` system user then."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server for this test session; yields (host, port, superuser)."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.fail("PostgreSQL is not installed (no initdb/pg_ctl): apt-get install postgresql", pytrace=False)
    folder = Path(tempfile.mkdtemp(prefix="course-pg-"))
    data, sockets = folder / "data", folder / "sock"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
    port = free_port()
    log = folder / "server.log"
    try:
        subprocess.run(
            _as_postgres([initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]),
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        subprocess.run(
            _as_postgres([pg_ctl, "-D", str(data), "-l", str(log), "-o", options, "-w", "start"]),
            check=True,
            capture_output=True,
        )
    except subprocess.CalledProcessError as error:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start: {(error.stderr or b'').decode()[-500:]}", pytrace=False)
    try:
        yield "127.0.0.1", port, "postgres"
    finally:
        subprocess.run(_as_postgres([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


_numbers = itertools.count(1)


def new_postgres_database(server) -> str:
    import psycopg

    host, port, user = server
    name = f"course_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://{user}@{host}:{port}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path, monkeypatch):
    """A fresh, empty database URL, once on SQLite and once on PostgreSQL; COURSE_DB_URL and COURSE_DATA_DIR
    point at it (so the app and kernels started by the test use it too)."""
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "course-data"))
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'course-data' / 'progress.sqlite3'}"
    else:
        url = new_postgres_database(request.getfixturevalue("postgres_server"))
    monkeypatch.setenv("COURSE_DB_URL", url)
    return url


@pytest.fixture
def store(db_url):
    from stalking_course.progress.store import Store

    s = Store(db_url)
    s.migrate()
    yield s
    s.dispose()


def wait_until(check, timeout=30.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    return check()
