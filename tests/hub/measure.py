"""Sizing numbers for docs/deploy.md, measured on the local hub of tests/test_hub_deploy.py.

    .venv/bin/python tests/hub/measure.py 1 10

For each number N: a fresh hub (deploy/jupyterhub_config.py, simple local spawner) with N trainees; N
Chromium contexts log in at the same moment; for each, the time from pressing "Sign in" to the first widget
of the Dutch start page (the server is started by that login), and to lesson 1's first quiz after clicking
it; then the memory (PSS) of each trainee's server with its kernels, with lesson 1 open, and the CPU time they
used (server, content check and kernels: the part of the times that does not depend on what else runs).
Prints JSON.
Not a test: timings depend on the machine and what else runs on it.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/

from conftest import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402
from test_hub_deploy import LESSON, PASSWORD, START, Hub, install_proxy  # noqa: E402


def server_memory(hub: Hub) -> dict:
    """PSS in MB of each trainee's single-user server plus its kernels (children)."""
    result = {}
    for proc in psutil.Process(hub.proc.pid).children(recursive=True):
        try:
            if "stalking_course.hub_server" not in " ".join(proc.cmdline()):
                continue
            user = proc.environ().get("JUPYTERHUB_USER")
            procs = [proc, *proc.children(recursive=True)]
            pss = sum(p.memory_full_info().pss for p in procs) / 2**20
            own = proc.cpu_times()  # with its waited-for children: the content check
            cpu = own.user + own.system + own.children_user + own.children_system
            cpu += sum(p.cpu_times().user + p.cpu_times().system for p in procs[1:])
            kernels = sum(1 for p in procs if "ipykernel" in " ".join(p.cmdline()))
            result[user] = {
                "pss_mb": round(pss, 1),
                "kernels": kernels,
                "cpu_s": round(cpu, 1),
                "server_mb": round(proc.memory_full_info().pss / 2**20, 1),
            }
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return result


def run(n: int) -> dict:
    from playwright.sync_api import sync_playwright

    users = [f"t{i:02d}" for i in range(1, n + 1)]
    hub = Hub(Path(tempfile.mkdtemp(prefix="course-hub-measure-")), users=tuple(users), idle_seconds=1800)
    try:
        assert hub.start()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            pages, started = {}, {}
            for name in users:
                page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
                page.goto(f"{hub.url}/hub/login")
                page.fill("#username_input", name)
                page.fill("#password_input", PASSWORD)
                pages[name] = page
            for name, page in pages.items():
                started[name] = time.perf_counter()
                page.click("#login_submit", no_wait_after=True)
            first_widget, lesson = {}, {}
            for name, page in pages.items():
                page.wait_for_url(f"**/user/{name}/{START}", timeout=300_000)
                page.wait_for_selector(".jupyter-widgets", state="visible", timeout=300_000)
                first_widget[name] = time.perf_counter() - started[name]
            clicked = {}
            for name, page in pages.items():
                clicked[name] = time.perf_counter()
                page.get_by_role("link", name="Wat is stalking?").first.click(no_wait_after=True)
            for name, page in pages.items():
                page.wait_for_url(f"**/user/{name}/{LESSON}", timeout=300_000)
                page.wait_for_selector(".course-question-box", state="visible", timeout=300_000)
                lesson[name] = time.perf_counter() - clicked[name]
            time.sleep(3)  # the start pages' kernels are shut down by their pages' beacons
            memory = server_memory(hub)
            browser.close()
    finally:
        hub.stop()
    pss = [m["pss_mb"] for m in memory.values()]
    return {
        "trainees": n,
        "login_to_first_widget_s": {
            "median": round(statistics.median(first_widget.values()), 1),
            "max": round(max(first_widget.values()), 1),
        },
        "lesson_click_to_quiz_s": {
            "median": round(statistics.median(lesson.values()), 1),
            "max": round(max(lesson.values()), 1),
        },
        "pss_per_trainee_mb": {"median": round(statistics.median(pss), 1), "max": round(max(pss), 1)},
        "server_only_mb": round(statistics.median(m["server_mb"] for m in memory.values()), 1),
        # CPU time of a trainee's server and kernels from the start to lesson 1's quiz (independent of load)
        "cpu_s_per_trainee": round(statistics.median(m["cpu_s"] for m in memory.values()), 1),
        "kernels_per_trainee": sorted({m["kernels"] for m in memory.values()}),
        "load_average_1min": round(psutil.getloadavg()[0], 1),
    }


if __name__ == "__main__":
    install_proxy()
    results = [run(int(n)) for n in (sys.argv[1:] or ["1", "10"])]
    print(json.dumps(results, indent=1))
