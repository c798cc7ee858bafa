"""What the course page does around the lesson: Esc leaves from anywhere, a page whose kernel is gone after
a break says so and offers a reload, and the language entry URLs open the start pages."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS, leave, start_app, stop, wait_for, wait_until_drawn

EXIT_URL = "https://www.buienradar.nl/"
DIARY = "voila/render/notebooks/nl/07_het-stalkingdagboek.ipynb"
START = "voila/render/notebooks/nl/00_start.ipynb"
LESSON_1 = "voila/render/notebooks/nl/01_wat-is-stalking.ipynb"


@pytest.fixture
def page(laptop_context):
    """Here `page` is a new tab of the session's laptop browser (conftest: it keeps the course's compiled
    scripts), left the way a trainee leaves it."""
    pg = laptop_context.new_page()
    yield pg
    leave(pg)


# Every kind of control a trainee can be in when they need to leave (the page promises Esc always works).
CONTROLS = [
    (DIARY, ".course-diary-form textarea", "typing"),
    (DIARY, ".course-diary-form select", None),
    (DIARY, ".course-diary-form input[type=date]", None),
    (DIARY, ".course-diary-form input[type=time]", None),
    (DIARY, ".course-diary-form input[type=checkbox]", None),
    (START, ".course-guide select", None),
    (LESSON_1, ".course-options input[type=radio]", None),
    (LESSON_1, ".course-question-box button", None),
]


@pytest.mark.parametrize("path,selector,typing", CONTROLS, ids=[c[1] for c in CONTROLS])
def test_escape_leaves_from_inside_every_kind_of_control(page, course_server, path, selector, typing):
    page.goto(course_server + path)
    wait_until_drawn(page)
    # routed once the page is there (a routed page loads without the browser's cache)
    page.route(EXIT_URL + "**", lambda route: route.fulfill(body="<p>neutral</p>", content_type="text/html"))
    control = page.locator(selector).first
    control.scroll_into_view_if_needed()
    control.focus()
    if typing:
        page.keyboard.type("Hij stond weer bij de")
    assert control.evaluate("el => el === document.activeElement"), f"{selector} did not take the focus"
    page.keyboard.press("Escape")
    page.wait_for_url(EXIT_URL, timeout=5000)
    assert "stalking" not in page.content().lower()


@pytest.mark.parametrize("entry,lang", [("en", "en"), ("en/", "en"), ("nl", "nl"), ("nl/", "nl")])
def test_a_language_entry_url_opens_that_start_page(course_server, entry, lang):
    with urllib.request.urlopen(course_server + entry) as response:  # follows the redirect
        assert response.status == 200
        assert f"/notebooks/{lang}/00_start.ipynb" in response.url
        assert f'<html lang="{lang}">' in response.read().decode()


@pytest.fixture
def culling_server():
    """The app with a kernel culler that stops a page's kernel after 3 idle seconds, even while the page is
    open (as after a long break with a sleeping laptop)."""
    proc, url = start_app(
        "--MappingKernelManager.cull_idle_timeout=3",
        "--MappingKernelManager.cull_interval=1",
        "--MappingKernelManager.cull_connected=True",
        "--CourseVoila.preheat_pages=[]",
        log_name="culling",
    )
    try:
        wait_for(url)
        yield url
    finally:
        stop(proc)


def kernel_exists(base_url, kernel_id) -> bool:
    try:
        urllib.request.urlopen(f"{base_url}api/kernels/{kernel_id}", timeout=10)
        return True
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return False
        raise


def test_a_page_whose_kernel_is_gone_says_so_and_offers_a_reload(page, culling_server):
    page.goto(culling_server + LESSON_1)
    wait_until_drawn(page)
    box = page.locator(".course-question-box").first
    box.scroll_into_view_if_needed()
    # The kernel goes (culled while idle); then the trainee comes back and answers.
    kernel = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    deadline = time.time() + 60
    while kernel_exists(culling_server, kernel):
        assert time.time() < deadline, "the culler never stopped the page's kernel"
        time.sleep(0.5)
    box.locator("input[type=radio]").first.check()
    box.get_by_role("button", name="Controleer").click()

    notice = page.get_by_role("alert").filter(has_text="verbinding")
    expect(notice).to_be_visible(timeout=15_000)
    expect(notice).to_contain_text("Laad de pagina opnieuw")
    reload = notice.get_by_role("button", name="Pagina opnieuw laden")
    assert notice.bounding_box()["y"] >= 0  # in view, wherever the trainee had scrolled to
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "kernel-lost-nl.png"))

    reload.focus()
    page.keyboard.press("Enter")  # usable by keyboard
    page.wait_for_load_state()
    wait_until_drawn(page)
    expect(page.locator(".course-question-box").first.get_by_role("button", name="Controleer")).to_be_visible()
