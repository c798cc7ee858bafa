"""Speed mechanisms (issue 13), held by tests; the timings themselves are `make bench`'s, never asserted here.

One course app in classroom mode for the whole module (`CLASS=3 PREHEAT=what-is-stalking`):
- CLASS keeps the number of rendered kernels it says it keeps (counted from the server's kernel files);
- gzip on the lesson's HTML and its scripts;
- a year's immutable cache for versioned static files only, never for the page or an unversioned file;
- the lesson text is readable, with quiet placeholders for the widgets, while the kernel's websocket is held
  back (no kernel message has arrived).
"""

from __future__ import annotations

import glob
import json
import os
import re
import time
import urllib.error
import urllib.request
from urllib.parse import urljoin

import pytest

from conftest import ARTIFACTS, start_app, stop, wait_for

LESSON = "voila/render/notebooks/nl/01_wat-is-stalking.ipynb"
YEAR = "max-age=31536000"
CLASS = 3


@pytest.fixture(scope="module")
def classroom_app():
    proc, url = start_app(
        "--CourseVoila.preheat_pages=start",
        "--CourseVoila.preheat_pages=what-is-stalking",
        f"--CourseVoila.classroom={CLASS}",
        "--MappingKernelManager.cull_idle_timeout=2",
        "--MappingKernelManager.cull_interval=1",
        log_name="speed",
    )  # short culling: see below
    log = ARTIFACTS / f"speed-{url.rstrip('/').rsplit(':', 1)[1]}.log"
    try:
        wait_for(url + "voila/static/course.css", timeout=90)  # not `/`: that would take a start page's kernel
        yield url, log
    finally:
        stop(proc)


def get(url: str, gzip: bool = True):
    """(status, headers, body as sent) without decompressing."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip else {})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.headers, response.read()


def page_html(base: str) -> str:
    _status, _headers, body = get(base + LESSON, gzip=False)
    return body.decode()


def kernel_files(log_path) -> list:
    """The kernels the server runs now: one connection file each in the folder its log names."""
    match = re.search(r"Storing connection files in (\S+?)\.?$", log_path.read_text(), re.M)
    assert match, "the server did not say where its kernels' connection files are"
    return glob.glob(os.path.join(match.group(1), "kernel-*.json"))


def test_class_keeps_the_number_of_kernels_it_states(classroom_app):
    base, log = classroom_app
    said = None
    for _ in range(600):  # the statement comes once a kernel of the lesson has rendered and been measured
        said = re.search(
            rf"CLASS={CLASS}: keeping (\d+) kernels of what-is-stalking ready, about (\d+) MB", log.read_text()
        )
        if said:
            break
        time.sleep(0.2)
    assert said, "the app did not state how many kernels it keeps ready"
    keep = int(said.group(1))
    assert 1 <= keep <= CLASS
    # ready: the classroom pool, the start page in both languages, the lesson in English
    expected = keep + 3
    for _ in range(600):
        if len(kernel_files(log)) >= expected:
            break
        time.sleep(0.2)
    time.sleep(4)  # past the (short) idle timeout: kernels waiting in a pool are not culled
    assert len(kernel_files(log)) == expected


def test_lesson_html_and_scripts_are_sent_gzipped(classroom_app):
    base, _log = classroom_app
    _status, headers, body = get(base + LESSON)
    assert headers.get("Content-Encoding") == "gzip"
    html = __import__("gzip").decompress(body).decode()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert any("/voila.js" in s for s in scripts) and any("course.js" in s for s in scripts)
    config = json.loads(
        re.search(
            r'<script id="jupyter-config-data" type="application/json">\s*(\{.*?\})\s*</script>', html, re.S
        ).group(1)
    )
    extensions = [f"{config['fullLabextensionsUrl']}/{e['name']}/{e['load']}" for e in config["federated_extensions"]]
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    for path in scripts + extensions + stylesheets:
        _status, headers, _body = get(urljoin(base, path))
        assert headers.get("Content-Encoding") == "gzip", path


def test_versioned_static_files_are_cached_for_a_year_and_nothing_else(classroom_app):
    base, _log = classroom_app
    _status, headers, _body = get(base + LESSON)
    assert YEAR not in headers.get("Cache-Control", "") and "no-store" in headers.get("Cache-Control", "")
    html = page_html(base)
    config = json.loads(
        re.search(
            r'<script id="jupyter-config-data" type="application/json">\s*(\{.*?\})\s*</script>', html, re.S
        ).group(1)
    )
    voila_js = next(s for s in re.findall(r'<script src="([^"]+)"', html) if s.endswith("/voila.js"))
    course_css = next(h for h in re.findall(r'href="([^"]+)"', html) if "course.css" in h)
    course_js = next(s for s in re.findall(r'<script src="([^"]+)"', html) if "course.js" in s)
    extension = config["federated_extensions"][0]
    versioned = [
        voila_js,
        voila_js.replace("/voila.js", "/1187.voila.js"),
        course_css,
        course_js,
        f"{config['fullLabextensionsUrl']}/{extension['name']}/{extension['load']}",
    ]
    for path in versioned:
        cache = get(urljoin(base, path))[1].get("Cache-Control", "")
        assert YEAR in cache and "immutable" in cache, (path, cache)
    unversioned = [
        "voila/static/voila.js",
        "voila/static/course.css",
        "voila/static/course.css?v=0123456789abcdef",
        "voila/static/_v/000000000000/voila.js",
        f"voila/labextensions/{extension['name']}/package.json",
    ]
    for path in unversioned:
        cache = get(urljoin(base, path))[1].get("Cache-Control", "")
        assert YEAR not in cache and "no-cache" in cache, (path, cache)


def test_an_unchanged_static_file_is_not_sent_again(classroom_app):
    """no-cache means "ask first": the second visit gets 304 Not Modified for a file it has, not the file."""
    base, log = classroom_app
    for path in ("voila/static/voila.js", "voila/static/course.css"):
        _status, headers, _body = get(urljoin(base, path))
        etag = headers.get("Etag")
        assert etag, f"{path}: no ETag, so a browser must download it again on every visit"
        request = urllib.request.Request(urljoin(base, path), headers={"If-None-Match": etag})
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=60)
        assert answer.value.code == 304, path
    assert "Could not open static file" not in log.read_text()


def test_lesson_text_is_readable_before_any_kernel_message(classroom_app, page):
    base, _log = classroom_app
    held = []
    # The kernel's websocket is answered by nobody: the page gets no kernel message at all.
    page.route_web_socket(re.compile(r".*/api/kernels/.*/channels.*"), lambda ws: held.append(ws.url))
    page.goto(base + LESSON, wait_until="domcontentloaded")
    heading = page.locator(".jp-RenderedHTMLCommon h1").first
    heading.wait_for(state="visible", timeout=30_000)
    assert heading.inner_text().strip()
    assert page.locator(".jp-RenderedHTMLCommon p").first.is_visible()
    assert page.locator(".jp-MarkdownCell h2").first.is_visible()
    pending = page.locator(".course-pending")
    assert pending.count() > 0
    pending.first.wait_for(state="visible", timeout=30_000)
    for _ in range(300):  # until Voila's scripts have asked for the kernel (and got no answer)
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the page did not try to reach its kernel"
    page.wait_for_timeout(1000)  # time enough for widgets to be drawn, if a kernel message could arrive
    # placeholders are hidden from screen readers and hold no focusable control; no quiz is drawn yet
    assert all(p.get_attribute("aria-hidden") == "true" for p in pending.all())
    assert page.locator(".course-pending a, .course-pending button, .course-pending input").count() == 0
    assert page.locator(".course-quiz input").count() == 0
    # the text was not shown for a moment only: it is still there, and so is the placeholder
    assert heading.is_visible() and pending.first.is_visible()
