"""The course on a real JupyterHub (deploy/): trainees get the course and nothing else.

One hub for the module, started as docs/deploy.md says (deploy/jupyterhub_config.py with the simple local
spawner and the shared-password login; configurable-http-proxy from npm, tests/hub/), with three users: two
trainees and a trainer. Everything listens on 127.0.0.1 only; every process is stopped at the end.
Kernels are culled after COURSE_KERNEL_IDLE_SECONDS here (short), so the last test can watch them go.
Each probe's status code is written to test-artifacts/hub-probes.json.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
import yaml

from conftest import ARTIFACTS, REPO, free_port

HUB_DIR = REPO / "tests" / "hub"
CHP = HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
PASSWORD = "course-test-password-8"
TRAINEES = ("anna", "bram")
TRAINER = "tess"
IDLE_SECONDS = 20  # kernel idle timeout in this test (30 minutes in deploy/)
START = "voila/render/notebooks/nl/00_start.ipynb"
LESSON = "voila/render/notebooks/nl/01_wat-is-stalking.ipynb"
PROBES: list = []
KERNEL_ID = re.compile(r'"kernelId": "([0-9a-f-]{36})"')


def record(who: str, what: str, status, expected) -> None:
    PROBES.append({"user": who, "probe": what, "status": status, "expected": expected})
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "hub-probes.json").write_text(json.dumps(PROBES, indent=1))


def install_proxy() -> None:
    if not CHP.exists():
        npm = shutil.which("npm")
        assert npm, "npm is needed for configurable-http-proxy (tests/hub/package.json); .ci/run installs it"
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HUB_DIR, check=True, timeout=300)
    assert CHP.exists(), "npm ci did not install configurable-http-proxy"


class Hub:
    def __init__(self, state: Path, users=(*TRAINEES, TRAINER), idle_seconds=IDLE_SECONDS):
        self.state = state
        self.users, self.idle_seconds = users, idle_seconds
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = ARTIFACTS / f"hub-{self.port}.log"
        self.proc = None

    def start(self):
        ARTIFACTS.mkdir(exist_ok=True)
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            "COURSE_SHARED_PASSWORD": PASSWORD,
            "COURSE_USERS": ",".join(self.users),
            "COURSE_TRAINERS": TRAINER,
            "COURSE_DIR": str(REPO),
            "COURSE_PYTHON": sys.executable,
            "COURSE_SPAWNER": "simple",
            "COURSE_HUB_URL": self.url,
            "COURSE_HUB_API_PORT": str(free_port()),
            "COURSE_PROXY_API_PORT": str(free_port()),
            "COURSE_HUB_STATE": str(self.state),
            "COURSE_CHP": str(CHP),
            "COURSE_KERNEL_IDLE_SECONDS": str(self.idle_seconds),
            "COURSE_KERNEL_CULL_INTERVAL": "2",
            "COURSE_SERVER_IDLE_SECONDS": "0",
            "COURSE_DATA_DIR": str(self.state / "course-data"),
        }
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(REPO / "deploy" / "jupyterhub_config.py")],
            cwd=self.state,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            assert self.proc.poll() is None, f"the hub exited: see {self.log_path}"
            if "EADDRINUSE" in self.log_text() or "Address already in use" in self.log_text():
                return False  # another program took a port between free_port() and the listen: try others
            try:
                if requests.get(f"{self.url}/hub/api", timeout=2).status_code == 200:
                    return True
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise AssertionError(f"the hub did not answer within 60 s: see {self.log_path}")

    def stop(self):
        if self.proc is None:
            return
        import psutil

        try:  # everything the hub started: the proxy, the single-user servers (own sessions) and their kernels
            started = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            started = []
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the hub stops its servers and the proxy itself
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        # whatever the hub did not stop (it was killed, or a server hung): by process id
        _gone, alive = psutil.wait_procs(started, timeout=5)
        for proc in alive:
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                pass
        self.log.close()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")


def login(hub: Hub, name: str) -> requests.Session:
    """A browser-like session: the hub's login form, then the user's server started (or already running)."""
    s = requests.Session()
    s.get(f"{hub.url}/hub/login", timeout=10)
    r = s.post(
        f"{hub.url}/hub/login",
        data={"username": name, "password": PASSWORD, "_xsrf": s.cookies.get("_xsrf", path="/hub/")},
        allow_redirects=False,
        timeout=30,
    )
    assert r.status_code == 302, f"login of {name}: {r.status_code}"
    s.get(f"{hub.url}/hub/spawn", timeout=60)
    return s


def wait_ready(hub: Hub, s: requests.Session, name: str, timeout=90) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        model = s.get(f"{hub.url}/hub/api/users/{name}", timeout=10).json()
        if (model.get("servers") or {}).get("", {}).get("ready"):
            return
        time.sleep(0.5)
    raise AssertionError(f"{name}'s server did not start within {timeout} s: see {hub.log_path}")


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    install_proxy()
    state = tmp_path_factory.mktemp("hub")
    for _attempt in range(3):
        hub = Hub(state)
        try:
            started = hub.start()
        except BaseException:
            hub.stop()
            raise
        if started:
            break
        hub.stop()
    else:
        raise AssertionError("three tries, and each time a port was taken by another program")
    try:
        from concurrent.futures import ThreadPoolExecutor

        names = (*TRAINEES, TRAINER)
        with ThreadPoolExecutor(len(names)) as pool:  # the three servers start at the same time
            sessions = dict(zip(names, pool.map(lambda name: login(hub, name), names)))
        for name, s in sessions.items():
            wait_ready(hub, s, name)
            r = s.get(f"{hub.url}/user/{name}/", timeout=60)  # OAuth with the user's server, then the start page
            assert r.status_code == 200, f"{name}: {r.status_code} {r.url}"
        hub.sessions = sessions
        # A tab that stays open (its kernel's websocket connected) from here to the last test, which checks
        # that its kernel is stopped once idle: the wait for the culler overlaps the other tests.
        name = TRAINEES[1]
        _, kernel = open_page(hub, sessions[name], name)
        hub.open_tab = (name, kernel, _ws(hub, name, kernel, _cookies_for(sessions[name], f"/user/{name}/api/")))
        listed = sessions[name].get(f"{hub.url}/user/{name}/api/kernels", timeout=30).json()
        assert kernel in [k["id"] for k in listed], "the open tab's kernel runs"
        yield hub
    finally:
        tab = getattr(hub, "open_tab", None)
        if tab:
            tab[2].close()
        hub.stop()


def xsrf_headers(hub, s, name) -> dict:
    return {"X-XSRFToken": s.cookies.get("_xsrf", path=f"/user/{name}/") or "", "Referer": f"{hub.url}/user/{name}/"}


def open_page(hub, s, name, page=START) -> tuple:
    r = s.get(f"{hub.url}/user/{name}/{page}", timeout=60)
    assert r.status_code == 200
    match = KERNEL_ID.search(r.text)
    assert match, "the page names its kernel"
    return r, match.group(1)


# ------------------------------------------------------------------------------------------------ the course


def test_each_trainee_logs_in_lands_on_the_dutch_start_page_and_answers_a_quiz(hub, browser):
    """Both trainees at the same time, each in a browser context of their own (as two laptops would). The
    session's shared browser: a second sync Playwright in the same process fails once the first is running."""
    from playwright.sync_api import expect

    contexts = []
    try:
        pages = {}
        for name in TRAINEES:
            contexts.append(browser.new_context(viewport={"width": 1100, "height": 900}))
            page = contexts[-1].new_page()
            page.goto(f"{hub.url}/hub/login")
            page.fill("#username_input", name)
            page.fill("#password_input", PASSWORD)
            page.click("#login_submit", no_wait_after=True)
            pages[name] = page
        for name, page in pages.items():
            page.wait_for_url(re.compile(rf"/user/{name}/{re.escape(START)}$"), timeout=60_000)
            record(name, "log in -> start page", 200, 200)
            assert page.locator("html").get_attribute("lang") == "nl"
            expect(page).to_have_title(re.compile("Stalking herkennen"))
            expect(page.locator(".course-quick-exit").first).to_have_text("Snel weg")
            expect(page.locator(".course-toc a").first).to_be_visible()
        for page in pages.values():
            page.get_by_role("link", name="Wat is stalking?").first.click(no_wait_after=True)
        for name, page in pages.items():
            box = page.locator(".course-question-box").nth(0)
            expect(box).to_be_visible(timeout=60_000)
            assert page.url.endswith(f"/user/{name}/{LESSON}")
            box.get_by_label("Iedereen heeft het recht", exact=False).check()
            box.get_by_role("button", name="Controleer").click()
            expect(box.locator(".course-feedback")).to_contain_text("✔ Goed", timeout=30_000)
            expect(box.locator(".course-feedback")).to_contain_text("Uitleg")
            record(name, "quiz answered in Chromium -> feedback shown", 200, 200)
            page.screenshot(path=str(ARTIFACTS / f"hub-{name}-quiz.png"))
    finally:
        for context in contexts:
            context.close()


def test_a_trainee_can_reach_nothing_but_the_course(hub):
    name = TRAINEES[0]
    s = hub.sessions[name]
    base = f"{hub.url}/user/{name}"
    _, kernel = open_page(hub, s, name)
    headers = xsrf_headers(hub, s, name)
    probes = [
        ("GET", "/lab", 404),
        ("GET", "/lab/tree/README.md", 404),
        ("GET", "/tree", 404),
        ("GET", "/notebooks/notebooks/nl/00_start.ipynb", 404),
        ("GET", "/edit/README.md", 404),
        ("GET", "/terminals/1", 404),
        ("GET", "/api/terminals", 404),
        ("POST", "/api/terminals", 404),
        ("GET", "/api/contents", 403),
        ("GET", "/api/contents/notebooks/nl", 403),
        ("PUT", "/api/contents/new.txt", 403),
        ("GET", "/voila/api/contents", 404),
        ("GET", "/voila/api/contents/notebooks", 404),
        ("GET", "/files/pyproject.toml", 403),
        ("GET", "/files/notebooks/nl/00_start.ipynb", 403),
        ("GET", "/voila/files/pyproject.toml", 403),
        ("GET", "/voila/files/notebooks/nl/00_start.ipynb", 403),
        ("POST", "/api/kernels", 403),
        ("POST", f"/api/kernels/{kernel}/restart", 403),
        ("POST", f"/api/kernels/{kernel}/interrupt", 403),
        ("DELETE", f"/api/kernels/{kernel}", 403),
        ("GET", "/api/sessions", 403),
        ("POST", "/api/sessions", 403),
        ("GET", "/api/kernelspecs", 403),
        ("GET", "/api/nbconvert", 403),
        ("GET", "/nbconvert/html/notebooks/nl/00_start.ipynb", 403),
        ("GET", "/nbconvert/script/notebooks/nl/00_start.ipynb?download=true", 403),
        ("GET", "/api/config/notebook", 403),
        ("PATCH", "/api/config/notebook", 403),
        ("GET", "/api/status", 403),
        ("POST", "/api/shutdown", 403),
        ("POST", "/api/events", 403),
        ("GET", "/voila/render/README.md", 404),
        ("GET", "/voila/render/pyproject.toml", 404),
        ("GET", f"/{START}?template=lab", 404),
        ("GET", "/no-such-page", 404),
    ]
    wrong = []
    for method, path, expected in probes:
        r = s.request(
            method,
            base + path,
            headers=headers,
            allow_redirects=False,
            timeout=30,
            data="{}" if method in ("POST", "PUT", "PATCH") else None,
        )
        record(name, f"{method} {path.replace(kernel, '<kernel>')}", r.status_code, expected)
        if r.status_code != expected:
            wrong.append((method, path, r.status_code, expected))
    assert not wrong, f"refused differently than expected: {wrong}"

    # The Voila tree and the server's root go to the start page: no listing of the course folder.
    for path in ("/voila/tree", "/voila/tree/notebooks", "/voila", "/"):
        r = s.get(base + path, allow_redirects=False, timeout=30)
        record(name, f"GET {path}", r.status_code, 302)
        assert r.status_code == 302 and r.headers["Location"].endswith(START), (path, r.status_code)
    listing = s.get(base + "/voila/tree/notebooks", timeout=60)
    assert listing.url.endswith(START) and "00_start.ipynb</a>" not in listing.text

    # Unknown pages get the course's 404, in the course's look, with the quick exit.
    for path, lang in (
        ("/no-such-page", "nl"),
        ("/voila/render/notebooks/en/99_none.ipynb", "en"),
        ("/voila/render/notebooks/nl/99_geen.ipynb", "nl"),
    ):
        r = s.get(base + path, timeout=30)
        assert r.status_code == 404 and f'<html lang="{lang}"' in r.text and "course-quick-exit" in r.text, path

    # The refusals come from the course's authorizer, not from a missing XSRF token: the page's own
    # shutdown call (Voila's, with the same headers) works.
    _, spare = open_page(hub, s, name)
    r = s.post(f"{base}/voila/api/shutdown/{spare}", headers=headers, timeout=30)
    record(name, "POST /voila/api/shutdown/<own page kernel> (control)", r.status_code, 204)
    assert r.status_code in (200, 204), r.status_code
    assert f"refused: {name} write kernels" in hub.log_text()


def test_pages_are_sent_gzipped(hub):
    name = TRAINEES[0]
    s = hub.sessions[name]
    r = s.get(f"{hub.url}/user/{name}/{START}", headers={"Accept-Encoding": "gzip"}, timeout=60, stream=True)
    raw = r.raw.read(decode_content=False)
    record(name, "GET start page (Accept-Encoding: gzip)", r.status_code, 200)
    assert r.headers.get("Content-Encoding") == "gzip" and raw[:2] == b"\x1f\x8b"
    js = s.get(f"{hub.url}/user/{name}/voila/static/course.js", headers={"Accept-Encoding": "gzip"}, timeout=30)
    assert js.headers.get("Content-Encoding") == "gzip"


def _ws(hub, name, kernel, cookies=None, subprotocols=None):
    import websocket

    url = f"ws://127.0.0.1:{hub.port}/user/{name}/api/kernels/{kernel}/channels"
    header = {"Cookie": "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())} if cookies else None
    return websocket.create_connection(url, header=header, timeout=20, subprotocols=subprotocols)


def _cookies_for(s, path):
    return {c.name: c.value for c in s.cookies if path.startswith(c.path)}


def _message(msg_type, content):
    return json.dumps(
        {
            "header": {
                "msg_id": uuid.uuid4().hex,
                "msg_type": msg_type,
                "username": "",
                "session": uuid.uuid4().hex,
                "date": "",
                "version": "5.3",
            },
            "parent_header": {},
            "metadata": {},
            "content": content,
            "channel": "shell",
            "buffers": [],
        }
    )


V1 = "v1.kernel.websocket.jupyter.org"  # the binary kernel protocol JupyterLab and Voila use


def _send(ws, text: str, protocol) -> None:
    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    if protocol == V1:
        msg = json.loads(text)
        ws.send_binary(serialize_msg_to_ws_v1(msg, msg.pop("channel"), pack=lambda part: json.dumps(part).encode()))
    else:
        ws.send(text)


def _receive(ws, protocol) -> dict:
    from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

    frame = ws.recv()
    if protocol == V1:
        _channel, parts = deserialize_msg_from_ws_v1(frame)
        return {"header": json.loads(parts[0]), "parent_header": json.loads(parts[1])}
    return json.loads(frame)


@pytest.mark.parametrize("protocol", [None, V1], ids=["json-protocol", "v1-protocol"])
def test_an_execute_request_over_the_kernel_websocket_runs_nothing(hub, tmp_path, protocol):
    name = TRAINEES[0]
    s = hub.sessions[name]
    _, kernel = open_page(hub, s, name)
    marker = tmp_path / "executed.txt"
    ws = _ws(hub, name, kernel, _cookies_for(s, f"/user/{name}/api/"), subprotocols=[protocol] if protocol else None)
    record(name, f"websocket to own page kernel ({protocol or 'json'})", 101, 101)
    try:
        _send(
            ws,
            _message(
                "execute_request",
                {
                    "code": f"open({str(marker)!r}, 'w').write('ran')",
                    "silent": False,
                    "store_history": False,
                    "user_expressions": {},
                    "allow_stdin": False,
                    "stop_on_error": True,
                },
            ),
            protocol,
        )
        info = _message("kernel_info_request", {})
        _send(ws, info, protocol)
        info_id = json.loads(info)["header"]["msg_id"]
        replies = []
        deadline = time.time() + 30
        while time.time() < deadline:
            msg = _receive(ws, protocol)
            replies.append(msg["header"]["msg_type"])
            if msg["header"]["msg_type"] == "kernel_info_reply" and msg["parent_header"].get("msg_id") == info_id:
                break
    finally:
        ws.close()
    assert "kernel_info_reply" in replies, "the websocket works: the kernel answered kernel_info_request"
    assert "execute_reply" not in replies
    time.sleep(1)
    record(
        name,
        f"execute_request over the websocket ({protocol or 'json'}): marker file created?",
        "no" if not marker.exists() else "YES",
        "no",
    )
    assert not marker.exists(), "the execute_request ran code"


def test_trainees_cannot_reach_each_other_and_outsiders_cannot_reach_a_kernel(hub):
    import websocket

    a, b = TRAINEES
    sa, sb = hub.sessions[a], hub.sessions[b]
    _, kernel = open_page(hub, sa, a)
    for path in ("/", f"/{START}", f"/{LESSON}", "/api/kernels", f"/api/kernels/{kernel}"):
        r = sb.get(f"{hub.url}/user/{a}{path}", timeout=30)
        record(b, f"GET /user/{a}{path.replace(kernel, '<kernel>')}", r.status_code, 403)
        assert r.status_code in (403, 404) and "Stalking herkennen" not in r.text, (path, r.status_code, r.url)
    # b's own cookies, and then no cookies at all, on a's kernel websocket
    for who, cookies in ((b, _cookies_for(sb, "/")), ("nobody", None)):
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            _ws(hub, a, kernel, cookies)
        record(who, f"websocket to {a}'s kernel", refused.value.status_code, 403)
        assert refused.value.status_code in (302, 403), refused.value.status_code
    r = requests.get(f"{hub.url}/user/{a}/api/kernels/{kernel}", timeout=30, allow_redirects=False)
    record("nobody", f"GET /user/{a}/api/kernels/<kernel>", r.status_code, 403)
    assert r.status_code in (302, 403)
    # and a's own session still reaches it (the refusals above are about who asks)
    ws = _ws(hub, a, kernel, _cookies_for(sa, f"/user/{a}/api/"))
    ws.close()


def test_the_trainers_view_is_for_the_trainers_group_only(hub):
    """`trainers` members get /trainer through the course-trainer role's scope; trainees get 403, also with
    the standalone app's trainer token; the trainer is no admin (cannot open a trainee's server)."""
    st = hub.sessions[TRAINER]
    r = st.get(f"{hub.url}/user/{TRAINER}/trainer", timeout=60)
    record(TRAINER, "GET /trainer", r.status_code, 200)
    assert r.status_code == 200 and "Trainersoverzicht" in r.text and "course-quick-exit" in r.text
    # the trainer makes a group (a form with the page's _xsrf field)
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', r.text)
    assert xsrf, "the trainer's view has a form"
    made = st.post(
        f"{hub.url}/user/{TRAINER}/trainer/groups", data={"_xsrf": xsrf.group(1), "label": "Hub test"}, timeout=60
    )
    record(TRAINER, "POST /trainer/groups", made.status_code, 200)
    assert made.status_code == 200 and "Hub test" in made.text
    for name in TRAINEES:
        s = hub.sessions[name]
        for path in ("/trainer", "/trainer?token=" + "x" * 32):
            r = s.get(f"{hub.url}/user/{name}{path}", timeout=60)
            record(name, f"GET {path.split('?')[0]}{'?token=...' if '?' in path else ''}", r.status_code, 403)
            assert r.status_code == 403 and "Hub test" not in r.text
    r = requests.get(f"{hub.url}/user/{TRAINER}/trainer", timeout=30, allow_redirects=False)
    record("nobody", "GET /user/tess/trainer", r.status_code, "302 to the hub's log-in")
    assert r.status_code == 302 and "/hub/api/oauth2/authorize" in r.headers["Location"]
    r = requests.get(f"{hub.url}/user/{TRAINER}/trainer", timeout=30)
    assert r.url.startswith(f"{hub.url}/hub/login") and "Trainersoverzicht" not in r.text
    r = hub.sessions[TRAINEES[0]].get(f"{hub.url}/user/{TRAINER}/trainer", timeout=30)
    record(TRAINEES[0], f"GET /user/{TRAINER}/trainer", r.status_code, 403)
    assert r.status_code == 403 and "Hub test" not in r.text
    r = st.get(f"{hub.url}/user/{TRAINEES[0]}/{START}", timeout=30)
    record(TRAINER, f"GET /user/{TRAINEES[0]}/ (start page)", r.status_code, 403)
    assert r.status_code == 403 and "Stalking herkennen" not in r.text


def test_each_trainees_answers_are_stored_under_a_keyed_hash_of_their_hub_name(hub):
    """After the browser test: the quiz answer of each trainee is in the course's database under their own
    keyed hash, and no hub user name is stored anywhere in it."""
    script = (
        "import json, sys\n"
        "from stalking_course.progress.identity import hub_learner_id\n"
        "from stalking_course.progress.store import get_store\n"
        "store = get_store()\n"
        "print(json.dumps({n: [a.correct for a in store.answers(hub_learner_id(n))] for n in sys.argv[1:]}))\n"
    )
    env = {**os.environ, "COURSE_DATA_DIR": str(hub.state / "course-data")}
    env.pop("COURSE_DB_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", script, *TRAINEES, TRAINER], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    answers = json.loads(out.stdout)
    for name in TRAINEES:
        record(name, "answers stored under the keyed hash of the hub name", len(answers[name]), ">= 1")
        assert True in answers[name], f"{name}'s right answer was not recorded: {answers}"
    assert answers[TRAINER] == []
    # Each trainee sees (and can download) their own data on their own server, nobody else's.
    a, b = TRAINEES
    mine = hub.sessions[a].get(f"{hub.url}/user/{a}/course/me/export", timeout=60)
    record(a, "GET /course/me/export (own data)", mine.status_code, 200)
    assert mine.status_code == 200 and mine.json()["answers"] and mine.json()["learner_id"].startswith("h")
    assert a not in mine.text
    r = hub.sessions[b].get(f"{hub.url}/user/{a}/course/me/export", timeout=60)
    record(b, f"GET /user/{a}/course/me/export", r.status_code, 403)
    assert r.status_code == 403 and "answers" not in r.text
    r = requests.get(f"{hub.url}/user/{a}/course/me/export", timeout=30, allow_redirects=False)
    record("nobody", f"GET /user/{a}/course/me/export", r.status_code, "302 to the hub's log-in")
    assert r.status_code == 302 and "/hub/api/oauth2/authorize" in r.headers["Location"]
    database = (hub.state / "course-data" / "progress.sqlite3").read_bytes()
    for name in (*TRAINEES, TRAINER):
        assert name.encode() not in database, f"the hub name {name!r} is stored in the database"


# ------------------------------------------------------------------------------------------------ culling


def test_kernels_of_open_pages_are_stopped_after_the_idle_timeout(hub):
    """Last in this module: the tab opened when the hub started is still open (its websocket connected), and
    idle since; after IDLE_SECONDS here (30 minutes in deploy/) its kernel, and every other, is gone."""
    name, kernel, ws = hub.open_tab
    s = hub.sessions[name]
    assert ws.connected, "the tab is still open"
    deadline = time.time() + IDLE_SECONDS + 30
    while time.time() < deadline:
        listed = s.get(f"{hub.url}/user/{name}/api/kernels", timeout=30).json()
        if not listed:
            break
        time.sleep(1)
    record(name, f"kernels after {IDLE_SECONDS} s idle, one tab still open", len(listed), 0)
    assert listed == [], f"kernels still running after the idle timeout: {listed}"
    r = s.get(f"{hub.url}/user/{name}/api/kernels/{kernel}", timeout=30)
    record(name, "GET /api/kernels/<culled kernel>", r.status_code, 404)
    assert r.status_code == 404


# ------------------------------------------------------------------------------------------------ Zero to JupyterHub

REFERENCE = REPO / "deploy" / "reference"


def helm_merge(defaults, overrides):
    """Helm's merge of a chart's values.yaml and a deployment's: maps deeply, anything else replaced, and a
    null in the overrides removes the key."""
    merged = dict(defaults)
    for key, value in overrides.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = helm_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def z2jh_values():
    return yaml.safe_load((REPO / "deploy" / "z2jh" / "values.yaml").read_text())


def test_the_z2jh_values_validate_against_the_charts_schema_with_its_defaults():
    import jsonschema

    schema = json.loads((REFERENCE / "z2jh-values.schema.json").read_text())
    defaults = yaml.safe_load((REFERENCE / "z2jh-values.defaults.yaml").read_text())
    values = z2jh_values()
    merged = helm_merge(defaults, values)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(merged), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{'.'.join(map(str, e.path))}: {e.message}" for e in errors)
    # The check can fail: a misspelt key is caught (the chart's schema forbids unknown keys).
    broken = helm_merge(defaults, {**values, "singleuser": {**values["singleuser"], "defaultURL": "/"}})
    assert list(jsonschema.Draft7Validator(schema).iter_errors(broken))


def test_the_copied_reference_is_the_shared_one_when_it_is_at_hand():
    """deploy/reference/ is a copy of ../shared/reference/ (when the shared folder is beside the clone)."""
    shared = REPO.parent / "shared" / "reference"
    names = ("z2jh-values.schema.json", "z2jh-values.defaults.yaml", "z2jh-LICENSE")
    for name in names:
        assert (REFERENCE / name).is_file(), f"deploy/reference/{name} is missing"
    if shared.is_dir():
        for name in names:
            assert (REFERENCE / name).read_bytes() == (shared / name).read_bytes(), name


def test_the_z2jh_values_carry_the_course_settings_of_the_one_server_hub():
    from stalking_course import hub_server

    values = z2jh_values()
    single = values["singleuser"]
    lockdown = (REPO / "deploy" / "singleuser" / "jupyter_server_config.py").read_text()
    assert single["extraFiles"]["course-lockdown"]["stringData"] == lockdown
    assert single["extraFiles"]["course-lockdown"]["mountPath"] == "/etc/jupyter/jupyter_server_config.py"
    assert single["cmd"] == ["python", "-m", "stalking_course.hub_server"]
    tljh = (REPO / "deploy" / "tljh" / "stalking_course.py").read_text()
    assert f'c.Spawner.default_url = "{single["defaultUrl"]}"' in tljh
    assert f'TRAINER_SCOPE = "{hub_server.TRAINER_SCOPE}"' in tljh
    hub = values["hub"]
    assert hub_server.TRAINER_SCOPE in hub["config"]["JupyterHub"]["custom_scopes"]
    assert hub["loadRoles"]["course-trainer"] == {
        "description": "Trainers of the stalking course",
        "scopes": [hub_server.TRAINER_SCOPE],
        "groups": ["trainers"],
    }
    assert hub["config"]["KubeSpawner"]["oauth_client_allowed_scopes"] == [hub_server.TRAINER_SCOPE]
    assert "COURSE_DB_URL" in single["extraEnv"] and single["storage"]["type"] == "none"
    assert single["networkPolicy"]["enabled"] and values["cull"]["enabled"]


def test_the_single_user_command_does_not_start_on_broken_content(data_copy):
    """The hub shows a failed start (the server exits) and the log names the file, as `make app` does."""
    from helpers import edit_yaml

    edit_yaml(data_copy / "questions" / "what-is-stalking.yaml", lambda d: d.update({"questions": "not a list"}))
    out = subprocess.run(
        [sys.executable, "-m", "stalking_course.hub_server"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:9/"},
    )
    assert out.returncode == 2, out.stderr[-2000:]
    assert "what-is-stalking.yaml" in out.stderr and "did not start" in out.stderr


def test_the_image_holds_what_a_trainees_server_reads_and_starts_the_course():
    """deploy/Dockerfile (not built here: no container runtime) copies the course's folders, puts the lockdown
    where the values mount it, and starts the same command as the values."""
    dockerfile = (REPO / "deploy" / "Dockerfile").read_text()
    copied = {line.split()[1] for line in dockerfile.splitlines() if line.startswith("COPY ")}
    for needed in ("src", "data", "notebooks", "exercises", "voila.json", "pyproject.toml"):
        assert needed in copied and (REPO / needed).exists(), needed
    values = z2jh_values()["singleuser"]
    lockdown = values["extraFiles"]["course-lockdown"]["mountPath"]
    assert f"COPY deploy/singleuser/jupyter_server_config.py {lockdown}" in dockerfile
    assert f"CMD {json.dumps(values['cmd'])}" in dockerfile
    ignore = (REPO / "deploy" / "Dockerfile.dockerignore").read_text().split()
    assert all(
        f"!{name}" in ignore or f"!{name}/" in ignore
        for name in copied
        if name != "deploy/singleuser/jupyter_server_config.py"
    )


def test_a_server_without_the_lockdown_refuses_to_start(tmp_path):
    """The course's extension checks the lockdown before it serves anything: started by a plain Jupyter Server
    (not the hub's), with terminals and JupyterLab turned back on, the server exits and says why."""
    env = {
        **os.environ,
        "JUPYTER_CONFIG_PATH": str(REPO / "deploy" / "singleuser"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter_server",
            "--allow-root",
            "--no-browser",
            f"--port={free_port()}",
            "--ServerApp.ip=127.0.0.1",
            "--ServerApp.terminals_enabled=True",
            "--ServerApp.jpserver_extensions",
            "stalking_course.hub_server=True",
            "--ServerApp.jpserver_extensions",
            "jupyterlab=True",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    log = out.stdout + out.stderr
    assert out.returncode != 0, log[-3000:]
    assert "lockdown is not in effect" in log
    assert "terminals_enabled must be False" in log and "'jupyterlab'" in log
    assert "does not log in through JupyterHub" in log
    assert "is running at" not in log, "the server must not have served anything"
