"""`make bench`'s simulated trainees: render times, protocol times, kernel memory per page and the classroom
(N trainees at once over HTTP and the kernel websocket, bench/trainee.py)."""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import threading
import time

from . import servers
from .trainee import CONFIG, LessonPage


def median(values):
    return statistics.median(values) if values else float("nan")


def p95(values):
    values = sorted(values)
    return values[max(0, round(0.95 * len(values)) - 1)] if values else float("nan")


def log(*args):
    print(*args, file=sys.stderr, flush=True)


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
            match = CONFIG.search(response.body.decode())
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
        return await asyncio.gather(*[_trainee(server, assets, t0) for _ in range(trainees)], return_exceptions=True)

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
