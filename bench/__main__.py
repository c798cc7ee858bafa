"""`make bench`: the course app against a plain `voila`, side by side, in one run.

    python -m bench [--runs 5] [--trainees 30] [--quick]

Starts the servers on free loopback ports, measures, stops them, prints a table and writes
bench/results/latest.json. Everything runs on this machine; nothing is fetched from elsewhere.
Three servers: `stock` (plain `voila NOTEBOOK`, default settings, no config file), `course` (the course
app as a trainer starts it for this lesson: `--CourseVoila.preheat_pages=what-is-stalking`) and
`course_cold` (the course app as shipped: only the start pages preheated, so this lesson starts cold).

- tti_s: headless Chromium, fresh profile each visit, navigation start until the first quiz option can
  be clicked; median of the runs. Visits alternate between the servers so both see the same load.
- render_s: the server's time to send the whole lesson page (kernel start and execution included).
- page weight: bytes and requests of one visit.
- kernel_uss_mb: unique memory (USS) of each page's kernel, every page of data/course.yaml; the largest.
- classroom: N simulated trainees open the lesson in the same second, answer a question and leave.
  Each does over HTTP and the websocket what the page does (the HTML, the same static files the browser
  fetched, the kernel's widget state, a click), so the server does the work of N browsers while the
  two cores are not also busy running N Chromiums; the browser's own rendering time, measured in the
  single-trainee runs, is added to each trainee's time.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import servers
from .trainee import LessonPage

LESSON = "notebooks/nl/01_wat-is-stalking.ipynb"
LESSON_ID = "what-is-stalking"
RESULTS = Path(__file__).resolve().parent / "results"
CULL_INTERVAL, CULL_IDLE = 2, 4  # short culling for the bench run (voila.json has the production values)
GOALS = {"tti_ratio": 0.5, "kernel_uss_mb": 60, "p95_tti_ratio": 3, "kernels_after_leave": 2}


def median(values):
    return statistics.median(values) if values else float("nan")


def p95(values):
    values = sorted(values)
    return values[max(0, round(0.95 * len(values)) - 1)] if values else float("nan")


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- browser: time to interactive

def browser_runs(all_servers: list, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    from .browser import launch, one_visit

    out = {s.name: [] for s in all_servers}
    with sync_playwright() as p:
        browser = launch(p)
        try:
            for server in all_servers:  # a warm-up visit each (first compile of templates, disk cache)
                one_visit(browser, server.page_url)
            for i in range(runs):
                order = all_servers[i % len(all_servers):] + all_servers[:i % len(all_servers)]
                for server in order:  # rotate, so no server always comes first or last
                    visit = one_visit(browser, server.page_url)
                    out[server.name].append(visit)
                    log(f"  {server.name:11} visit {i + 1}: {visit['tti_s']:.2f} s, {visit['requests']} requests")
        finally:
            browser.close()
    return out


# ---------------------------------------------------------------- simulated trainees

def run(coro):
    return asyncio.run(coro)


async def _trainee(server, assets, t0=None, answer=True, leave=True) -> LessonPage:
    page = LessonPage(server.url, server.page_url, assets)
    page._t0 = t0
    await page.open()
    if page.status == 200 and answer:
        await page.answer_first_question(1)
    if leave:
        await page.leave()
    return page


def render_times(server, n: int, pause: float = 0.0) -> list:
    """Seconds until the whole page has arrived (what the server does before the browser can start)."""
    async def go():
        times = []
        for _ in range(n):
            await asyncio.sleep(pause)  # a preheated pool refills a second after it was used
            page = LessonPage(server.url, server.page_url)
            page._t0 = time.perf_counter()
            from tornado.httpclient import AsyncHTTPClient

            response = await AsyncHTTPClient().fetch(page.url, request_timeout=120)
            times.append(time.perf_counter() - page._t0)
            page._keep_cookies(response)
            match = __import__("bench.trainee", fromlist=["CONFIG"]).CONFIG.search(response.body.decode())
            if match:
                page.kernel_id = json.loads(match.group(1))["kernelId"]
                await page.leave()  # the beacon, as a closing page sends it
        return times

    return run(go())


def protocol_times(server, assets, n: int, pause: float = 0.0) -> list:
    async def go():
        times = []
        for _ in range(n):
            await asyncio.sleep(pause)
            times.append((await _trainee(server, assets)).times["interactive"])
        return times

    return run(go())


def kernel_memory(server, pages: list) -> dict:
    """USS of each page's kernel, after the page has rendered and its widget state was fetched."""
    async def go():
        out = {}
        for page_id, path in pages:
            page = LessonPage(server.url, server.page_url if server.name == "stock" else path)
            await page.open()
            await asyncio.sleep(0.5)
            proc = servers.kernel_process(page.kernel_id) if page.kernel_id else None
            out[page_id] = round(servers.uss_mb(proc), 1) if proc else None
            await page.leave()
        return out

    return run(go())


class MemorySampler(threading.Thread):
    def __init__(self, server, interval=0.5):
        super().__init__(daemon=True)
        self.server, self.interval, self.peak, self.done = server, interval, 0.0, threading.Event()

    def run(self):
        while not self.done.is_set():
            self.peak = max(self.peak, self.server.pss_mb())
            self.done.wait(self.interval)

    def stop(self):
        self.done.set()
        self.join()
        self.peak = max(self.peak, self.server.pss_mb())
        return self.peak


def classroom(server, assets, trainees: int, client_overhead: float, wait_after: float) -> dict:
    """N trainees open the lesson within the same second, answer the first question, leave."""
    sampler = MemorySampler(server)
    idle_mb = server.pss_mb()
    sampler.start()

    async def go():
        t0 = time.perf_counter()
        return await asyncio.gather(*[_trainee(server, assets, t0) for _ in range(trainees)],
                                    return_exceptions=True)

    pages = run(go())
    peak = sampler.stop()
    ok = [p for p in pages if isinstance(p, LessonPage) and "answered" in p.times]
    errors = [repr(p) for p in pages if not isinstance(p, LessonPage)]
    busy = sum(1 for p in pages if isinstance(p, LessonPage) and p.status == 503)
    time.sleep(wait_after)
    interactive = [p.times["interactive"] for p in ok]
    tti = [t + client_overhead for t in interactive]
    return {
        "trainees": trainees,
        "completed": len(ok),
        "busy_pages": busy,
        "errors": errors[:3],
        "p50_tti_s": round(median(tti), 2),
        "p95_tti_s": round(p95(tti), 2),
        "p50_server_s": round(median(interactive), 2),
        "p95_server_s": round(p95(interactive), 2),
        "p95_answer_s": round(p95([p.times["answered"] - p.times["interactive"] for p in ok]), 2),
        "client_overhead_s": round(client_overhead, 2),
        "idle_mb": round(idle_mb),
        "peak_mb": round(peak),
        "kernels_after_leave": len(server.kernels()),
        "waited_after_leave_s": wait_after,
    }


# ---------------------------------------------------------------- report

def table(result: dict) -> str:
    t, w, c = result["tti_s"], result["page_weight"], result["classroom"]
    cs = result.get("classroom_stock", {})
    rows = [
        ("time to interactive, median (s)", t["stock"], t["course"], f"ratio {result['tti_ratio']:.2f} (goal <= 0.5)"),
        ("  same, lesson not preheated (s)", "", t["course_cold"], f"ratio {result['tti_ratio_cold']:.2f}"),
        ("server render of the lesson (s)", result["render_s"]["stock"], result["render_s"]["course"], ""),
        ("  same, lesson not preheated (s)", "", result["render_s"]["course_cold"], ""),
        ("page weight (kB)", w["stock"]["bytes"] // 1024, w["course"]["bytes"] // 1024, ""),
        ("requests", w["stock"]["requests"], w["course"]["requests"], ""),
        ("kernel USS, lesson 1 (MB)", result["kernel_uss_stock_mb"], result["kernel_uss_by_page"].get("what-is-stalking"), ""),
        ("kernel USS, largest page (MB)", "", result["kernel_uss_mb"], "goal <= 60"),
        (f"classroom of {c['trainees']}: p50 TTI (s)", cs.get("p50_tti_s", ""), c["p50_tti_s"], ""),
        (f"classroom of {c['trainees']}: p95 TTI (s)", cs.get("p95_tti_s", ""), c["p95_tti_s"],
         f"ratio {c['p95_tti_ratio']:.2f} (goal <= 3)"),
        ("classroom: peak memory, whole app (MB)", cs.get("peak_mb", ""), c["peak_mb"], ""),
        ("classroom: kernels alive after leaving", cs.get("kernels_after_leave", ""), c["kernels_after_leave"],
         "goal <= preheated pool (2)"),
    ]
    head = ("", "stock voila", "course app", "")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(4)]
    fmt = lambda r: "  ".join(str(v).ljust(widths[i]) if i in (0, 3) else str(v).rjust(widths[i]) for i, v in enumerate(r))
    lines = [fmt(head), "-" * (sum(widths) + 6)] + [fmt(r) for r in rows]
    lines.append("")
    lines.append("goals: " + ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in result["goals_met"].items()))
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="browser visits per server (median of these)")
    parser.add_argument("--trainees", type=int, default=30)
    parser.add_argument("--ports", default="", help="three ports: stock,course,course_cold (default: free ports)")
    parser.add_argument("--quick", action="store_true", help="3 runs, 10 trainees, no stock classroom")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.trainees = 3, 10
    ports = [int(p) for p in args.ports.split(",")] if args.ports else [servers.free_port() for _ in range(3)]
    work = Path(tempfile.mkdtemp(prefix="course-bench-"))
    started = time.time()
    from stalking_course.course import course

    pages = [(p.id, p.path("nl")) for p in course().pages]
    culling = [f"--MappingKernelManager.cull_interval={CULL_INTERVAL}",
               f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE}"]
    stock = servers.start_stock(ports[0], work, LESSON)
    # The course app as a trainer runs it for this lesson (`--CourseVoila.preheat_pages=what-is-stalking`:
    # the lesson of the day waits in a preheated kernel, one per language) ...
    course_app = servers.start_course(ports[1], work, [f"--CourseVoila.preheat_pages={LESSON_ID}", *culling])
    # ... and as it starts by default (only the start pages preheated): any other lesson, first visitor.
    course_cold = servers.start_course(ports[2], work, culling, name="course_cold")
    everything = [stock, course_app, course_cold]
    result = {}
    try:
        for s in everything:
            s.wait_ready()
        time.sleep(3)  # let the course's preheated kernels start before measuring
        log("servers up: " + ", ".join(f"{s.name} {s.url}" for s in everything))

        log("time to interactive in Chromium ...")
        visits = browser_runs(everything, args.runs)
        tti = {k: round(median([v["tti_s"] for v in vs]), 2) for k, vs in visits.items()}
        result["tti_s"] = tti
        result["tti_ratio"] = round(tti["course"] / tti["stock"], 2)
        result["tti_ratio_cold"] = round(tti["course_cold"] / tti["stock"], 2)
        result["tti_runs_s"] = {k: [round(v["tti_s"], 2) for v in vs] for k, vs in visits.items()}
        result["html_s"] = {k: round(median([v["html_s"] for v in vs]), 2) for k, vs in visits.items()}
        result["page_weight"] = {k: {"bytes": vs[-1]["bytes"], "requests": vs[-1]["requests"]}
                                 for k, vs in visits.items()}
        assets = {k: tuple(u for u in vs[-1]["assets"]) for k, vs in visits.items()}

        log("server render time ...")
        result["render_s"] = {s.name: round(median(render_times(s, args.runs, 2.5 if s is course_app else 0)), 2)
                              for s in everything}

        log("kernel memory per page ...")
        by_page = kernel_memory(course_cold, pages)
        result["kernel_uss_by_page"] = by_page
        measured = [v for v in by_page.values() if v is not None]
        result["kernel_uss_mb"] = max(measured) if measured else None
        result["kernel_uss_stock_mb"] = kernel_memory(stock, [("what-is-stalking", LESSON)])["what-is-stalking"]

        log("single trainee over the protocol (to separate server time from browser time) ...")
        overhead = {}
        for s in (stock, course_app):
            single = median(protocol_times(s, assets[s.name], 3, 2.5 if s is course_app else 0))
            overhead[s.name] = max(0.0, tti[s.name] - single)
        result["client_overhead_s"] = {k: round(v, 2) for k, v in overhead.items()}

        wait_after = CULL_IDLE + CULL_INTERVAL + 1
        log(f"classroom: {args.trainees} trainees at once on the course app ...")
        c = classroom(course_app, assets["course"], args.trainees, overhead["course"], wait_after)
        c["p95_tti_ratio"] = round(c["p95_tti_s"] / tti["course"], 2)
        result["classroom"] = c
        if not args.quick:
            log(f"classroom: {args.trainees} trainees at once on stock voila ...")
            cs = classroom(stock, assets["stock"], args.trainees, overhead["stock"], wait_after)
            cs["p95_tti_ratio"] = round(cs["p95_tti_s"] / tti["stock"], 2)
            result["classroom_stock"] = cs
    finally:
        for s in everything:
            s.stop()
    result["goals_met"] = {
        "tti_ratio": result["tti_ratio"] <= GOALS["tti_ratio"],
        "kernel_uss_mb": result["kernel_uss_mb"] is not None and result["kernel_uss_mb"] <= GOALS["kernel_uss_mb"],
        "p95_tti_ratio": result["classroom"]["p95_tti_ratio"] <= GOALS["p95_tti_ratio"],
        "kernels_after_leave": result["classroom"]["kernels_after_leave"] <= GOALS["kernels_after_leave"],
    }
    result["goals"] = GOALS
    result["settings"] = {"lesson": LESSON, "runs": args.runs, "cull_interval_s": CULL_INTERVAL,
                          "cull_idle_timeout_s": CULL_IDLE, "preheated_pool": 2,
                          "course": f"--CourseVoila.preheat_pages={LESSON_ID} (the lesson of the day preheated)",
                          "course_cold": "voila.json as shipped (start pages preheated; this lesson not)"}
    result["machine"] = {"cpus": __import__("os").cpu_count(), "python": platform.python_version(),
                         "load_average": [round(x, 2) for x in __import__("os").getloadavg()]}
    result["duration_s"] = round(time.time() - started)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(table(result))
    print(f"\nwritten: {RESULTS / 'latest.json'} ({result['duration_s']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
