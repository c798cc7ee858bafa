"""Shared fixtures: the course app on a free port, and a headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/helpers.py
pytest_plugins = ["progress_fixtures"]

from helpers import page_ids, page_params  # noqa: E402 - tests/ is on the path from the line above

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
NO_BROWSER = (
    "No Chromium for the browser tests: install one (Debian: apt-get install chromium; elsewhere: "
    "python -m playwright install chromium) or set CHROMIUM=/path/to/chromium, then run make test again."
)


def find_chromium():
    """The browser for the tests: CHROMIUM if set, else a system Chromium on PATH, else None (Playwright's own,
    if it has one; see pytest_collection_modifyitems)."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if shutil.which(name):
            return shutil.which(name)
    return None


CHROMIUM = find_chromium()
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Voila has drawn a page when none of its widget data is left to turn into widgets and every widget's
# placeholder (course template) has made way for the widget.
DRAWN = (
    "document.querySelectorAll(\"script[type='application/vnd.voila.cell-output+json']\").length === 0"
    " && document.querySelectorAll('.course-pending').length === 0"
)


def wait_until_drawn(page, timeout: float = 90_000) -> None:
    page.wait_for_function(DRAWN, timeout=timeout)
    page.wait_for_timeout(100)  # the course script tidies up after a burst of changes


def _playwright_has_chromium() -> bool:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        return Path(p.chromium.executable_path).exists()


def pytest_collection_modifyitems(config, items):
    """Before any browser test runs, make sure there is a browser: a missing one stops the run at once with
    one line saying how to get one, instead of dozens of errors."""
    needs_browser = any(
        {"browser", "page", "playwright_api"} & set(getattr(item, "fixturenames", ()))
        or "CHROMIUM" in vars(getattr(item, "module", None) or object)
        for item in items
    )
    if not needs_browser:
        return
    if CHROMIUM:
        if not Path(CHROMIUM).exists():
            pytest.exit(f"CHROMIUM={CHROMIUM} does not exist. {NO_BROWSER}", returncode=3)
        return
    if _playwright_has_chromium():
        return
    if os.environ.get("COURSE_NO_BROWSER_INSTALL") != "1":  # on an ordinary machine Playwright can fetch one
        subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=False, timeout=900)
        if _playwright_has_chromium():
            return
    pytest.exit(NO_BROWSER, returncode=3)


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
    proc = subprocess.Popen(
        [sys.executable, "-m", "stalking_course.app", f"--port={port}", "--Voila.ip=127.0.0.1", *args],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )
    return proc, f"http://127.0.0.1:{port}/"


def stop(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def course_server():
    """The course app, started once per test session; yields its base URL. Pages fetched without a browser
    (over HTTP only) start a kernel that nothing ever connects to: the culler stops those after two
    minutes here, instead of the app's hour, so a long run never fills the app up to its kernel cap."""
    proc, url = start_app(
        "--MappingKernelManager.cull_idle_timeout=120",
        "--MappingKernelManager.cull_interval=15",
        log_name="course-server",
    )
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
def playwright_api():
    """Playwright, once per session (a second sync Playwright cannot start inside the first one's loop)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_api):
    b = playwright_api.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
    yield b
    b.close()


# The devices of the browser tests: a laptop, and a phone held by a person (touch).
LAPTOP = {"viewport": {"width": 1366, "height": 768}}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}
WIDGET_OUTPUT = "application/vnd.jupyter.widget-view+json"
# Every widget in the page's HTML is on screen: counted as the top-level widget areas.
WIDGETS_SHOWN = """n => !document.getElementById('loading') && document.querySelector('.course-header') &&
    [...document.querySelectorAll('.jupyter-widgets')].filter(e => !e.parentElement.closest('.jupyter-widgets'))
    .length >= n"""


LOOPBACK = ("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")
# Host names other than the machine's own resolve to nothing: no request of a page leaves the machine.
ONLY_LOOPBACK_FLAG = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"


def only_loopback(route) -> None:
    """The course loads nothing from elsewhere; nothing a browser test opens leaves the machine."""
    if route.request.url.startswith(LOOPBACK):
        route.continue_()
    else:
        route.abort()


def open_course_page(context, url: str):
    """Open a course page in a new tab and wait until Voila has rendered it and every widget is drawn."""
    tab = context.new_page()
    response = tab.goto(url, wait_until="domcontentloaded", timeout=120_000)
    assert response.status == 200, url
    tab.wait_for_function(WIDGETS_SHOWN, arg=response.text().count(WIDGET_OUTPUT), timeout=120_000)
    wait_until_drawn(tab, timeout=120_000)
    tab.wait_for_timeout(100)  # course.js tidies up (live regions, radio groups) just after rendering
    return tab


@dataclass
class OpenPage:
    tab: object  # the Playwright page
    course_page: object  # stalking_course.content.course's page
    lang: str
    elsewhere: list  # what the page asked of other machines while it loaded (nothing, for the course)


def device_context(playwright_api, folder, device: dict):
    """A browser with a profile on disk, as a trainee's own browser has, at the device's size. Unlike a
    fresh context of `browser`, it keeps the course's compiled scripts from one page to the next (V8's
    code cache): about a third less CPU per page. Requests to other machines go nowhere, and are noted
    in `context.elsewhere`."""
    context = playwright_api.chromium.launch_persistent_context(
        str(folder), executable_path=CHROMIUM, args=[*CHROMIUM_FLAGS, ONLY_LOOPBACK_FLAG], **device
    )
    context.elsewhere = []
    context.on("request", lambda r: None if r.url.startswith(LOOPBACK) else context.elsewhere.append(r.url))
    return context


@pytest.fixture(scope="session")
def laptop_context(playwright_api, tmp_path_factory):
    context = device_context(playwright_api, tmp_path_factory.mktemp("laptop-profile"), LAPTOP)
    yield context
    context.close()


@pytest.fixture(scope="session")
def phone_context(playwright_api, tmp_path_factory):
    context = device_context(playwright_api, tmp_path_factory.mktemp("phone-profile"), PHONE)
    yield context
    context.close()


@pytest.fixture(scope="session", params=page_params(), ids=page_ids())
def laptop_page(request, laptop_context, course_server):
    """Every course page in both languages, opened at laptop size, once for all the tests that read it:
    pytest runs the tests of one (page, language) one after the other (a session-scoped parameter), in file
    order, so the accessibility checks see the page as it loaded and the scrolling test comes after them."""
    course_page, lang = request.param
    before = len(laptop_context.elsewhere)
    tab = open_course_page(laptop_context, f"{course_server}voila/render/{course_page.path(lang)}")
    yield OpenPage(tab, course_page, lang, laptop_context.elsewhere[before:])
    leave(tab)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    pg = context.new_page()
    yield pg
    leave(context)


def leave(page_or_context) -> None:
    """Close a page (or every page of a context) the way a trainee leaves it: the page's unload beacon
    stops its kernel. A plain close() skips that, and the shared course server then fills up with
    kernels until it answers 'busy'."""
    pages = getattr(page_or_context, "pages", None)
    for pg in pages if pages is not None else [page_or_context]:
        try:
            pg.goto("about:blank", timeout=10_000)
        except Exception:  # noqa: BLE001 - a page that is already gone has no kernel to stop
            pass
    page_or_context.close()
