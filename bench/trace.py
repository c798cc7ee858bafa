"""Where a page's time goes: a Chromium trace of one cold visit, summed by kind of main-thread work and by script.

    python -m bench.trace URL [URL ...]

Prints, per URL: the page's milestones (HTML done, DOMContentLoaded, load, last script, kernel websocket,
lesson text seen, first quiz option clickable) and the main thread's busiest kinds of work and scripts.
"""

from __future__ import annotations

import collections
import json
import sys
import tempfile
from pathlib import Path

from .browser import QUIZ_INPUT, launch, new_context

KINDS = (
    "EvaluateScript",
    "RunMicrotasks",
    "FunctionCall",
    "TimerFire",
    "EventDispatch",
    "FireAnimationFrame",
    "ParseHTML",
    "ParseAuthorStyleSheet",
    "UpdateLayoutTree",
    "Layout",
    "PrePaint",
    "Paint",
    "Commit",
    "MinorGC",
    "MajorGC",
    "v8.compile",
)
MILESTONES = """(() => {
  const n = performance.getEntriesByType('navigation')[0], r = performance.getEntriesByType('resource');
  const js = r.filter(e => e.name.split('?')[0].endsWith('.js'));
  const ws = r.find(e => e.name.includes('/api/kernels/'));
  return {html_done: n.responseEnd, dom_content_loaded: n.domContentLoadedEventEnd, load: n.loadEventEnd,
          last_script: Math.max(0, ...js.map(e => e.responseEnd)), scripts: js.length,
          kernel_asked: ws ? ws.startTime : null, text: window.__bench.text};
})()"""


def trace(browser, url: str) -> dict:
    context, page = new_context(browser)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "trace.json"
            browser.start_tracing(
                page=page,
                path=str(path),
                categories=["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "loading"],
            )
            page.goto(url, wait_until="commit")
            page.locator(QUIZ_INPUT).first.click(trial=True, timeout=180_000)
            tti = page.evaluate("performance.now()")
            milestones = page.evaluate(MILESTONES)
            browser.stop_tracing()
            events = json.loads(path.read_text())
        page.goto("about:blank")
    finally:
        context.close()
    events = events["traceEvents"] if isinstance(events, dict) else events
    kinds, scripts = collections.Counter(), collections.Counter()
    for e in events:
        if e.get("ph") != "X" or not e.get("dur"):
            continue
        if e["name"] in KINDS:
            kinds[e["name"]] += e["dur"] / 1000
        if e["name"] in ("EvaluateScript", "FunctionCall"):
            data = e.get("args", {}).get("data", {})
            scripts[(data.get("url") or "").split("?")[0].rsplit("/", 1)[-1] or "(page)"] += e["dur"] / 1000
    milestones = {k: (round(v) if isinstance(v, float) else v) for k, v in milestones.items()}
    milestones["interactive"] = round(tti)
    return {
        "milestones_ms": milestones,
        "main_thread_ms": {k: round(v) for k, v in kinds.most_common(10)},
        "scripts_ms": {k: round(v) for k, v in scripts.most_common(10)},
    }


def main(argv=None) -> int:
    from playwright.sync_api import sync_playwright

    urls = argv if argv is not None else sys.argv[1:]
    with sync_playwright() as p:
        browser = launch(p)
        try:
            for url in urls:
                print(url)
                print(json.dumps(trace(browser, url), indent=1))
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
