"""Accessibility of every page, in both languages, in a real browser.

- axe-core (tests/a11y, pinned in package.json/package-lock.json; `npm ci` runs there when it is missing)
  finds no serious or critical violation;
- <html lang> is the page's language; every chart has a text alternative; every feedback area is an ARIA
  live region;
- a quiz can be completed with the keyboard alone (Tab, arrow keys, Space and Enter), the focus is visible
  all the way, and the feedback says right or wrong in words and a symbol, not by colour alone.

One app for the whole session (the `course_server` fixture). Every page is opened once at laptop size
(1366×768, conftest's `laptop_page`) for these checks and the scrolling test after them; the quiz tests
use a browser context of this module (1100×900).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import leave, only_loopback, open_course_page

A11Y = Path(__file__).resolve().parent / "a11y"
AXE = A11Y / "node_modules" / "axe-core" / "axe.min.js"
QUIZ_LESSON = {"nl": "notebooks/nl/01_wat-is-stalking.ipynb", "en": "notebooks/en/01_what-is-stalking.ipynb"}
QUIZ_BANK = "what-is-stalking"


@pytest.fixture(scope="module")
def axe_script() -> Path:
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to install axe-core for the accessibility tests (tests/a11y)")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=A11Y, check=True, timeout=300)
    return AXE


@pytest.fixture(scope="module")
def context(browser):
    ctx = browser.new_context(viewport={"width": 1100, "height": 900})
    ctx.route("**/*", only_loopback)
    yield ctx
    ctx.close()


def serious_violations(page, axe: Path) -> list:
    page.add_script_tag(path=str(axe))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.html.slice(0, 160))}));
    }""")
    return result


# ---------------------------------------------------------------- every page


def test_every_page_is_accessible(laptop_page, axe_script):
    page, lang = laptop_page.tab, laptop_page.lang
    problems = [f"the page loads {url} from another machine" for url in laptop_page.elsewhere]
    # the page's language, for screen readers' pronunciation
    html_lang = page.evaluate("document.documentElement.lang")
    if html_lang != lang:
        problems.append(f"<html lang={html_lang!r}>, the page is {lang!r}")
    # axe-core: no serious or critical violation
    for v in serious_violations(page, axe_script):
        problems.append(f"axe {v['impact']}: {v['id']} ({v['help']}): {v['nodes']}")
    # every chart has a text alternative
    for chart in page.evaluate("""() => [...document.querySelectorAll(
            'figure.course-chart, .course-chart svg, svg.course-chart-svg, .jp-RenderedImage img, .jp-RenderedSVG svg')]
        .map(el => {
            const target = el.matches('figure') ? (el.querySelector('svg, img') || el) : el;
            const ids = (target.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
            const labelled = ids.map(id => (document.getElementById(id) || {}).textContent || '').join(' ');
            const name = (target.getAttribute('aria-label') || target.getAttribute('alt') || labelled ||
                          (target.querySelector && (target.querySelector('title') || {}).textContent) || '').trim();
            const hidden = target.getAttribute('aria-hidden') === 'true';
            const caption = el.closest('figure') && el.closest('figure').querySelector('figcaption');
            return {tag: target.tagName, name, hidden, caption: caption ? caption.textContent.trim() : ''};
        })"""):
        if not (chart["name"] or (chart["hidden"] and chart["caption"])):
            problems.append(f"a chart ({chart['tag']}) has no text alternative")
    # feedback areas are live regions, so screen readers announce what the kernel writes there
    for area in page.evaluate("""() => [...document.querySelectorAll('.course-feedback')]
            .map(el => el.getAttribute('aria-live') || (el.closest('[aria-live]') ? 'inherited' : ''))"""):
        if area not in ("polite", "assertive", "inherited"):
            problems.append("a feedback area is not an ARIA live region")
            break
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- a quiz with the keyboard alone


def _focus_state(page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement;
        if (!el || el === document.body) return {tag: 'BODY'};
        const box = el.closest('.course-question-box');
        const boxes = [...document.querySelectorAll('.course-quiz .course-question-box')];
        const s = getComputedStyle(el);
        const visible = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) ||
                        (s.boxShadow && s.boxShadow !== 'none');
        return {tag: el.tagName, type: el.type || '', text: (el.textContent || el.value || '').trim().slice(0, 40),
                question: box ? boxes.indexOf(box) : -1, visible,
                option: el.type === 'radio' || el.type === 'checkbox' ?
                    [...el.closest('.course-options').querySelectorAll('input')].indexOf(el) : -1};
    }""")


def _tab_to(page, predicate, limit: int = 300) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = _focus_state(page)
        if predicate(state):
            return state
    raise AssertionError("Tab never reached the next control of the quiz")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_quiz_can_be_completed_with_the_keyboard_alone(course_server, context, lang):
    from stalking_course.content import ui
    from stalking_course.content.questions import bank

    t = ui(lang)
    questions = bank(QUIZ_BANK)
    page = open_course_page(context, f"{course_server}voila/render/{QUIZ_LESSON[lang]}")
    try:
        page.focus("body")
        not_visible = []
        for n, question in enumerate(questions):
            first = _tab_to(page, lambda s, n=n: s["question"] == n and s["option"] >= 0)
            if not first["visible"]:
                not_visible.append(f"question {n + 1}: option")
            right = sorted(question.correct)
            if question.type == "single":
                # a radio group: the arrow keys move the choice, Space picks the option that has the focus
                if right[0] == 0:
                    page.keyboard.press("Space")
                for _ in range(right[0]):
                    page.keyboard.press("ArrowDown")
                    page.wait_for_timeout(150)  # a person's pace: each change reaches the kernel
                state = _focus_state(page)
                assert state["option"] == right[0], f"question {n + 1}: the arrow keys did not move the choice"
                checked = page.locator(".course-quiz .course-question-box").nth(n).locator("input:checked")
                assert (
                    checked.count() == 1
                    and checked.evaluate(
                        "el => [...el.closest('.course-options').querySelectorAll('input')].indexOf(el)"
                    )
                    == right[0]
                )
                button = _tab_to(page, lambda s, n=n: s["question"] == n and s["tag"] == "BUTTON")
            else:
                # check boxes: Tab from box to box, Space ticks the right ones
                state = first
                while state["tag"] != "BUTTON":
                    if state["option"] in right:
                        page.keyboard.press("Space")
                        page.wait_for_timeout(100)
                    page.keyboard.press("Tab")
                    state = _focus_state(page)
                    assert state["question"] == n, f"question {n + 1}: Tab left the question"
                button = state
            if not button["visible"]:
                not_visible.append(f"question {n + 1}: {button['text']} button")
            page.keyboard.press("Enter" if n % 2 == 0 else "Space")
            feedback = page.locator(".course-quiz .course-question-box").nth(n).locator(".course-feedback")
            feedback.locator(".course-msg").wait_for(timeout=30_000)
            text = feedback.inner_text()
            # right or wrong is said in a word and a symbol, not only by colour
            assert "✔" in text and t["correct"] in text, f"question {n + 1}: {text[:200]!r}"
            assert feedback.evaluate("el => el.closest('[aria-live]') !== null"), "feedback is not announced"
        score = page.locator(".course-quiz .course-score").inner_text()
        expected = t["score_done"].format(right=len(questions), total=len(questions), answered=len(questions))
        assert expected in score, score
        assert not not_visible, f"focus not visible on: {not_visible}"
    finally:
        leave(page)


def test_focus_is_visible_on_links_and_the_quick_exit(course_server, context):
    page = open_course_page(context, f"{course_server}voila/render/{QUIZ_LESSON['nl']}")
    try:
        page.focus("body")
        seen = []
        for _ in range(8):
            page.keyboard.press("Tab")
            state = _focus_state(page)
            if state["tag"] == "A":
                seen.append(state)
        assert seen, "Tab reaches no link"
        assert all(s["visible"] for s in seen), [s for s in seen if not s["visible"]]
        assert re.search("snel weg|quick exit", " ".join(s["text"].lower() for s in seen)), (
            "the quick exit is not among the first stops of the Tab key"
        )
    finally:
        leave(page)
