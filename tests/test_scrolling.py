"""Every page can be read to its end, as a person reads it: on a laptop (1366×768) with the mouse wheel and
the keyboard, on a phone (390×844) by swiping. Full-page screenshots hide a page that cannot scroll (all
525 tests of an earlier round passed while no page scrolled), so these tests scroll the real viewport and
ask whether the page's last link comes into view, and whether anything is wider than the screen.

Viewport screenshots of three lessons at the top, halfway and at the end go to test-artifacts/scrolling/."""

from __future__ import annotations

import pytest

from conftest import ARTIFACTS, leave, wait_until_drawn
from helpers import page_ids, page_params

SHOTS = ARTIFACTS / "scrolling"
SHOWN = {"who-stalks-whom", "the-incident-diary", "referral"}  # lessons whose screenshots are kept to look at

# The last link in the lesson (the footer's "next" or "back to the start"): is it on the screen?
LAST_LINK_IN_VIEW = """() => {
  const links = [...document.querySelectorAll('main a[href]')].filter(a => a.getClientRects().length);
  const r = links[links.length - 1].getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight + 1;
}"""

# Content a person cannot reach: wider than the screen with no scrollable box around it, or cut off inside
# a box that hides its overflow (a form control's own text is checked elsewhere).
UNREACHABLE = """() => {
  const W = document.documentElement.clientWidth, out = [];
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const SIDEWAYS_ON_PURPOSE = 'table, .course-scroll';  // wide tables scroll in their own box (course.css)
  for (const el of document.querySelectorAll('main *')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const name = el.tagName.toLowerCase() + '.' + String(el.className).split(' ').slice(0, 2).join('.');
    if (r.right > W + 1) {
      let a = el.parentElement, inBox = false;
      for (; a && a !== document.body; a = a.parentElement) {
        if (scrolls(a) && a.getBoundingClientRect().right <= W + 1) { inBox = true; break; }
      }
      if (!inBox) out.push(`${name} ends at ${Math.round(r.right)} px`);
    }
    // a box that has to be scrolled sideways although it is no wide table (a long address, say)
    if (scrolls(el) && el.scrollWidth > el.clientWidth + 2 && !el.matches(SIDEWAYS_ON_PURPOSE)) {
      out.push(`${name} must be scrolled sideways to read ${el.scrollWidth - el.clientWidth} px`);
    }
    // content wider than its box (a long word or address) that a box around it cuts off
    if (el.scrollWidth > el.clientWidth + 2 && el.textContent.trim()
        && !el.matches('select, input, textarea, .widget-dropdown, .widget-dropdown *')) {
      const contentRight = r.left + el.scrollWidth;
      for (let a = el; a && a !== document.body; a = a.parentElement) {
        const o = getComputedStyle(a).overflowX;
        if (scrolls(a)) break;
        if ((o === 'hidden' || o === 'clip') && contentRight > a.getBoundingClientRect().right + 2) {
          out.push(`${name} is cut off by ${a.tagName.toLowerCase()}.${String(a.className).split(' ')[0]}`);
          break;
        }
      }
    }
  }
  return out.slice(0, 10);
}"""

# Text in a chart drawn smaller than 12 px on the screen (an SVG scaled down to a phone's width).
SMALL_CHART_TEXT = """() => [...document.querySelectorAll('main svg text')]
  .filter(t => t.getClientRects().length)
  .map(t => [t.textContent.trim(), t.getBoundingClientRect().height])
  .filter(([text, h]) => text && h < 12)
  .map(([text, h]) => `${text}: ${h.toFixed(1)} px`).slice(0, 5)"""


def scroll_y(page) -> float:
    return page.evaluate("window.scrollY")


# Resolves once the page has stood still for three frames (a smooth scroll has ended).
SETTLED = """() => new Promise(resolve => {
  let last = -1, same = 0;
  const frame = () => {
    const y = window.scrollY;
    same = y === last ? same + 1 : 0;
    last = y;
    if (same >= 3) resolve(); else requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})"""


def press(page, key, condition):
    """Press a key, once the page stands still, until the page shows its effect. A key pressed in the very
    frame in which a smooth scroll ends can be lost (Chromium); a key that never works still fails after
    three presses."""
    for _ in range(3):
        page.evaluate(SETTLED)
        page.keyboard.press(key)
        try:
            page.wait_for_function(condition, timeout=1500)
            return
        except Exception:  # noqa: BLE001 - try the key again
            pass
    raise AssertionError(f"pressing {key} did not scroll the page ({condition})")


def swipe(cdp, x=200, start=780, end=80):
    """One swipe up with one finger (Chromium's synthesised touch gestures do not scroll when headless)."""
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": start}]})
    for y in range(start - 70, end - 1, -70):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def open_page(context, base_url, page_obj, lang):
    page = context.new_page()
    page.goto(f"{base_url}voila/render/{page_obj.path(lang)}")
    wait_until_drawn(page)
    return page


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("document.scrollingElement.scrollHeight - window.innerHeight")
    for label, y in (("top", 0), ("half", height // 2), ("end", height)):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"))  # the viewport, not the full page
    page.evaluate("window.scrollTo(0, 0)")


def test_a_page_can_be_read_to_the_end_on_a_laptop(laptop_page):
    """On the page as it loaded at 1366×768 (conftest's `laptop_page`, shared with the accessibility checks,
    which only read it and run first)."""
    page, page_obj, lang = laptop_page.tab, laptop_page.course_page, laptop_page.lang
    assert page.evaluate(UNREACHABLE) == []
    assert not page.evaluate(LAST_LINK_IN_VIEW), "the page is longer than the screen"

    # The mouse wheel, a notch at a time, until the page's end is in view or the page stops moving
    # (bounded). A box that scrolls by itself (a long table) takes some notches first, as it would for a
    # person.
    page.mouse.move(683, 400)
    last, still = -1.0, 0
    for _ in range(120):
        page.mouse.wheel(0, 1200)
        page.wait_for_timeout(50)
        if page.evaluate(LAST_LINK_IN_VIEW):
            break
        still = still + 1 if scroll_y(page) == last else 0
        if still == 3:
            break
        last = scroll_y(page)
    assert page.evaluate(LAST_LINK_IN_VIEW), f"the wheel stopped at {last:.0f} px, before the end"

    # The keyboard, with the focus on the page itself: Home, PageDown, Space, End.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    press(page, "Home", "window.scrollY === 0")
    press(page, "PageDown", "window.scrollY > 300")
    press(page, "Space", f"window.scrollY > {scroll_y(page) + 200}")
    press(page, "End", LAST_LINK_IN_VIEW)

    if page_obj.id in SHOWN:
        shoot(page, f"laptop-{page_obj.id}-{lang}")


@pytest.mark.parametrize("page_obj,lang", page_params(), ids=page_ids())
def test_a_page_can_be_read_to_the_end_on_a_phone(phone_context, course_server, page_obj, lang):
    page = open_page(phone_context, course_server, page_obj, lang)
    try:
        assert page.evaluate(UNREACHABLE) == []
        # The quick exit stays in reach, but takes little of the small screen.
        exit_box = page.locator(".course-quick-exit-bar").bounding_box()
        assert exit_box["height"] <= 60, f"the quick-exit bar takes {exit_box['height']:.0f} px of 844"

        # Swipes: a finger moving up the screen, as touch events, until the page's end is in view or the
        # page stops moving (bounded).
        cdp = phone_context.new_cdp_session(page)
        last, still = -1.0, 0
        for _ in range(60):
            swipe(cdp)
            page.wait_for_timeout(60)
            if page.evaluate(LAST_LINK_IN_VIEW):
                last = scroll_y(page)
                break
            still = still + 1 if scroll_y(page) == last else 0
            if still == 2:
                break
            last = scroll_y(page)
        assert last > 0, "a swipe does not move the page"
        assert page.evaluate(LAST_LINK_IN_VIEW), f"swiping stopped at {last:.0f} px, before the end"
        assert page.locator(".course-quick-exit").is_visible(), "the quick exit is gone after scrolling"
        assert page.evaluate(UNREACHABLE) == []  # also once every widget has been drawn
        assert page.evaluate(SMALL_CHART_TEXT) == [], "chart text too small to read on a phone"

        if page_obj.id in SHOWN:
            shoot(page, f"phone-{page_obj.id}-{lang}")
    finally:
        leave(page)
