"""Robustness and security of the app: what a browser (or someone pretending to be one) can and cannot do,
hostile text in every free-text field, broken data at start-up, and the kernels' life cycle.

One app per module (small kernel cap, short culling) so the life-cycle tests run in seconds.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from html import escape
from http.cookiejar import CookieJar
from pathlib import Path

import psutil
import pytest
import yaml

from conftest import REPO, start_app, stop, wait_for
from helpers import all_notebook_paths, read_notebook, sources

MAX_KERNELS = 6
CULL_IDLE, CULL_INTERVAL = 3, 1
LESSON = "notebooks/nl/01_wat-is-stalking.ipynb"
CONFIG = re.compile(r'<script id="jupyter-config-data" type="application/json">\s*(\{.*?\})\s*</script>', re.S)


@pytest.fixture(scope="module")
def app():
    proc, url = start_app(
        f"--CourseVoila.max_kernels={MAX_KERNELS}",
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE}",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL}",
        log_name="robustness",
    )
    try:
        wait_for(url, timeout=120)
        yield proc, url
    finally:
        stop(proc)


# ---------------------------------------------------------------- a page, as the browser talks to it


class Page:
    """Opens a page over HTTP and its kernel websocket, the way Voila's front end does."""

    def __init__(self, base: str, path: str = LESSON):
        self.base = base
        self.jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        with opener.open(f"{base}voila/render/{path}", timeout=120) as response:
            self.html = response.read().decode()
        self.kernel_id = json.loads(CONFIG.search(self.html).group(1))["kernelId"]
        self.ws = None

    @property
    def cookies(self) -> dict:
        return {c.name: c.value for c in self.jar}

    def connect(self):
        import websocket

        host = urllib.parse.urlsplit(self.base).netloc
        self.ws = websocket.create_connection(
            f"ws://{host}/api/kernels/{self.kernel_id}/channels?session_id={uuid.uuid4().hex}",
            cookie="; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            origin=f"http://{host}",
            timeout=5,
        )
        return self

    def send(self, msg_type: str, content: dict, metadata=None) -> str:
        msg_id = uuid.uuid4().hex
        self.ws.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": msg_type,
                        "session": "",
                        "username": "",
                        "date": "",
                        "version": "5.3",
                    },
                    "parent_header": {},
                    "metadata": metadata or {},
                    "content": content,
                    "channel": "shell",
                    "buffers": [],
                }
            )
        )
        return msg_id

    def messages(self, seconds: float) -> list:
        """Everything the kernel sends within `seconds`."""
        import websocket

        out, deadline = [], time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.ws.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                raw = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                break
            msg = json.loads(raw)
            msg["msg_type"] = msg.get("msg_type") or msg["header"]["msg_type"]
            out.append(msg)
        return out

    def widget_states(self) -> dict:
        comm = uuid.uuid4().hex
        self.send(
            "comm_open", {"comm_id": comm, "target_name": "jupyter.widget.control", "data": {}}, {"version": "1.0.0"}
        )
        self.send("comm_msg", {"comm_id": comm, "data": {"method": "request_states"}})
        for msg in self.messages(20):
            if msg["msg_type"] == "comm_msg" and msg["content"].get("comm_id") == comm:
                return msg["content"]["data"]["states"]
        raise AssertionError("the kernel sent no widget state")

    def leave(self):
        """The page's unload beacon, then the socket closes."""
        data = urllib.parse.urlencode({"_xsrf": self.cookies.get("_xsrf", "")}).encode()
        request = urllib.request.Request(
            f"{self.base}voila/api/shutdown/{self.kernel_id}",
            data=data,
            method="POST",
            headers={"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())},
        )
        urllib.request.urlopen(request, timeout=30).close()
        if self.ws is not None:
            self.ws.close()


def kernels(proc) -> list:
    """The app's kernel processes (course kernels are forked from a helper process: not counted)."""
    out = []
    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        return out
    for p in children:
        try:
            if p.ppid() == proc.pid and "stalking_course.kernelfork" in " ".join(p.cmdline()):
                continue
            out.append(p)
        except psutil.Error:
            pass
    return out


def kernel_process(kernel_id: str):
    files = glob.glob(os.path.join(tempfile.gettempdir(), "voila_*", f"kernel-{kernel_id}.json"))
    port = json.loads(Path(files[0]).read_text())["shell_port"]
    for conn in psutil.net_connections(kind="tcp"):
        if conn.laddr and conn.laddr.port == port and conn.status == psutil.CONN_LISTEN and conn.pid:
            return psutil.Process(conn.pid)
    raise AssertionError(f"no process listens on kernel {kernel_id}'s shell port")


def wait_until(condition, timeout: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def fetch(url: str):
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


# ---------------------------------------------------------------- the browser cannot run code


def test_an_execute_request_over_the_kernel_websocket_is_not_executed(app):
    _, url = app
    marker = Path(tempfile.gettempdir()) / f"course-executed-{uuid.uuid4().hex}"
    page = Page(url).connect()
    try:
        page.send("kernel_info_request", {})
        assert any(m["msg_type"] == "kernel_info_reply" for m in page.messages(10)), "the websocket works"
        code = f"open({str(marker)!r}, 'w').write('ran'); print('EXECUTED')"
        for msg_type in ("execute_request", "inspect_request", "complete_request", "history_request"):
            page.send(
                msg_type,
                {
                    "code": code,
                    "silent": False,
                    "store_history": True,
                    "user_expressions": {},
                    "allow_stdin": False,
                    "stop_on_error": True,
                    "cursor_pos": 0,
                    "detail_level": 0,
                    "hist_access_type": "tail",
                    "n": 10,
                    "output": True,
                    "raw": True,
                },
            )
        replies = page.messages(3)
        assert not marker.exists(), "the code ran in the kernel"
        types = {m["msg_type"] for m in replies}
        assert not types & {
            "execute_reply",
            "execute_input",
            "execute_result",
            "inspect_reply",
            "complete_reply",
            "history_reply",
        }, types
        assert "EXECUTED" not in json.dumps(replies)
        # the page still works: the kernel answers the widget protocol
        assert page.widget_states()
    finally:
        page.leave()
        marker.unlink(missing_ok=True)


# ---------------------------------------------------------------- hostile text in every free-text field

HOSTILE = {
    "script": "<script>window.__course_pwned = 1</script>",
    "html": '<img src=x onerror="window.__course_pwned=1"><b>bold</b><a href="javascript:alert(1)">link</a>',
    "long": "<i>" + "stalking " * 12_500 + "</i>",  # 100 kB
    "emoji": "Hij stond weer voor de deur 😟👀🚪🇳🇱",
    "rtl": "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 \u202eevil\u202c end",
    "empty": "",
    "blank": " \n\t ",
}


# What must never reach a page unescaped (the escaped text, &lt;script&gt;..., is fine).
RAW_MARKUP = {
    "script": ["<script>window.__course_pwned"],
    "html": ["<img src=x", 'onerror="window', "<b>bold</b>", '<a href="javascript:'],
    "long": ["<i>stalking"],
}


def _walk(widget, seen=None):
    seen = set() if seen is None else seen
    if id(widget) in seen:
        return
    seen.add(id(widget))
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from _walk(child, seen)


def _run_page(path: str, monkeypatch) -> list:
    """Run a page's code cells here, with IPython's display captured; the displayed objects."""
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    namespace = {"__name__": "__main__"}
    for code in sources(read_notebook(path), "code"):
        code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))
        exec(compile(code, path, "exec"), namespace)
    return shown


def _html_of(shown) -> str:
    import ipywidgets as W

    parts = []
    for obj in shown:
        if isinstance(obj, W.Widget):
            parts += [w.value for w in _walk(obj) if isinstance(w, (W.HTML, W.HTMLMath, W.Label)) and w.value]
        elif hasattr(obj, "data"):
            parts.append(str(obj.data))
    return "\n".join(parts)


def _free_text_pages(monkeypatch) -> dict:
    """Every page with a free-text field (found by running the pages), and how many fields it has."""
    import ipywidgets as W

    found = {}
    for path in all_notebook_paths():
        shown = _run_page(path, monkeypatch)
        fields = [
            w
            for obj in shown
            if isinstance(obj, W.Widget)
            for w in _walk(obj)
            if isinstance(w, (W.Text, W.Textarea, W.Combobox, W.Password))
        ]
        if fields:
            found[path] = len(fields)
    return found


@pytest.fixture(scope="module")
def free_text_pages():
    with pytest.MonkeyPatch.context() as mp:
        return _free_text_pages(mp)


def test_the_course_has_free_text_fields_to_test(free_text_pages):
    # The incident diary (lesson 7) lets a trainee type an entry; if no page had a field, the test below
    # would pass without testing anything.
    assert free_text_pages, "no page has a free-text field"


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_text_in_every_free_text_field_is_escaped_or_refused(free_text_pages, kind, monkeypatch, caplog):
    import ipywidgets as W

    text = HOSTILE[kind]
    for path in free_text_pages:
        shown = _run_page(path, monkeypatch)
        widgets = [w for obj in shown if isinstance(obj, W.Widget) for w in _walk(obj)]
        before = _html_of(shown)
        for w in widgets:
            if isinstance(w, (W.Text, W.Textarea, W.Combobox, W.Password)):
                w.value = text
            elif isinstance(w, (W.Dropdown, W.Select, W.RadioButtons)) and w.value is None and w.options:
                w.index = 0  # fill in the rest of the form, so the text is really submitted
        snapshots = []  # the page after each press (a later button may be "start again")
        with caplog.at_level("WARNING"):
            for w in widgets:
                if isinstance(w, W.Button):
                    w.click()
                    snapshots.append(_html_of(shown))
        assert not [r for r in caplog.records if "Exception in callback" in r.getMessage()], (
            f"{path}: a button failed with {kind!r} text"
        )
        after = "\n".join(snapshots)
        assert after != before or kind in ("empty", "blank"), f"{path}: nothing happened"
        for fragment in RAW_MARKUP.get(kind, ()):
            assert fragment not in after, f"{path}: {fragment!r} reached the page as HTML"
        if kind in ("empty", "blank", "long"):
            assert "course-msg-wrong" in after, f"{path}: {kind} text should be refused with a message"
        elif kind in ("emoji", "rtl"):
            assert escape(text.strip()) in after, f"{path}: the entry should be shown as typed"
        assert len(after) < 2_000_000


def test_hostile_text_typed_in_a_real_page_is_not_run(course_server, page):
    """End to end: type a script into the diary in the browser, add it, and look at the page."""
    lesson = next((p for p in all_notebook_paths() if "show_diary_editor" in "".join(sources(read_notebook(p)))), None)
    if lesson is None:
        pytest.skip("no page has the diary form")
    page.goto(f"{course_server}voila/render/{lesson}")
    field = page.locator(".course-diary-form textarea").first
    field.wait_for(timeout=90_000)
    field.fill(HOSTILE["html"] + HOSTILE["script"])
    kind = page.locator(".course-diary-form select").first
    kind.select_option(index=1)
    page.locator(".course-diary-form button").first.click()
    page.locator(".course-diary-form .course-msg").first.wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    assert page.evaluate("window.__course_pwned") is None
    assert page.locator(".course-diary img[src=x]").count() == 0
    assert (
        page.locator("text=window.__course_pwned = 1").count() >= 1
        or page.locator(".course-diary-form .course-msg-wrong").count() >= 1
    )


# ---------------------------------------------------------------- unknown pages


@pytest.mark.parametrize(
    "path,lang",
    [
        ("voila/render/notebooks/en/99_nope.ipynb", "en"),
        ("voila/render/notebooks/nl/99_bestaat-niet.ipynb", "nl"),
        ("en/whatever", "en"),
        ("nope", "nl"),
    ],
)
def test_an_unknown_page_gets_a_friendly_404_in_its_language_with_a_way_back(app, path, lang):
    from stalking_course.app import start_url
    from stalking_course.content import ui

    _, url = app
    status, html = fetch(url + path)
    assert status == 404
    assert f'<html lang="{lang}"' in html
    t = ui(lang)
    assert escape(t["not_found_title"]) in html and escape(t["to_start"]) in html
    assert f'href="{escape(start_url("/", lang))}"' in html
    assert "Traceback" not in html


# ---------------------------------------------------------------- nothing but the course over HTTP

SECRET_PROBES = [
    "voila/files/",
    "voila/files/src/stalking_course/app.py",
    "voila/files/data/facts.yaml",
    "voila/files/notebooks/nl/01_wat-is-stalking.ipynb",
    "voila/files/pyproject.toml",
    "voila/files/.git/config",
    "voila/tree/",
    "voila/tree/src",
    "voila/tree/notebooks",
    "tree",
    "files/src/stalking_course/app.py",
    "voila/api/contents",
    "voila/api/contents/src",
    "api/contents",
    "api/contents/data",
    "api/kernels",
    "api/sessions",
    "api/kernelspecs",
    "api/terminals",
    "voila/render/src/stalking_course/app.py",
    "voila/render/data/facts.yaml",
    "voila/render/pyproject.toml",
    "voila/render/notebooks/nl/../../src/stalking_course/app.py",
    "voila/render/%2e%2e/src/stalking_course/app.py",
    "voila/render/notebooks/nl/01_wat-is-stalking.ipynb?template=../../../../src",
    "voila/render/notebooks/nl/01_wat-is-stalking.ipynb?template=lab",
    "voila/static/../app.py",
    "voila/static/../../../../src/stalking_course/app.py",
    "voila/static/%2e%2e/%2e%2e/app.py",
    "voila/static/..%2F..%2Fapp.py",
    "voila/templates/course/index.html.j2",
    "voila/templates/course/static/../index.html.j2",
    "voila/templates/../../../../src/stalking_course/app.py",
    "voila/labextensions/../../../src/stalking_course/app.py",
    "notebooks/nl/01_wat-is-stalking.ipynb",
    "data/facts.yaml",
    "src/stalking_course/app.py",
    "voila/files/%2e%2e/src/stalking_course/app.py",
]
LEAKS = [
    ("Python source", re.compile(r"^\s*(from \S+ import|import \S+|def \w+\(|class \w+[(:])", re.M)),
    ("a traceback", re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\.py\", line \d+")),
    ("a notebook", re.compile(r'"cells"\s*:\s*\[|"nbformat"\s*:')),
    ("course data", re.compile(r"^(facts|questions|lessons):\s*$", re.M)),
    ("a file listing", re.compile(r'"type"\s*:\s*"(directory|notebook|file)"|Index of /|<title>Files</title>')),
    ("kernel ids", re.compile(r'"id"\s*:\s*"[0-9a-f-]{36}"')),
]


@pytest.mark.parametrize("path", SECRET_PROBES)
def test_no_source_code_tracebacks_or_listings_over_http(app, path):
    _, url = app
    request = urllib.request.Request(url + path)
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            status, body = r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read().decode("utf-8", "replace")
    assert status != 500, f"{path}: a server error"
    if status == 200 and "voila/render/notebooks/" in r.geturl():
        return  # a real course page (e.g. after a redirect): its content is checked by test_app.py
    for what, pattern in LEAKS:
        assert not pattern.search(body), f"{path} ({status}) shows {what}"


# ---------------------------------------------------------------- broken data: a clear message at start-up


def _broken_copy(tmp_path, change) -> Path:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    change(data)
    return data


def _bad_yaml(data):
    with open(data / "facts.yaml", "a", encoding="utf-8") as fh:
        fh.write("\n  broken_entry: [this list is never closed\n")


def _edit_bank(data, edit):
    path = data / "questions" / "what-is-stalking.yaml"
    bank = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(bank["questions"][0])
    path.write_text(yaml.safe_dump(bank, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _no_translation(data):
    _edit_bank(data, lambda q: q["text"].pop("en"))


def _no_correct_answer(data):
    _edit_bank(data, lambda q: [o.__setitem__("correct", False) for o in q["options"]])


@pytest.mark.parametrize(
    "change,file,field",
    [
        (_bad_yaml, "facts.yaml", "line"),
        (_no_translation, "what-is-stalking.yaml", "right-to-be-left-alone"),
        (_no_correct_answer, "what-is-stalking.yaml", "right-to-be-left-alone"),
    ],
    ids=["bad-yaml", "missing-translation", "no-correct-answer"],
)
def test_broken_data_stops_the_app_with_a_message_naming_file_and_field(tmp_path, change, file, field):
    data = _broken_copy(tmp_path, change)
    env = {**os.environ, "STALKING_COURSE_DATA": str(data)}
    done = subprocess.run(
        [sys.executable, "-m", "stalking_course.app", "--port=1", "--Voila.ip=127.0.0.1"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0, "the app started with broken data"
    message = done.stderr
    assert file in message and field in message, message
    assert "Traceback" not in message, message
    if "translation" in message or "correct" in message:
        assert ("en" in message) or ("correct" in message)


# ---------------------------------------------------------------- kernel life cycle and limits


def test_the_kernel_of_a_closed_page_stops(app):
    proc, url = app
    page = Page(url).connect()
    assert page.widget_states()
    kernel = kernel_process(page.kernel_id)
    assert kernel in kernels(proc)
    page.leave()
    assert wait_until(lambda: not kernel.is_running(), 10), "the kernel of the closed page is still running"


def test_an_idle_kernel_is_culled(app):
    proc, url = app
    page = Page(url).connect()
    kernel = kernel_process(page.kernel_id)
    page.ws.close()  # the browser went away without its beacon (crash, lost network)
    assert wait_until(lambda: not kernel.is_running(), CULL_IDLE + 3 * CULL_INTERVAL + 5), "the idle kernel lives on"


def test_a_preheated_kernel_that_waited_long_is_not_culled_when_a_page_takes_it(app):
    """The pool's kernel has idled longer than the cull timeout; the page that takes it must still work
    when its browser connects a moment later (the culler runs every second here)."""
    _, url = app
    time.sleep(CULL_IDLE + 2 * CULL_INTERVAL)
    page = Page(url, "notebooks/nl/00_start.ipynb")
    time.sleep(CULL_INTERVAL * 2)  # the browser loads its scripts before it connects
    try:
        assert page.connect().widget_states(), "the preheated page lost its kernel"
    finally:
        page.leave()


def test_200_rapid_page_requests_are_capped_and_memory_stays_bounded(app):
    from stalking_course.content import ui

    proc, url = app
    assert wait_until(lambda: len(kernels(proc)) <= 2, CULL_IDLE + 10), (
        f"more than the preheated pool is running: {[(k.pid, k.status()) for k in kernels(proc)]}"
    )
    peak = {"kernels": 0}
    stop_sampling = threading.Event()

    def sample():
        while not stop_sampling.is_set():
            peak["kernels"] = max(peak["kernels"], len(kernels(proc)))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with ThreadPoolExecutor(max_workers=40) as pool:
        results = list(pool.map(lambda _: fetch(f"{url}voila/render/{LESSON}"), range(200)))
    stop_sampling.set()
    sampler.join()
    codes = [status for status, _ in results]
    busy = [html for status, html in results if status == 503]
    assert set(codes) <= {200, 503}, set(codes)
    assert codes.count(200) <= MAX_KERNELS and busy, "the cap did not hold"
    assert escape(ui("nl")["busy_title"]) in busy[0] and '<html lang="nl"' in busy[0]
    assert peak["kernels"] <= MAX_KERNELS + 1, f"{peak['kernels']} kernels at once (cap {MAX_KERNELS})"
    # the pages were never opened in a browser: their kernels are culled and the app serves again
    assert wait_until(lambda: len(kernels(proc)) <= 2, CULL_IDLE + 4 * CULL_INTERVAL + 10)
    assert fetch(f"{url}voila/render/{LESSON}")[0] == 200


def test_a_killed_kernel_does_not_take_the_app_down(app):
    proc, url = app
    page = Page(url).connect()
    kernel_process(page.kernel_id).send_signal(signal.SIGKILL)
    time.sleep(1)
    assert proc.poll() is None, "the app died with its kernel"
    status, html = fetch(url)
    assert status == 200 and "course-quick-exit" in html
    fresh = Page(url).connect()
    try:
        assert fresh.widget_states(), "the next page does not work"
    finally:
        fresh.leave()
        try:
            page.leave()
        except urllib.error.HTTPError:
            pass
