"""A trainee in headless Chromium: start page -> lesson 1 -> quiz by mouse and by keyboard -> English -> quick exit."""

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS, leave

EXIT_URL = "https://www.buienradar.nl/"


@pytest.fixture
def page(laptop_context):
    """Here `page` is a new tab of the session's laptop browser (conftest: it keeps the course's compiled
    scripts), left the way a trainee leaves it."""
    pg = laptop_context.new_page()
    yield pg
    leave(pg)


def open_lesson(page, course_server):
    page.goto(course_server)
    page.wait_for_selector(".course-toc a")
    page.get_by_role("link", name="Wat is stalking?").first.click()
    page.wait_for_selector(".course-question-box")


def test_a_trainee_works_through_lesson_one(page, course_server):
    open_lesson(page, course_server)
    assert page.url.endswith("/notebooks/nl/01_wat-is-stalking.ipynb")
    assert page.locator("html").get_attribute("lang") == "nl"
    box = page.locator(".course-question-box").nth(0)

    box.get_by_role("button", name="Controleer").click()
    feedback = box.locator(".course-feedback")
    expect(feedback).to_contain_text("Kies eerst een antwoord")

    box.get_by_label("Zolang er geen geweld is", exact=False).check()  # a wrong answer
    box.get_by_role("button", name="Controleer").click()
    expect(feedback).to_contain_text("✘ Nog niet goed")
    assert feedback.get_attribute("aria-live") == "polite"

    box.get_by_label("Iedereen heeft het recht", exact=False).check()  # the right answer
    box.get_by_role("button", name="Controleer").click()
    expect(feedback).to_contain_text("✔ Goed")
    expect(feedback).to_contain_text("Uitleg")

    ARTIFACTS.mkdir(exist_ok=True)
    box.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "lesson1-nl-quiz.png"))


def test_a_question_can_be_answered_with_the_keyboard_only(page, course_server):
    open_lesson(page, course_server)
    box = page.locator(".course-question-box").nth(1)
    # Tab from the top of the page until the second question's options have focus (bounded).
    page.locator("body").focus()
    for _ in range(80):
        page.keyboard.press("Tab")
        if box.evaluate("b => b.contains(document.activeElement)"):
            break
    else:
        pytest.fail("Tab never reached the second question")
    page.keyboard.press("Space")  # select the focused option: the first, Huisvredebreuk, which is wrong
    assert box.get_by_label("Huisvredebreuk").is_checked()
    page.keyboard.press("Tab")  # one Tab leaves the group, to the Check button
    assert box.evaluate("b => document.activeElement.tagName") == "BUTTON"
    page.keyboard.press("Enter")
    expect(box.locator(".course-feedback")).to_contain_text("✘ Nog niet goed")
    page.keyboard.press("Shift+Tab")  # back into the group
    page.keyboard.press("ArrowDown")  # the arrow keys move through the options: Smaad, then Belaging
    page.keyboard.press("ArrowDown")
    assert box.get_by_label("Belaging").is_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(box.locator(".course-feedback")).to_contain_text("✔ Goed")


def test_switch_language_and_quick_exit(page, course_server):
    open_lesson(page, course_server)
    page.get_by_role("link", name="Read this page in English").click()
    page.wait_for_selector(".course-question-box")
    assert page.url.endswith("/notebooks/en/01_what-is-stalking.ipynb")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1.course-title").inner_text() == "What is stalking?"
    exit_link = page.get_by_role("link", name="Quick exit")
    assert exit_link.is_visible()
    assert "does not clear your browser history" in page.locator(".course-quick-exit-note").inner_text()
    page.screenshot(path=str(ARTIFACTS / "lesson1-en-top.png"))
    page.route(
        EXIT_URL + "**", lambda route: route.fulfill(body="<title>Weer</title><p>neutral</p>", content_type="text/html")
    )
    exit_link.click()
    page.wait_for_url(EXIT_URL)
    assert "stalking" not in page.content().lower()


def test_escape_key_leaves_the_page(page, course_server):
    page.goto(course_server)
    page.wait_for_selector(".course-toc a")
    # routed once the page is there (a routed page loads without the browser's cache)
    page.route(EXIT_URL + "**", lambda route: route.fulfill(body="<p>neutral</p>", content_type="text/html"))
    page.keyboard.press("Escape")
    page.wait_for_url(EXIT_URL)
