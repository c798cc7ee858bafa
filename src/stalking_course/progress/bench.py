"""The cost of recording progress, measured: `python -m stalking_course.progress.bench [--trainees 30]`.

Run from the repository root (it uses the classroom bench's simulated trainee, bench/trainee.py). One course
app on a fresh SQLite store; classrooms of N trainees open lesson 1 within the same second, answer the
first question and leave, alternating between trainees who did not join (nothing recorded) and trainees who
joined a group (each answer written by their page's kernel before the feedback is sent). Reports p95 time to
interactive and to feedback for both, the unique memory (USS) of a recording kernel, and checks that every
joined trainee's answer is in the database exactly once. Writes bench/results/progress-latest.json.
"""
from __future__ import annotations

import argparse
import asyncio
import contextvars
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def p95(values):
    values = sorted(values)
    return values[max(0, round(0.95 * len(values)) - 1)] if values else float("nan")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stalking_course.progress.bench")
    parser.add_argument("--trainees", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=2, help="classrooms per mode (alternating off/on)")
    args = parser.parse_args(argv)

    repo = Path(__file__).resolve().parents[3]
    sys.path.insert(0, str(repo))
    folder = Path(tempfile.mkdtemp(prefix="progress-bench-"))
    os.environ["COURSE_DATA_DIR"] = str(folder)
    os.environ.pop("COURSE_DB_URL", None)

    import tornado.web
    from tornado.httpclient import AsyncHTTPClient

    from bench import servers
    from bench.trainee import LessonPage

    from . import web
    from .store import get_store

    cookie_of_task = contextvars.ContextVar("cookie", default=None)  # each simulated trainee is one task
    real_fetch = AsyncHTTPClient.fetch

    def fetch(client, request, **kwargs):
        """The page request of a joined trainee carries their learner cookie, as their browser's would."""
        cookie = cookie_of_task.get()
        if cookie and isinstance(request, str) and "headers" not in kwargs:
            kwargs["headers"] = {"Cookie": cookie}
        return real_fetch(client, request, **kwargs)

    AsyncHTTPClient.fetch = fetch

    store = get_store()
    group = store.create_group("bench")
    port = servers.free_port()
    server = servers.start_course(port, folder, ["--CourseVoila.preheat_pages=[]"], name="progress-bench")
    results = {"off": [], "on": []}
    memory = {}
    try:
        server.wait_ready()

        async def trainee(mode, t0, keep=False):
            page = LessonPage(server.url, server.page_url)
            if mode == "on":
                learner, _code = store.join(group)
                page.cookies[web.LEARNER_COOKIE] = tornado.web.create_signed_value(
                    web._cookie_secret(), web.LEARNER_COOKIE, learner).decode()
                page.learner = learner
                cookie_of_task.set(page._cookie_header())
            page._t0 = t0
            await page.open()
            await page.answer_first_question(1)
            if not keep:
                await page.leave()
            return page

        async def classroom(mode):
            """N trainees at once; the first keeps its page open until its kernel's memory is measured."""
            t0 = time.perf_counter()
            pages = await asyncio.gather(*[trainee(mode, t0, keep=n == 0) for n in range(args.trainees)],
                                         return_exceptions=True)
            kept = pages[0]
            if not isinstance(kept, BaseException):
                memory.setdefault(mode, []).append(round(servers.uss_mb(servers.kernel_process(kept.kernel_id)), 1))
                await kept.leave()
            return pages

        for _round in range(args.rounds):
            for mode in ("off", "on"):
                pages = asyncio.run(classroom(mode))
                errors = [repr(p) for p in pages if isinstance(p, BaseException)]
                ok = [p for p in pages if not isinstance(p, BaseException)]
                recorded = None
                if mode == "on":
                    recorded = sum(len(store.answers(p.learner)) for p in ok)
                results[mode].append({
                    "completed": len(ok), "errors": errors[:3],
                    "p95_tti_s": round(p95([p.times["interactive"] for p in ok]), 2),
                    "p95_answer_s": round(p95([p.times["answered"] - p.times["interactive"] for p in ok]), 3),
                    "answers_recorded": recorded})
                print(f"{mode}: {results[mode][-1]}", file=sys.stderr, flush=True)
                time.sleep(6)  # let the culler and the pool settle between classrooms

    finally:
        server.stop()

    def summary(mode):
        rounds = results[mode]
        return {"p95_tti_s": round(statistics.median(r["p95_tti_s"] for r in rounds), 2),
                "p95_answer_s": round(statistics.median(r["p95_answer_s"] for r in rounds), 3)}

    locked = server.log_path.read_text(errors="replace").count("database is locked")
    off, on = summary("off"), summary("on")
    memory = {mode: max(values) for mode, values in memory.items()}
    lost_or_doubled = [r for r in results["on"] if r["answers_recorded"] != r["completed"]]
    report = {"trainees": args.trainees, "rounds": args.rounds, "off": off, "on": on,
              "p95_tti_ratio": round(on["p95_tti_s"] / off["p95_tti_s"], 3) if off["p95_tti_s"] else None,
              "kernel_uss_mb": memory, "answers_lost_or_doubled": len(lost_or_doubled), "database_locked_in_log": locked,
              "errors": [e for mode in results for r in results[mode] for e in r["errors"]][:5], "raw": results}
    report["goals_met"] = {"p95_within_10_percent": report["p95_tti_ratio"] is not None and report["p95_tti_ratio"] <= 1.10,
                           "kernel_uss_under_60_mb": memory["on"] <= 60,
                           "no_lost_or_doubled_answer": not lost_or_doubled,
                           "every_trainee_got_feedback": not report["errors"],
                           "no_database_locked": locked == 0}
    out = repo / "bench" / "results" / "progress-latest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    rows = [("", "recording off", "recording on"),
            (f"classroom of {args.trainees}: p95 time to interactive (s)", off["p95_tti_s"], on["p95_tti_s"]),
            ("p95 click to feedback (s)", off["p95_answer_s"], on["p95_answer_s"]),
            ("kernel USS after one answer (MB)", memory["off"], memory["on"])]
    for row in rows:
        print(f"{row[0]:<55} {row[1]!s:>14} {row[2]!s:>14}")
    print(f"answers lost or doubled: {report['answers_lost_or_doubled']}; 'database is locked' in the app log: {locked}")
    print(f"goals: {report['goals_met']}")
    print(f"wrote {out}")
    return 0 if all(report["goals_met"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
