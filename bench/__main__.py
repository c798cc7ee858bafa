"""`make bench`: the course app against a plain `voila`, side by side, in one run.

    python -m bench [--runs 3] [--link-runs 2] [--trainees 30] [--quick] [--no-lighthouse]

Starts the servers on free loopback ports, measures, stops them, prints a table and writes
bench/results/latest.json. Everything runs on this machine; nothing is fetched from elsewhere.
Three servers: `stock` (plain `voila notebooks/`, default settings, no config file), `course` (the course
app as a trainer starts it for the lesson of the day: `make app CLASS=30 PREHEAT=what-is-stalking`) and
`course_cold` (the course app as shipped: only the start pages preheated, so this lesson starts cold).

- text_ratio, tti_ratio (course / stock, medians): headless Chromium, fresh profile each visit, localhost;
  navigation start until the lesson's first paragraph is on screen / the first quiz option can be clicked.
  Visits alternate between the servers so both see the same load.
- link_cold_ratio, link_warm_ratio: time to interactive over one trainee's share of a classroom's Wi-Fi
  (Chromium's network emulation: 2 Mbit/s down, 1 Mbit/s up, 40 ms), for lesson 1 in a fresh browser and
  then lesson 2 in the same browser; bytes_cold and bytes_warm are what those two visits transferred.
- render_s: the server's time to send the whole lesson page (kernel start and execution included).
- kernel_uss_mb: unique memory (USS) of each page's kernel, every page of data/course.yaml; the largest.
- classroom: N simulated trainees open the lesson in the same second, answer a question and leave, on the
  course with CLASS (with_class), the course as shipped (without_class) and stock. Each does over HTTP and
  the websocket what the page does (the HTML, the same static files the browser fetched, the kernel's widget
  state, a click), so the server does the work of N browsers while the two cores are not also busy running
  N Chromiums; the browser's own rendering time, measured in the single-trainee runs, is added to each
  trainee's time. p95_tti_ratio: the p95 over a single trainee's time to interactive on the same server.
- lighthouse: npm lighthouse (bench/package.json) against the same chromium, mobile and desktop presets.
- recording (last, on a course app of its own once the others have stopped; bench/recording.py): the
  classroom with trainees who joined a group (their answers recorded) against one with trainees who did
  not, rounds alternating off-on / on-off: recording_p95_ratio (median of the rounds' p95 TTI ratios,
  goal <= 1.10) and recording_kernel_mb (a recording kernel's USS, goal <= 60).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

from . import recording, servers
from .classroom import classroom, kernel_memory, log, median, protocol_times, render_times
from .report import GOALS, goals_met, table

LESSON = "notebooks/nl/01_wat-is-stalking.ipynb"
LESSON_ID = "what-is-stalking"
RESULTS = Path(__file__).resolve().parent / "results"
CULL_INTERVAL, CULL_IDLE = 2, 30  # bench culling (voila.json: an hour); a page over the slow link connects after ~10 s
LEAVE_WAIT = 8  # seconds after the classroom left before counting kernels (their pages sent the shutdown beacon)
FAILED = []  # visits that did not finish (reported in latest.json and under the table)


# ---------------------------------------------------------------- browser: time to interactive


def browser_runs(all_servers: list, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    from .browser import launch, one_visit

    out = {s.name: [] for s in all_servers}
    with sync_playwright() as p:
        browser = launch(p)
        try:
            for server in all_servers:  # a warm-up visit each (first compile of templates, disk cache)
                try:
                    one_visit(browser, server.page_url, 60_000)
                except Exception as error:
                    log(f"  {server.name:11} warm-up visit failed: {str(error).splitlines()[0]}")
            for i in range(runs):
                order = all_servers[i % len(all_servers) :] + all_servers[: i % len(all_servers)]
                for server in order:  # rotate, so no server always comes first or last
                    try:
                        visit = one_visit(browser, server.page_url)
                    except Exception as error:  # counted, not hidden: the table says how many failed
                        log(f"  {server.name:11} visit {i + 1} FAILED: {str(error).splitlines()[0]}")
                        FAILED.append(f"{server.name} visit {i + 1}: {str(error).splitlines()[0]}")
                        continue
                    out[server.name].append(visit)
                    log(
                        f"  {server.name:11} visit {i + 1}: text {visit['text_s']:.2f} s, interactive "
                        f"{visit['tti_s']:.2f} s, {visit['requests']} requests, {visit['bytes'] // 1024} kB"
                    )
        finally:
            browser.close()
    return out


def link_runs(pairs: list, runs: int) -> dict:
    """pairs: (server, first lesson URL, next lesson URL). Over the emulated classroom link."""
    from playwright.sync_api import sync_playwright

    from .browser import launch, link_visits

    out = {server.name: {"cold": [], "warm": []} for server, _a, _b in pairs}
    with sync_playwright() as p:
        browser = launch(p)
        try:
            for i in range(runs):
                for server, first, following in pairs if i % 2 == 0 else pairs[::-1]:
                    try:
                        cold, warm = link_visits(browser, first, following)
                    except Exception as error:
                        log(f"  {server.name:11} link run {i + 1} FAILED: {str(error).splitlines()[0]}")
                        FAILED.append(f"{server.name} link run {i + 1}: {str(error).splitlines()[0]}")
                        continue
                    out[server.name]["cold"].append(cold)
                    out[server.name]["warm"].append(warm)
                    log(
                        f"  {server.name:11} link run {i + 1}: cold {cold['tti_s']:.1f} s {cold['bytes'] // 1024} kB, "
                        f"next lesson {warm['tti_s']:.1f} s {warm['bytes'] // 1024} kB"
                    )
        finally:
            browser.close()
    return out


def lighthouse_runs(targets: dict) -> dict:
    from . import lighthouse

    lighthouse.install()
    out = {}
    for name, url in targets.items():
        out[name] = {}
        for preset in ("mobile", "desktop"):
            out[name][preset] = lighthouse.run(url, preset)
            log(f"  {name:11} {preset}: {out[name][preset]}")
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="browser visits per server on localhost (median)")
    parser.add_argument("--link-runs", type=int, default=2, help="visits per server over the classroom link")
    parser.add_argument("--trainees", type=int, default=30)
    parser.add_argument("--ports", default="", help="three ports: stock,course,course_cold (default: free ports)")
    parser.add_argument("--quick", action="store_true", help="2 runs, 1 link run, 10 trainees, no stock classroom")
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument(
        "--no-fork",
        action="store_true",
        help="course servers start every kernel the usual way (--CourseVoila.fork_kernels=False): what forking gains",
    )
    parser.add_argument(
        "--recording-rounds",
        type=int,
        default=4,
        help="rounds (pairs of classrooms, recording off and on) of the recording part; 0: skip it",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.link_runs, args.trainees = 2, 1, 10
    ports = [int(p) for p in args.ports.split(",")] if args.ports else [servers.free_port() for _ in range(3)]
    work = Path(tempfile.mkdtemp(prefix="course-bench-"))
    started = time.time()
    load_start = [round(x, 2) for x in os.getloadavg()]
    from stalking_course.content.course import course

    pages = [(p.id, p.path("nl")) for p in course().pages]
    next_lesson = course().pages[2].path("nl")
    course_options = [
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL}",
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE}",
        *(["--CourseVoila.fork_kernels=False"] if args.no_fork else []),
    ]
    stock = servers.start_stock(ports[0], work, LESSON)
    # The course app as a trainer runs it for the lesson of the day: `make app CLASS=30 PREHEAT=what-is-stalking`
    course_app = servers.start_course(
        ports[1],
        work,
        [
            "--CourseVoila.preheat_pages=start",
            f"--CourseVoila.preheat_pages={LESSON_ID}",
            f"--CourseVoila.classroom={args.trainees}",
            *course_options,
        ],
    )
    # ... and as it starts by default (only the start pages preheated): any other lesson, first visitor.
    course_cold = servers.start_course(ports[2], work, course_options, name="course_cold")
    everything = [stock, course_app, course_cold]
    result = {}
    try:
        for s in everything:
            s.wait_ready()
        pool = class_pool(course_app)
        log("servers up: " + ", ".join(f"{s.name} {s.url}" for s in everything) + f"; CLASS pool {pool}")

        log("lesson text and time to interactive in Chromium, localhost ...")
        visits = browser_runs(everything, args.runs)

        def med(key):
            return {k: round(median([v[key] for v in vs]), 2) for k, vs in visits.items()}

        tti, text = med("tti_s"), med("text_s")
        result["text_s"], result["tti_s"] = text, tti
        result["text_ratio"] = round(text["course"] / text["stock"], 2)
        result["tti_ratio"] = round(tti["course"] / tti["stock"], 2)
        result["tti_ratio_cold"] = round(tti["course_cold"] / tti["stock"], 2)
        result["cls"] = {k: round(median([v["cls"] for v in vs]), 3) for k, vs in visits.items()}
        result["tti_runs_s"] = {k: [round(v["tti_s"], 2) for v in vs] for k, vs in visits.items()}
        result["text_runs_s"] = {k: [round(v["text_s"], 2) for v in vs] for k, vs in visits.items()}
        result["html_s"] = med("html_s")
        result["page_weight"] = {
            k: {"bytes": vs[-1]["bytes"], "requests": vs[-1]["requests"]} for k, vs in visits.items()
        }
        assets = {k: tuple(u for u in vs[-1]["assets"]) for k, vs in visits.items()}

        log("classroom link (2 Mbit/s down, 1 up, 40 ms): first lesson, then the next in the same browser ...")
        course_app.wait_pool(LESSON, pool)
        links = link_runs(
            [
                (stock, stock.page_url, servers.lesson_url(stock, next_lesson)),
                (course_app, course_app.page_url, servers.lesson_url(course_app, next_lesson)),
            ],
            args.link_runs,
        )
        result["link_s"] = {
            k: {kind: round(median([v["tti_s"] for v in vs[kind]]), 2) for kind in ("cold", "warm")}
            for k, vs in links.items()
        }
        result["link_text_s"] = {
            k: {kind: round(median([v["text_s"] for v in vs[kind]]), 2) for kind in ("cold", "warm")}
            for k, vs in links.items()
        }
        result["link_cold_ratio"] = round(result["link_s"]["course"]["cold"] / result["link_s"]["stock"]["cold"], 2)
        result["link_warm_ratio"] = round(result["link_s"]["course"]["warm"] / result["link_s"]["stock"]["warm"], 2)
        result["bytes_cold"] = {k: int(median([v["bytes"] for v in vs["cold"]])) for k, vs in links.items()}
        result["bytes_warm"] = {k: int(median([v["bytes"] for v in vs["warm"]])) for k, vs in links.items()}
        result["requests"] = {
            k: {kind: vs[kind][-1]["requests"] for kind in ("cold", "warm")} for k, vs in links.items()
        }

        if not args.no_lighthouse:
            log("lighthouse, mobile and desktop ...")
            course_app.wait_pool(LESSON, pool)
            result["lighthouse"] = lighthouse_runs({"stock": stock.page_url, "course": course_app.page_url})

        log("server render time ...")
        result["render_s"] = {s.name: round(median(render_times(s, args.runs)), 2) for s in everything}

        log("kernel memory per page ...")
        by_page = kernel_memory(course_cold, pages)
        result["kernel_uss_by_page"] = by_page
        measured = [v for v in by_page.values() if v is not None]
        result["kernel_uss_mb"] = max(measured) if measured else None
        result["kernel_uss_stock_mb"] = kernel_memory(stock, [("what-is-stalking", LESSON)])["what-is-stalking"]

        log("single trainee over the protocol (to separate server time from browser time) ...")
        overhead, single = {}, {}
        for s in everything:
            single[s.name] = median(protocol_times(s, assets[s.name], 3))
            overhead[s.name] = max(0.0, tti[s.name] - single[s.name])
        result["client_overhead_s"] = {k: round(v, 2) for k, v in overhead.items()}

        wait_after = LEAVE_WAIT
        c = {}
        for key, server in (("with_class", course_app), ("without_class", course_cold), ("stock", stock)):
            if key == "stock" and args.quick:
                continue
            if server is course_app:
                course_app.wait_pool(LESSON, pool)
            log(f"classroom: {args.trainees} trainees at once, {key} ...")
            room = classroom(server, assets[server.name], args.trainees, overhead[server.name], wait_after)
            room["p95_tti_ratio"] = round(room["p95_tti_s"] / tti[server.name], 2)
            room["pool"] = {"with_class": pool + 3, "without_class": 2, "stock": 0}[key]
            c[key] = room
        c["p95_tti_ratio"] = c["with_class"]["p95_tti_ratio"]
        result["classroom"] = c
        result["kernels_after_leave"] = c["with_class"]["kernels_after_leave"]
    finally:
        for s in everything:
            s.stop()
    if args.recording_rounds > 0:
        log(f"recording progress: classrooms of {args.trainees}, off and on, {args.recording_rounds} rounds ...")
        result["recording"] = recording.run(args.trainees, args.recording_rounds)
        result.update(recording.summary(result["recording"]))
    goals_met(result)
    result["goals"] = GOALS
    result["settings"] = {
        "lesson": LESSON,
        "next_lesson": next_lesson,
        "runs": args.runs,
        "link_runs": args.link_runs,
        "class": args.trainees,
        "cull_interval_s": CULL_INTERVAL,
        "cull_idle_timeout_s": CULL_IDLE,
        "link": "2 Mbit/s down, 1 Mbit/s up, 40 ms latency (Network.emulateNetworkConditions)",
        "course": f"make app CLASS={args.trainees} PREHEAT={LESSON_ID} (the lesson of the day preheated)",
        "course_cold": "voila.json as shipped (start pages preheated; this lesson not)",
        "recording_rounds": args.recording_rounds,
        "fork_kernels": not args.no_fork,
        "stock": "voila notebooks/ with default settings",
    }
    result["machine"] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average_start": load_start,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    result["failed_visits"] = FAILED
    result["duration_s"] = round(time.time() - started)
    RESULTS.mkdir(exist_ok=True)
    name = "latest-no-fork.json" if args.no_fork else "latest.json"  # the comparison keeps the usual result
    (RESULTS / name).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(table(result))
    print(f"\nwritten: {RESULTS / name} ({result['duration_s']} s)")
    return 0


def class_pool(server, timeout: float = 240) -> int:
    """The classroom pool the app stated at start (it says so once it has measured a kernel), then filled."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = re.search(r"CLASS=\d+: keeping (\d+) kernels", server.log_text())
        if match:
            pool = int(match.group(1))
            server.wait_pool(LESSON, pool, max(1, deadline - time.monotonic()))
            return pool
        time.sleep(1)
    raise RuntimeError(f"the course app did not state its classroom pool: see {server.log_path}")


if __name__ == "__main__":
    sys.exit(main())
