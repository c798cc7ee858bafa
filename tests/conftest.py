"""Shared fixtures: the course app on a free port, and a headless Chromium."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/helpers.py
pytest_plugins = ["progress_fixtures"]

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


# Voila has drawn a page when none of its widget data is left to turn into widgets and every widget's
# placeholder (course template) has made way for the widget.
DRAWN = ("document.querySelectorAll(\"script[type='application/vnd.voila.cell-output+json']\").length === 0"
         " && document.querySelectorAll('.course-pending').length === 0")


def wait_until_drawn(page, timeout: float = 90_000) -> None:
    page.wait_for_function(DRAWN, timeout=timeout)
    page.wait_for_timeout(100)  # the course script tidies up after a burst of changes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except urllib.error.HTTPError:
            return  # the server answers
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def start_app(*args, env=None, log_name="voila"):
    """Start the course app on a free port; return (process, base URL)."""
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"{log_name}-{port}.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "stalking_course.app", f"--port={port}", "--Voila.ip=127.0.0.1", *args],
                            cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    return proc, f"http://127.0.0.1:{port}/"


def stop(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def course_server():
    """The course app, started once per test session; yields its base URL."""
    proc, url = start_app(log_name="course-server")
    try:
        wait_for(url)
        yield url
    finally:
        stop(proc)


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A copy of data/ that the course reads instead (STALKING_COURSE_DATA), for breaking things in tests."""
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(REPO / "data", copy)
    monkeypatch.setenv("STALKING_COURSE_DATA", str(copy))
    return copy


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()
