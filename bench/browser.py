"""Time to interactive in headless Chromium: navigation start until the first quiz input can be clicked."""
from __future__ import annotations

import os
import time
from urllib.parse import urlsplit

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
QUIZ_INPUT = ".course-quiz input[type=radio]"
LOOPBACK = ("127.0.0.1", "localhost", "[::1]", "::1")


def launch(playwright):
    kwargs = {"args": FLAGS}
    if os.path.exists(CHROMIUM):
        kwargs["executable_path"] = CHROMIUM
    return playwright.chromium.launch(**kwargs)


def only_loopback(route):
    """Nothing leaves this machine: a request to anywhere else fails at once, as in an offline room
    (stock Voila asks a CDN for FontAwesome; the course template does not)."""
    host = urlsplit(route.request.url).hostname or ""
    if route.request.url.startswith("data:") or host in LOOPBACK:
        route.continue_()
    else:
        route.abort()


def one_visit(browser, url: str, timeout_ms: int = 120_000) -> dict:
    """Open the page in a fresh profile (empty cache), wait until the first quiz option is clickable,
    then close the page as a trainee does (the page's unload beacon stops its kernel)."""
    context = browser.new_context()
    context.route("**/*", only_loopback)
    page = context.new_page()
    try:
        page.goto(url, wait_until="commit", timeout=timeout_ms)
        page.locator(QUIZ_INPUT).first.click(trial=True, timeout=timeout_ms)
        tti_ms = page.evaluate("performance.now()")
        nav = page.evaluate("(() => { const n = performance.getEntriesByType('navigation')[0];"
                            " return {responseEnd: n.responseEnd, transferSize: n.transferSize}; })()")
        resources = page.evaluate("performance.getEntriesByType('resource')"
                                  ".map(e => ({url: e.name, size: e.transferSize, type: e.initiatorType}))")
        static = [r["url"] for r in resources if "/api/" not in r["url"]
                  and (urlsplit(r["url"]).hostname or "") in LOOPBACK]
        return {
            "tti_s": tti_ms / 1000,
            "html_s": nav["responseEnd"] / 1000,
            "requests": 1 + len(resources),
            "bytes": nav["transferSize"] + sum(r["size"] for r in resources),
            "assets": static,
        }
    finally:
        try:
            page.goto("about:blank")  # leaving the page fires its unload handler (the shutdown beacon)
            time.sleep(0.3)  # the beacon is sent in the background
        finally:
            context.close()
