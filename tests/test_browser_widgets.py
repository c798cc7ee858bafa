"""Widgets in headless Chromium at real sizes (issue 8): the referral guide on a phone (390x844, touch) and a
laptop (1366x768), phone numbers as tel: links, the diary's date range and double click, and the quiz's
"partly right" and final wording. Each test opens its pages in new tabs of the session's phone or laptop
browser (conftest); widgets are reached by scrolling them into view, as a trainee would; screenshots of the
viewport go to test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS, leave
from stalking_course.content import fact, ui
from stalking_course.content.course import course
from stalking_course.content.questions import bank

PHONE, LAPTOP = "phone", "laptop"  # conftest's devices: 390x844 with touch, 1366x768
LOAD = 120_000  # ms: a page's kernel may start slowly on a busy machine


def tel_href(number: str) -> str:
    """What a phone dials: tel: and the digits of the number as the data gives it."""
    return "tel:" + re.sub(r"\D", "", number)


def url(course_server: str, page_id: str, lang: str) -> str:
    return f"{course_server}voila/render/{course().page(page_id).path(lang)}"


@pytest.fixture
def open_page(laptop_context, phone_context):
    """Open a page in a new tab of the session's laptop or phone browser (conftest); left after the test."""
    contexts = {"laptop": laptop_context, "phone": phone_context}
    tabs = []

    def _open(course_server, page_id, lang, device):
        pg = contexts[device].new_page()
        tabs.append(pg)
        pg.goto(url(course_server, page_id, lang), wait_until="domcontentloaded", timeout=LOAD)
        return pg

    yield _open
    for pg in tabs:
        leave(pg)


def shot(pg, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"widgets-{name}.png"))  # the viewport, not the full page


SELECT_FIT = """s => {
    const cs = getComputedStyle(s), c = document.createElement('canvas').getContext('2d');
    c.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const text = s.options[s.selectedIndex].text, r = s.getBoundingClientRect();
    return {text, textWidth: c.measureText(text).width,
            room: s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight),
            left: r.left, right: r.right, viewport: document.documentElement.clientWidth,
            labelAbove: s.labels.length > 0 && s.labels[0].getBoundingClientRect().bottom <= r.top + 1};
}"""


# ---- item 1: the referral guide


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_referral_guide_on_a_phone_shows_112_at_once_and_the_whole_choice(open_page, course_server, lang):
    t = ui(lang)
    pg = open_page(course_server, "start", lang, PHONE)
    guide = pg.locator(".course-guide")
    select = guide.locator("select")
    select.wait_for(timeout=LOAD)
    select.scroll_into_view_if_needed()

    fit = select.evaluate(SELECT_FIT)
    assert fit["text"] == t["guide_choose"], "the dropdown starts on the placeholder, not blank"
    assert fit["labelAbove"], "the label sits above the dropdown, which gets the width"
    assert 0 <= fit["left"] and fit["right"] <= fit["viewport"], fit

    guide.get_by_label(t["guide_danger"]).check()
    answer = guide.locator(".course-feedback")
    emergency = fact("emergency_number").value[lang]
    link = answer.locator(f'a[href="tel:{emergency}"]').first
    expect(link).to_be_visible()
    expect(answer).to_contain_text(t["guide_then_choose"])
    expect(answer).not_to_contain_text(t["guide_prompt"])
    shot(pg, f"guide-{lang}-phone-danger")

    select.select_option(label="ex-partner")
    fit = select.evaluate(SELECT_FIT)
    assert fit["text"] == "ex-partner"
    assert fit["textWidth"] <= fit["room"], f"the choice is cut: {fit}"
    items = answer.locator("li")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_have_text(re.compile(rf"^{t['guide_first']} {emergency} \("))
    assert f"({emergency})" not in items.nth(0).inner_text(), "no doubled number"
    vt = fact("veilig_thuis_phone").value[lang]
    expect(items.nth(1).locator(f'a[href="{tel_href(vt)}"]')).to_have_text(vt)
    expect(answer).to_contain_text(t["guide_chosen"].format(relation="ex-partner"))
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390, "nothing wider than the phone"
    select.scroll_into_view_if_needed()
    shot(pg, f"guide-{lang}-phone-ex-partner")


def test_the_referral_guide_on_a_laptop(open_page, course_server):
    t = ui("nl")
    pg = open_page(course_server, "start", "nl", LAPTOP)
    select = pg.locator(".course-guide select")
    select.wait_for(timeout=LOAD)
    select.scroll_into_view_if_needed()
    select.select_option(label="collega")
    answer = pg.locator(".course-guide .course-feedback")
    police = fact("police_phone").value["nl"]
    expect(answer.locator(f'a[href="{tel_href(police)}"]')).to_have_text(police)
    fit = select.evaluate(SELECT_FIT)
    assert fit["textWidth"] <= fit["room"]
    pg.locator(".course-guide").get_by_label(t["guide_danger"]).check()
    expect(answer.locator("li")).to_have_count(2)
    select.scroll_into_view_if_needed()
    shot(pg, "guide-nl-laptop")


# ---- item 4: phone numbers are tappable everywhere


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_phone_numbers_in_the_content_notice_are_tel_links(open_page, course_server, lang):
    pg = open_page(course_server, "start", lang, PHONE)
    notice = pg.locator(".course-notice").first
    notice.wait_for(timeout=LOAD)
    for key in ("veilig_thuis_phone", "emergency_number", "police_phone"):
        number = fact(key).value[lang]
        link = pg.locator(f'a[href="{tel_href(number)}"]').first
        expect(link).to_have_text(number)
    vt = pg.locator(f'a[href="{tel_href(fact("veilig_thuis_phone").value[lang])}"]').first
    vt.scroll_into_view_if_needed()
    box = vt.bounding_box()
    assert box and box["width"] > 0 and box["x"] + box["width"] <= 390, "the link is on screen, whole"
    assert vt.evaluate("a => getComputedStyle(a).textDecorationLine") == "underline", "a link by more than its colour"
    shot(pg, f"tel-links-{lang}-phone")


@pytest.mark.parametrize("page_id", ["referral", "resources"])
def test_phone_numbers_on_the_referral_and_resources_pages_are_tel_links(open_page, course_server, page_id):
    pg = open_page(course_server, page_id, "nl", PHONE)
    pg.locator(".course-footer").first.wait_for(timeout=LOAD)
    for key in ("veilig_thuis_phone", "police_phone", "emergency_number"):
        number = fact(key).value["nl"]
        expect(pg.locator(f'a[href="{tel_href(number)}"]').first).to_have_text(number)
    assert pg.locator('a[href^="tel:"]').count() >= 3


# ---- item 2: the diary's dates and the double click


def _diary_form(pg):
    form = pg.locator(".course-diary-form")
    form.wait_for(timeout=LOAD)
    return form


def test_an_out_of_range_diary_date_is_refused_and_a_double_click_adds_once(open_page, course_server):
    from stalking_course.elements.diary import config

    t, shared = config()["ui"]["nl"], ui("nl")
    pg = open_page(course_server, "incident-diary", "nl", LAPTOP)
    form = _diary_form(pg)
    date = form.locator('input[type="date"]')
    date.scroll_into_view_if_needed()

    date.fill("2030-01-01")
    form.get_by_label(t["form_kind"]).select_option(label="Telefoontje")
    description = form.locator("textarea")
    description.fill("Hij belde om middernacht.")
    add = form.get_by_role("button", name=t["form_add"])
    add.click()
    message = form.locator(".course-feedback")
    expect(message).to_contain_text(t["err_date_range"].format(first="6 februari 2025", last="11 mei 2025"))
    expect(message).to_contain_text("✘")
    assert date.input_value() == "2030-01-01", "the typed date is not changed"
    assert description.input_value() == "Hij belde om middernacht."
    expect(form).to_contain_text(shared["diary_date_hint"].format(first="6 februari 2025", last="11 mei 2025"))
    message.scroll_into_view_if_needed()
    shot(pg, "diary-nl-out-of-range")

    date.fill("2025-03-20")
    add.dblclick()
    expect(message).to_contain_text("✔")
    pg.wait_for_timeout(1500)  # the second click's answer, if any, has arrived
    expect(message).not_to_contain_text("✘")
    expect(pg.locator(".course-diary-new")).to_have_count(2)  # one entry: in "your entries" and in the timeline
    expect(pg.locator(".course-diary-result")).to_contain_text(shared["diary_based_on"])
    message.scroll_into_view_if_needed()
    shot(pg, "diary-nl-added-once")


# ---- item 3: feedback details in the quiz


def test_partly_right_says_how_many_are_missing_and_a_low_score_is_worded_kindly(open_page, course_server):
    questions = bank("what-is-stalking")
    pg = open_page(course_server, "what-is-stalking", "en", LAPTOP)
    boxes = pg.locator(".course-question-box")
    boxes.first.wait_for(timeout=LOAD)
    n_multi = next(i for i, q in enumerate(questions) if q.type == "multiple" and len(q.correct) >= 3)
    box = boxes.nth(n_multi)
    box.scroll_into_view_if_needed()
    first_right = sorted(questions[n_multi].correct)[0]
    box.get_by_label(questions[n_multi].options[first_right].text["en"], exact=True).check()
    box.get_by_role("button", name="Check").click()
    missing = len(questions[n_multi].correct) - 1
    expect(box.locator(".course-feedback")).to_contain_text(f"◐ Partly right: {missing} more right answers to find.")
    shot(pg, "quiz-en-partly")

    # every question: a wrong answer first, then the right one
    for i, q in enumerate(questions):
        box = boxes.nth(i)
        box.scroll_into_view_if_needed()
        wrong = next(o for o in q.options if not o.correct)
        right = [q.options[j].text["en"] for j in sorted(q.correct)]
        if q.type == "single":
            box.get_by_label(wrong.text["en"], exact=True).check()
            box.get_by_role("button", name="Check").click()
            expect(box.locator(".course-feedback")).to_contain_text("✘")
            box.get_by_label(right[0], exact=True).check()
        else:
            for option in q.options:
                box.get_by_label(option.text["en"], exact=True).set_checked(option.correct)
            if i != n_multi:
                box.get_by_label(wrong.text["en"], exact=True).check()
                box.get_by_role("button", name="Check").click()
                expect(box.locator(".course-feedback")).to_contain_text("◐")
                box.get_by_label(wrong.text["en"], exact=True).uncheck()
        box.get_by_role("button", name="Check").click()
        expect(box.locator(".course-feedback")).to_contain_text("✔")
    score = pg.locator(".course-score")
    score.scroll_into_view_if_needed()
    expect(score).to_contain_text("found the right answer to each one")
    expect(score).to_contain_text("read the explanations")
    expect(score).not_to_contain_text("Done! 0 of")
    shot(pg, "quiz-en-done-low")
