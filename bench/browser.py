"""A trainee's browser: headless Chromium, measuring from navigation start.

- text_s: the lesson's text is on screen (the first paragraph of the lesson's first section can be seen);
- tti_s: the first quiz option can be clicked (the widgets are drawn and the kernel answered);
- cls: cumulative layout shift until then (the same sum Lighthouse reports, without its session windows);
- bytes / requests: what went over the wire (transferSize: compressed, 0 for a file the cache kept).

Offline like a training room: every host but this machine fails to resolve (a Chromium flag, not request
interception, which would switch Chromium's cache off). `link` emulates one trainee's share of a classroom's
Wi-Fi with Chromium's own network emulation (DevTools protocol Network.emulateNetworkConditions).
"""

from __future__ import annotations

import os
import time
from urllib.parse import urlsplit

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    OFFLINE,
]
QUIZ_INPUT = ".course-quiz input[type=radio]"
TEXT = ".jp-MarkdownCell p"
LOOPBACK = ("127.0.0.1", "localhost", "[::1]", "::1")
# 60 Mbit/s Wi-Fi shared by 30: 2 Mbit/s down, 1 Mbit/s up, 40 ms latency (bytes per second for CDP)
CLASSROOM_LINK = {
    "offline": False,
    "latency": 40,
    "downloadThroughput": 2_000_000 / 8,
    "uploadThroughput": 1_000_000 / 8,
}

# Runs in the page before its own scripts: notes when the lesson text is first seen, and layout shifts.
PROBE = """
window.__bench = {text: null, cls: 0};
new PerformanceObserver(function (list) {
  for (const e of list.getEntries()) { if (!e.hadRecentInput) { window.__bench.cls += e.value; } }
}).observe({type: 'layout-shift', buffered: true});
(function look() {
  const el = document.querySelector(TEXT_SELECTOR);
  if (el && el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) { window.__bench.text = performance.now(); return; }
  }
  requestAnimationFrame(look);
})();
""".replace("TEXT_SELECTOR", repr(TEXT))


def launch(playwright):
    kwargs = {"args": FLAGS}
    if os.path.exists(CHROMIUM):
        kwargs["executable_path"] = CHROMIUM
    return playwright.chromium.launch(**kwargs)


def new_context(browser, link: bool = False):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.add_init_script(PROBE)
    page = context.new_page()
    if link:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", CLASSROOM_LINK)
    return context, page


def visit(page, url: str, timeout_ms: int = 180_000) -> dict:
    """Open url in this page (its context's cache as it is), wait until the first quiz option is clickable,
    then leave the page as a trainee does (its unload beacon stops its kernel)."""
    page.goto(url, wait_until="commit", timeout=timeout_ms)
    page.locator(QUIZ_INPUT).first.click(trial=True, timeout=timeout_ms)
    tti_ms = page.evaluate("performance.now()")
    page.wait_for_function("window.__bench && window.__bench.text !== null", timeout=timeout_ms)
    probe = page.evaluate("window.__bench")
    nav = page.evaluate(
        "(() => { const n = performance.getEntriesByType('navigation')[0];"
        " return {responseEnd: n.responseEnd, transferSize: n.transferSize}; })()"
    )
    resources = page.evaluate(
        "performance.getEntriesByType('resource')"
        ".map(e => ({url: e.name, size: e.transferSize, type: e.initiatorType}))"
    )
    static = [
        r["url"] for r in resources if "/api/" not in r["url"] and (urlsplit(r["url"]).hostname or "") in LOOPBACK
    ]
    page.goto("about:blank")  # leaving the page fires its unload handler (the shutdown beacon)
    time.sleep(0.3)  # the beacon is sent in the background
    return {
        "tti_s": tti_ms / 1000,
        "text_s": probe["text"] / 1000,
        "cls": probe["cls"],
        "html_s": nav["responseEnd"] / 1000,
        "requests": 1 + len(resources),
        "bytes": nav["transferSize"] + sum(r["size"] for r in resources),
        "assets": static,
    }


def one_visit(browser, url: str, timeout_ms: int = 60_000) -> dict:
    """A fresh profile (empty cache) on localhost."""
    context, page = new_context(browser)
    try:
        return visit(page, url, timeout_ms)
    finally:
        context.close()


def link_visits(browser, first_url: str, next_url: str, timeout_ms: int = 150_000) -> tuple:
    """Over the emulated classroom link: a first lesson in a fresh browser, then the next lesson in the
    same browser (what its cache kept is not fetched again)."""
    context, page = new_context(browser, link=True)
    try:
        return visit(page, first_url, timeout_ms), visit(page, next_url, timeout_ms)
    finally:
        context.close()
