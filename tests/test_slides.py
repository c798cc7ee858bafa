"""The trainer's slides: offline decks with speaker notes, the live presentation, the answer keys.

The decks are built once per test session (all lessons, both languages) into a temporary folder.
Screenshots go to test-artifacts/ (slides-*.png, present-*.png): look at them.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import subprocess
import sys
import threading
import time
import urllib.request
from html import escape
from pathlib import Path

import pytest
import yaml
from markupsafe import escape as markup_escape

from conftest import ARTIFACTS, REPO, free_port, stop, wait_for
from helpers import forked_kernels, read_notebook, sources
from stalking_course import trainer
from stalking_course.content import LANGS, ui
from stalking_course.content import slides as slides_data
from stalking_course.content.course import course
from stalking_course.content.questions import bank, bank_ids
from stalking_course.trainer import decks
from stalking_course.trainer import plans as trainer_plans
from stalking_course.trainer import readme as trainer_readme

LESSONS = [(p, lang) for p in course().lessons for lang in LANGS]
LESSON_IDS = [f"{p.id}-{lang}" for p, lang in LESSONS]
# every lesson and every case exercise has a deck
DECKS = [(p, lang) for p in list(course().lessons) + list(course().exercises) for lang in LANGS]
DECK_IDS = [f"{p.id}-{lang}" for p, lang in DECKS]
CONTINUED = 'class="deck-continued"'  # a slide that carries on a long table or the text after a chart
EXTERNAL_ATTR = re.compile(r"""\b(?:src|href|data|poster|action|srcset)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
EXTERNAL_CSS = re.compile(r"""@import\s+(?:url\()?\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""", re.I)
EXTERNAL_JS = re.compile(r"""\bimport\s*(?:\(|[^;'"]*\bfrom)\s*["'](?:https?:)?//""", re.I)
TAG = re.compile(r"<([a-zA-Z][\w-]*)\b[^>]*>")
SLIDE = re.compile(r"<section\b[^>]*>\s*<section\b[^>]*>(.*?)</section>\s*</section>", re.S)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Every deck, index page and answer key, built once."""
    out = tmp_path_factory.mktemp("slides")
    started = time.time()
    with forked_kernels():  # the notebooks run in kernels forked as the app's pages are (seconds, not minutes)
        result = trainer.build(out, readme=False, log=lambda *args: None)
    print(f"slides built in {time.time() - started:.1f} s")
    assert result["decks"]
    return out


def deck(out: Path, page, lang: str) -> Path:
    return out / trainer.deck_file(page.path(lang))


def placeholder(page, lang: str) -> bool:
    return "PLACEHOLDER" in "".join(sources(read_notebook(page.path(lang))))


def slides_of_notebook(page, lang: str) -> int:
    """The slide count, worked out here from the notebook and the banks (independently of the trainer package): the
    cells that start a slide, plus a question and an answer slide per quiz question, an answer slide
    per signal exercise, and a question and an answer slide for each of a case's three questions.
    (Slides that carry on a long table are counted apart: CONTINUED.)"""
    nb = read_notebook(page.path(lang))
    kinds = [(c.get("metadata", {}).get("slideshow") or {}).get("slide_type", "-") for c in nb["cells"]]
    first = next(i for i, k in enumerate(kinds) if k not in ("notes", "skip"))
    n = 1 + sum(k in ("slide", "subslide") for k in kinds[first + 1 :])
    for source in sources(nb, "code"):
        n += sum(2 * len(bank(b)) for b in re.findall(r"show_quiz\(\s*[\"']([\w-]+)[\"']", source))
        n += len(re.findall(r"show_signal_sorter\(", source))
        n += 6 * len(re.findall(r"show_case\(", source))
    return n


def external_references(html: str) -> list:
    """Anything the page would load from another machine. Plain <a> links are fine (nothing is loaded)."""
    found = [
        m.group(0)[:120] for m in TAG.finditer(html) if m.group(1).lower() != "a" and EXTERNAL_ATTR.search(m.group(0))
    ]
    found += [m.group(0) for m in EXTERNAL_CSS.finditer(html)]
    found += [m.group(0) for m in EXTERNAL_JS.finditer(html)]
    return found


# ---------------------------------------------------------------- the notebooks are the slides


@pytest.mark.parametrize("page,lang", LESSONS, ids=LESSON_IDS)
def test_every_lesson_has_a_title_slide_content_slides_and_notes(page, lang):
    if placeholder(page, lang):
        pytest.skip("lesson still being written")
    cells = read_notebook(page.path(lang))["cells"]
    kind = [(c.get("metadata", {}).get("slideshow") or {}).get("slide_type", "-") for c in cells]
    assert cells[0]["cell_type"] == "code" and kind[0] == "slide" and "page_header(" in "".join(cells[0]["source"])
    content = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and kind[i] == "slide"]
    assert len(content) >= 3, "a lesson has several content slides"
    starts = [i for i, k in enumerate(kind) if k in ("slide", "subslide")] + [len(cells)]
    for start, end in zip(starts, starts[1:]):
        assert "notes" in kind[start:end], f"slide at cell {start} has no speaker notes"


# ---------------------------------------------------------------- the build


def test_one_deck_per_lesson_and_case_exercise_and_language_and_an_index_per_language(built):
    decks = sorted(p for p in built.glob("*/*.html") if p.name not in trainer.PAGES)
    assert len(decks) == len(DECKS)
    assert {p.relative_to(built) for p in decks} == {deck(built, p, lang).relative_to(built) for p, lang in DECKS}
    for lang in LANGS:
        index = (built / lang / "index.html").read_text(encoding="utf-8")
        for page, _lang in DECKS[::2]:
            assert f'href="{deck(built, page, lang).name}"' in index, f"{lang}/index.html links {page.id}"
        assert 'href="answer-keys.html"' in index and 'href="case-cards.html"' in index
    assert (built / "index.html").is_file() and (built / "reveal.js" / "plugin" / "notes" / "notes.js").is_file()


@pytest.mark.parametrize("page,lang", DECKS, ids=DECK_IDS)
def test_every_slide_of_every_deck_has_speaker_notes_and_no_code(built, page, lang):
    html = deck(built, page, lang).read_text(encoding="utf-8")
    found = SLIDE.findall(html)
    assert len([body for body in found if CONTINUED not in body]) == slides_of_notebook(page, lang)
    assert '<aside class="notes">' in html
    if not placeholder(page, lang):
        missing = [i + 1 for i, body in enumerate(found) if '<aside class="notes">' not in body]
        assert not missing, f"slides without notes: {missing}"
    assert "page_header(" not in html and "from stalking_course import" not in html, "code is hidden"
    assert "application/vnd.jupyter.widget-view+json" not in html, "a static deck has no widgets"
    assert "Traceback" not in html and 'role="alert"' not in html, "no content error on a slide"


def test_nothing_is_loaded_from_outside_the_machine(built):
    pages = sorted(built.rglob("*.html"))
    assert len(pages) >= len(LESSONS) + 2 * len(LANGS)
    for path in pages:
        assert not external_references(path.read_text(encoding="utf-8")), path.relative_to(built)
    for path in sorted((built / "reveal.js").rglob("*.css")):
        assert not EXTERNAL_CSS.search(path.read_text(encoding="utf-8")), path
    live = REPO / "src" / "stalking_course" / "share" / "jupyter" / "voila" / "templates" / "course-reveal"
    for path in [live / "index.html.j2", *live.glob("static/*.*")]:
        text = path.read_text(encoding="utf-8")
        # the template names the CDN links of the templates it extends only to remove them
        text = re.sub(r"replace\('[^']*'", "", text)
        assert not external_references(text), path


def test_the_bad_references_are_caught():
    assert external_references('<script src="https://cdn.example/x.js"></script>')
    assert external_references('<link rel="stylesheet" href="//cdn.example/x.css">')
    assert external_references("<style>@import url(https://fonts.example/css);</style>")
    assert external_references("<style>body{background:url('http://x/y.png')}</style>")
    assert external_references("<script type=module>import m from 'https://cdn.example/m.mjs';</script>")
    assert not external_references('<a href="https://www.buienradar.nl/">exit</a><img src="data:image/png;base64,xx">')


# ---------------------------------------------------------------- in a browser, from file:// and from a server


def _open(page_, url):
    outside = []
    page_.on(
        "request",
        lambda r: (
            outside.append(r.url) if not r.url.startswith(("file:", "data:", "blob:", "http://127.0.0.1")) else None
        ),
    )
    page_.goto(url)
    page_.wait_for_function("window.Reveal && Reveal.isReady()", timeout=20000)
    return outside


def test_decks_open_from_file_with_reveal_and_the_notes_plugin_and_no_slide_overflows(built, browser):
    """Every deck (nl and en) from file://, with reveal.js and the notes plugin, and every slide of it fits
    on the slide at 1280x720: nothing below or beside it, no scrolling inside a slide (the last rows of a
    long table would be hidden from the room and from a printed handout). One visit per deck, for speed."""
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    pg = context.new_page()
    chart_shot = None
    overflowing = {}
    try:
        for page, lang in DECKS:
            path = deck(built, page, lang)
            outside = _open(pg, path.as_uri())
            info = pg.evaluate("""() => ({
                total: Reveal.getSlides().filter(s => !s.querySelector('.deck-continued')).length,
                notes: Reveal.hasPlugin('notes'), plugin: typeof RevealNotes,
                withoutNotes: Reveal.getSlides()
                    .map((s, i) => s.querySelector('aside.notes') ? -1 : i + 1).filter(i => i > 0),
                chart: Reveal.getSlides()
                    .findIndex(s => s.querySelector('figure.course-chart svg, svg[role=img], img, canvas'))})""")
            where = f"{lang}/{path.name}"
            assert info["total"] == slides_of_notebook(page, lang), where
            assert info["notes"] and info["plugin"] in ("function", "object"), (
                f"{where}: the notes plugin is not loaded"
            )
            if not placeholder(page, lang):
                assert not info["withoutNotes"], f"{where}: slides without notes {info['withoutNotes']}"
            assert not outside, f"{where} loaded {outside}"
            if page.id == "what-is-stalking" and lang == "nl":
                pg.evaluate("Reveal.slide(0)")
                pg.wait_for_timeout(600)
                pg.screenshot(path=str(ARTIFACTS / "slides-title-nl.png"))
                title = pg.locator("section.present h1").first.inner_text()
                assert title == page.title["nl"]
            if info["chart"] >= 0 and chart_shot is None:
                pg.evaluate(f"Reveal.slide({info['chart']})")
                pg.wait_for_timeout(600)
                chart_shot = ARTIFACTS / f"slides-chart-{lang}-{path.stem}.png"
                pg.screenshot(path=str(chart_shot))
                box = pg.locator(
                    "section.present figure.course-chart svg, section.present svg[role=img]"
                ).first.bounding_box()
                assert box and box["width"] > 300 and box["height"] > 100, "the chart is visible"
            found = pg.evaluate(OVERFLOW_JS, None)
            if found:
                overflowing[where] = found
        assert chart_shot is not None, "no deck has a chart"
        # the check itself sees an overflowing slide
        pg.evaluate(
            "Reveal.slide(0); Reveal.getCurrentSlide().insertAdjacentHTML('beforeend', "
            "'<div style=\"height: 900px\">too long</div>')"
        )
        assert pg.evaluate(OVERFLOW_JS, 0), "the overflow check must see a slide that is too long"
    finally:
        context.close()
    assert not overflowing, f"slides that do not fit at 1280x720: {overflowing}"


def test_quiz_questions_become_a_question_slide_and_an_answer_slide(built, browser):
    page = course().page("what-is-stalking")
    questions = bank("what-is-stalking")
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    pg = context.new_page()
    try:
        _open(pg, deck(built, page, "en").as_uri())
        first = pg.evaluate("Reveal.getSlides().findIndex(s => s.querySelector('.deck-question'))")
        assert first > 0
        pg.evaluate(f"Reveal.slide({first})")
        pg.wait_for_timeout(500)
        assert pg.locator("section.present h2").inner_text() == questions[0].text["en"]
        assert "✔" not in pg.locator("section.present:not(.stack)").inner_text(), (
            "the question slide does not give the answer"
        )
        pg.screenshot(path=str(ARTIFACTS / "slides-question-en.png"))
        pg.keyboard.press("ArrowRight")
        pg.wait_for_timeout(500)
        answer = pg.locator("section.present .deck-answer")
        right = [o.text["en"] for o in questions[0].options if o.correct]
        assert all(text in answer.locator(".deck-right").inner_text() for text in right)
        assert questions[0].explanation["en"] in answer.inner_text()
        notes = pg.evaluate("Reveal.getCurrentSlide().querySelector('aside.notes').textContent")
        assert all(o.feedback["en"] in notes for o in questions[0].options), "feedback on every option in the notes"
        pg.screenshot(path=str(ARTIFACTS / "slides-answer-en.png"))
    finally:
        context.close()


def test_the_speaker_view_opens_offline_with_the_notes(built, browser):
    page = course().page("what-is-stalking")
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    pg = context.new_page()
    try:
        _open(pg, deck(built, page, "nl").as_uri())
        pg.evaluate("Reveal.slide(1)")
        expected = pg.evaluate("Reveal.getCurrentSlide().querySelector('aside.notes').textContent.trim().slice(0, 40)")
        with pg.expect_popup() as popup:
            pg.keyboard.press("s")
        speaker = popup.value
        speaker.set_viewport_size({"width": 1100, "height": 700})
        speaker.wait_for_function(
            "(t) => { const n = document.querySelector('.speaker-controls-notes .value');"
            " return n && n.textContent.includes(t); }",
            arg=expected,
            timeout=20000,
        )
        speaker.wait_for_timeout(1500)
        assert len(speaker.frames) == 3, "current and upcoming slide previews"
        speaker.screenshot(path=str(ARTIFACTS / "slides-speaker-view.png"))
        # a Dutch deck has a Dutch speaker view (reveal.js writes it in English)
        labels = yaml.safe_load((REPO / "data" / "slides.yaml").read_text(encoding="utf-8"))["speaker_view"]["nl"]
        text = speaker.evaluate("document.body.innerText")
        assert speaker.title() == labels["title"]
        for key in ("upcoming", "time", "notes"):
            assert labels[key].lower() in text.lower(), key
        for english in ("Upcoming", "Click to Reset", "Notes", "Layout", " AM", " PM"):
            assert english.lower() not in text.lower(), f"English in the Dutch speaker view: {english}"
    finally:
        context.close()


def test_the_english_speaker_view_stays_english(built, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    pg = context.new_page()
    try:
        _open(pg, deck(built, course().lessons[0], "en").as_uri())
        with pg.expect_popup() as popup:
            pg.keyboard.press("s")
        speaker = popup.value
        speaker.wait_for_selector(".speaker-controls-notes", state="attached", timeout=20000)
        text = speaker.evaluate("document.body.innerText")
        assert "Upcoming" in text and "Aantekeningen" not in text
    finally:
        context.close()


@pytest.fixture(scope="module")
def slide_server(built):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_decks_open_from_a_local_web_server(slide_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    pg = context.new_page()
    try:
        for lang in LANGS:
            page = course().lessons[0]
            outside = _open(pg, slide_server + trainer.deck_file(page.path(lang)))
            assert pg.evaluate("Reveal.getTotalSlides()") == slides_of_notebook(page, lang)
            assert not outside
        pg.goto(slide_server + "nl/index.html")
        pg.locator(".deck-list a").first.click()
        pg.wait_for_function("window.Reveal && Reveal.isReady()", timeout=20000)
    finally:
        context.close()


# ---------------------------------------------------------------- answer keys from data/


def keys_in(html: str) -> dict:
    return {
        (b, q): k for b, q, k in re.findall(r'data-bank="([\w-]+)" data-question="([\w-]+)" data-key="([A-Z]+)"', html)
    }


def expected_keys() -> dict:
    return {(b, q.id): "".join(chr(65 + i) for i in sorted(q.correct)) for b in bank_ids() for q in bank(b)}


def test_the_answer_keys_agree_with_the_question_banks(built):
    for lang in LANGS:
        html = (built / lang / "answer-keys.html").read_text(encoding="utf-8")
        assert keys_in(html) == expected_keys(), lang
        assert not external_references(html)


def test_the_answer_slides_agree_with_the_question_banks(built):
    expected = expected_keys()
    for page, lang in DECKS:
        html = deck(built, page, lang).read_text(encoding="utf-8")
        for b, q, key in re.findall(r'data-answer="([\w-]+)/([\w-]+)" data-key="([A-Z]+)"', html):
            assert expected[(b, q)] == key, (page.id, lang, q)


def test_the_cases_are_in_the_answer_keys_with_the_engines_referral(built):
    cases = pytest.importorskip("stalking_course.elements.cases")
    for lang in LANGS:
        html = (built / lang / "answer-keys.html").read_text(encoding="utf-8")
        for case in cases.cases():
            advice = case.referral()
            service = advice.service + (f"+{advice.then}" if advice.then else "")
            assert f'data-case="{case.id}" data-referral="{service}"' in html, (lang, case.id)
            assert case.story[lang][:40] in html


def test_a_changed_answer_in_the_data_changes_the_key(data_copy, tmp_path):
    path = data_copy / "questions" / "what-is-stalking.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    question = next(q for q in data["questions"] if q["type"] == "single")
    old = next(i for i, o in enumerate(question["options"]) if o["correct"])
    new = (old + 1) % len(question["options"])
    for i, option in enumerate(question["options"]):
        option["correct"] = i == new
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "keys"
    trainer.write_pages(out, LANGS)
    for lang in LANGS:
        keys = keys_in((out / lang / "answer-keys.html").read_text(encoding="utf-8"))
        assert keys[("what-is-stalking", question["id"])] == chr(65 + new), lang
        assert keys == expected_keys()


# ---------------------------------------------------------------- guide and session plans


def test_session_plans_fit_their_time_and_come_from_course_yaml():
    for lang in LANGS:
        for plan in slides_data.session_plans(lang):
            assert plan.used <= plan.minutes, f"{plan.id}: {plan.used} of {plan.minutes} minutes"
            for segment in plan.segments:
                if segment.page is not None:
                    assert segment.minutes == course().page(segment.page.id).minutes
    half_day = next(p for p in slides_data.session_plans("en") if "cases" in p.id)
    assert any(s.page is not None and s.page.kind == "exercise" for s in half_day.segments)


def test_the_guide_is_current_and_names_where_to_get_help():
    assert trainer_readme.update_readme(check=True), "run: python -m stalking_course.trainer readme"
    guide = (REPO / "slides" / "README.md").read_text(encoding="utf-8")
    from stalking_course.content import fact

    for key in ("veilig_thuis_phone", "emergency_number", "police_phone"):
        assert fact(key).value["en"] in guide
    for heading in ("Who the course is for", "Session plans", "discloses", "Answer keys", "live"):
        assert heading in guide


def test_there_is_a_two_hour_plan_and_every_lesson_is_in_every_plan():
    """A trainer expects every lesson in a plan: in the session, or named as self-study before or after."""
    everything = {p.id for p in course().lessons} | {p.id for p in course().exercises}
    assert {p.id for p in slides_data.plannable()} >= everything
    for lang in LANGS:
        plans = slides_data.session_plans(lang)
        assert sorted(p.minutes for p in plans)[:1] == [120], "a two-hour plan"
        for plan in plans:
            named = [p.id for p in plan.pages]
            assert sorted(named) == sorted(p.id for p in slides_data.plannable()), plan.id
            assert len(named) == len(set(named)), f"{plan.id} names a page twice"
        html = trainer_plans.plans_html(lang)
        for plan in plans:
            block = html.split(f'id="plan-{plan.id}"', 1)[1].split("</section>", 1)[0]
            for page in slides_data.plannable():
                assert f'data-page="{page.id}"' in block, (lang, plan.id, page.id)
            if plan.before:
                assert ui(lang, "slides")["self_study_before"] in block


def test_a_plan_that_leaves_out_a_lesson_is_refused(data_copy):
    from stalking_course.content import ContentError

    path = data_copy / "slides.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    plan = data["session_plans"][0]
    dropped = plan["self_study"]["before"].pop(0)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=f"leaves out {dropped}"):
        slides_data.session_plans("nl")


def test_a_session_plan_that_is_too_long_says_so(data_copy):
    path = data_copy / "slides.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["session_plans"][0]["minutes"] = 60
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    plan = slides_data.session_plans("en")[0]
    assert plan.used > plan.minutes
    assert "too long" in trainer_plans.plans_html("en")


# ---------------------------------------------------------------- the live presentation


@pytest.fixture(scope="module")
def present_server():
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"present-{port}.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stalking_course.present",
            "--lesson=what-is-stalking",
            "--lang=nl",
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
        ],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(base + "voila/present/status")
        yield base
    finally:
        stop(proc)


def kernels(base: str) -> int:
    return json.load(urllib.request.urlopen(base + "voila/present/status", timeout=10))["kernels"]


def test_the_live_presentation_runs_the_quiz_with_one_kernel_also_with_the_speaker_view(present_server, browser):
    base = present_server
    assert kernels(base) == 0
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    pg = context.new_page()
    outside = []
    pg.on("request", lambda r: outside.append(r.url) if not r.url.startswith((base, "data:", "blob:")) else None)
    try:
        pg.goto(base)  # / opens the lesson
        pg.wait_for_function("window.Reveal && Reveal.isReady()", timeout=60000)
        pg.wait_for_selector(".course-question-box", state="attached", timeout=60000)
        assert pg.evaluate("Reveal.hasPlugin('notes')")
        questions = len(bank("what-is-stalking"))
        pg.wait_for_function(
            f"Reveal.getSlides().filter(s => s.querySelector('.course-question-box')).length === {questions}",
            timeout=30000,
        )
        # one question per slide after the quiz's slide, as in the offline deck (there with an answer slide each)
        assert (
            pg.evaluate("Reveal.getTotalSlides()")
            == slides_of_notebook(course().page("what-is-stalking"), "nl") - questions
        )
        per_slide = pg.evaluate(
            "Reveal.getSlides().map(s => s.querySelectorAll('.course-question-box').length).filter(n => n)"
        )
        assert per_slide == [1] * questions
        pg.screenshot(path=str(ARTIFACTS / "present-title.png"))
        quiz = pg.evaluate("Reveal.getSlides().findIndex(s => s.querySelector('.course-question-box'))")
        pg.evaluate(f"Reveal.slide({quiz})")
        pg.wait_for_timeout(800)
        first = bank("what-is-stalking")[0]
        wrong = next(o.text["nl"] for o in first.options if not o.correct)
        box = pg.locator("section.present .course-question-box").first
        box.locator("label", has_text=wrong).locator("input").check()
        box.locator("button").click()
        pg.wait_for_selector("section.present .course-msg-wrong", timeout=20000)
        pg.screenshot(path=str(ARTIFACTS / "present-quiz.png"))
        slide_height = pg.evaluate("Reveal.getCurrentSlide().scrollHeight")
        assert slide_height <= 720 + 2, f"a question with its feedback fits on its slide ({slide_height} px)"
        # the arrow keys leave a focused button or option alone; from the slide itself they move on
        box.locator("button").focus()
        for key in ("ArrowRight", "ArrowLeft", "ArrowDown", "PageDown"):
            pg.keyboard.press(key)
            pg.wait_for_timeout(150)
            assert pg.evaluate("Reveal.getIndices().h") == quiz, f"{key} with the focus on the button changed the slide"
        box.locator("input").first.focus()
        pg.keyboard.press("ArrowLeft")
        assert pg.evaluate("Reveal.getIndices().h") == quiz
        pg.evaluate("document.activeElement.blur()")
        pg.keyboard.press("ArrowRight")
        pg.wait_for_function(f"Reveal.getIndices().h === {quiz + 1}", timeout=5000)
        pg.wait_for_timeout(600)
        assert pg.locator("section.present .course-question-box").count() == 1
        assert bank("what-is-stalking")[1].text["nl"] in pg.locator("section.present:not(.stack)").inner_text()
        pg.screenshot(path=str(ARTIFACTS / "present-quiz-question-2.png"))
        pg.evaluate(f"Reveal.slide({quiz})")
        assert kernels(base) == 1
        with pg.expect_popup() as popup:
            pg.keyboard.press("s")
        speaker = popup.value
        speaker.set_viewport_size({"width": 1100, "height": 700})
        speaker.wait_for_function(
            "document.querySelector('.speaker-controls-notes .value') &&"
            " document.querySelector('.speaker-controls-notes .value').textContent.trim().length > 0",
            timeout=60000,
        )
        for frame in speaker.frames[1:]:
            frame.wait_for_function("window.Reveal && Reveal.isReady()", timeout=60000)
        assert sum("receiver" in f.url for f in speaker.frames) == 2
        live_total = pg.evaluate("Reveal.getTotalSlides()")
        assert all(f.evaluate("Reveal.getTotalSlides()") == live_total for f in speaker.frames[1:]), (
            "previews = live slides"
        )
        assert "Aantekeningen".lower() in speaker.evaluate("document.body.innerText").lower()
        speaker.screenshot(path=str(ARTIFACTS / "present-speaker-view.png"))
        assert kernels(base) == 1, "the speaker view's previews must not start kernels"
        assert not outside, f"loaded from elsewhere: {outside}"
        speaker.close()
        pg.goto("about:blank")
        deadline = time.time() + 20
        while kernels(base) and time.time() < deadline:
            time.sleep(0.5)
        assert kernels(base) == 0, "closing the page shuts its kernel down"
    finally:
        context.close()


def test_a_broken_slides_file_is_named(data_copy):
    from stalking_course.content import ContentError

    path = data_copy / "slides.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["parts"]["break"]["text"]["en"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=r"slides.yaml: parts.break.text.en: missing"):
        slides_data.validate()


def test_a_content_error_on_a_page_stops_the_build_instead_of_reaching_a_slide():
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('show_facts("no_such_fact", lang="en")')
    cell.outputs = [
        nbformat.v4.new_output(
            "stream", name="stderr", text="course content error: data/facts.yaml: facts.no_such_fact: no such fact\n"
        ),
        nbformat.v4.new_output(
            "display_data", data={"text/html": '<div class="course-msg course-msg-wrong" role="alert">x</div>'}
        ),
    ]
    nb.cells = [cell]
    with pytest.raises(trainer.SlidesError, match="no_such_fact"):
        decks.transform(nb, "en", "notebooks/en/x.ipynb")


def has(text: str, html: str) -> bool:
    """text is in the HTML, escaped as html.escape does it (with or without quotes) or as Jinja does (&#39;)."""
    return escape(text) in html or escape(text, quote=False) in html or str(markup_escape(text)) in html


# ---------------------------------------------------------------- nothing is cut off, nothing is noisy

# Per slide of the deck: what sticks out of the slide (below or to the right), after reveal.js and the
# deck's own fitting have laid it out, as a projector at 1280x720 shows it.
OVERFLOW_JS = """(only) => {
  const found = [];
  const slides = Reveal.getSlides();
  for (let i = 0; i < slides.length; i++) {
    if (only !== null && i !== only) continue;
    Reveal.slide(...Object.values(Reveal.getIndices(slides[i])).slice(0, 2));
    const slide = Reveal.getCurrentSlide();
    const box = slide.getBoundingClientRect();
    let worst = null;
    slide.querySelectorAll('*').forEach(el => {
      if (el.closest('aside.notes')) return;
      const r = el.getBoundingClientRect();
      if (r.width <= 1 || r.height <= 1) return;
      const over = Math.max(r.bottom - box.bottom, r.right - box.right, box.left - r.left);
      if (over > 2 && (!worst || over > worst.px)) {
        worst = {px: Math.round(over), text: (el.innerText || el.textContent || '').trim().slice(0, 70)};
      }
    });
    if (worst) found.push({slide: i + 1, ...worst});
  }
  return found;
}"""


def test_a_long_table_goes_on_over_several_slides_with_every_row(built):
    """Lesson 8's referral table: every relation is on a slide (the last rows used to be cut off)."""
    from stalking_course.content.referral import relation_label, relations

    page = course().page("referral")
    for lang in LANGS:
        html = deck(built, page, lang).read_text(encoding="utf-8")
        bodies = SLIDE.findall(html)
        continued = [b for b in bodies if CONTINUED in b]
        assert continued, f"{lang}: the referral table is spread over more than one slide"
        assert ui(lang, "slides")["continued"].format(title="").strip() in continued[0]
        tables = "".join(b for b in bodies if "course-referral-table" in b)
        for relation in relations():
            assert has(relation_label(relation, lang), tables), f"{lang}: {relation} is missing from the referral table"


def test_the_build_prints_no_warnings(capfd):
    """`make slides` was noisy: every kernel warned about TCP without encryption. The kernels now use
    local sockets; a kernel's warnings would show here."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print('ok')")]
    decks.execute([("notebooks/nl/x.ipynb", nb)], 1)
    assert nb.cells[0].outputs[0]["text"] == "ok\n"
    err = capfd.readouterr().err
    assert "WARNING" not in err and "Warning" not in err, err


# ---------------------------------------------------------------- the case exercises: deck, cards


def test_the_case_decks_ask_each_question_then_give_the_engines_answer(built):
    cases = pytest.importorskip("stalking_course.elements.cases")
    for exercise in course().exercises:
        for lang in LANGS:
            html = deck(built, exercise, lang).read_text(encoding="utf-8")
            for case in cases.group_cases(exercise.id):
                assert has(case.story[lang], html) or case.story[lang][:40] in html
                keys = {}
                for tag in re.findall(r"<div[^>]*deck-case-answer[^>]*>", html):
                    attrs = dict(re.findall(r'(data-[\w-]+)="([^"]*)"', tag))
                    if attrs["data-case"] == case.id:
                        keys[attrs["data-part"]] = attrs["data-key"]
                assert keys["signals"] == "".join(chr(65 + i) for i, s in enumerate(case.signals) if s.correct)
                assert keys["advice"] == "".join(chr(65 + i) for i, a in enumerate(case.advice) if a.correct)
                right = case.referral()
                options = cases.referral_options()
                assert keys["referral"] == chr(65 + options.index((right.service, right.then))), (lang, case.id)


def test_the_case_cards_have_every_case_and_no_answers(built):
    cases = pytest.importorskip("stalking_course.elements.cases")
    for lang in LANGS:
        html = (built / lang / "case-cards.html").read_text(encoding="utf-8")
        cu, t = ui(lang, "cases"), ui(lang, "slides")
        cards = re.findall(r'<article class="case-card" data-case="([\w-]+)".*?</article>', html, re.S)
        assert cards == [c.id for e in course().exercises for c in cases.group_cases(e.id)]
        for card in re.findall(r'<article class="case-card".*?</article>', html, re.S):
            assert has(cu["fictional"], card) and has(t["cards_fictional_note"], card)
        for case in cases.cases():
            assert has(case.story[lang], html)
            for choice in case.signals + case.advice:
                assert has(choice.text[lang], html)  # every option, right or wrong
                assert not has(choice.feedback[lang], html), "no feedback on a card"
            assert not has(case.referral().explanation[lang], html)
        body = html.split("<body", 1)[1]
        for answer in ("✔", "✘", "key-right", "deck-right", "key-feedback", "data-key", "data-referral"):
            assert answer not in body, f"{lang}: the case cards give an answer away ({answer})"
        assert not external_references(html)


def test_the_answer_keys_open_with_text_for_trainers(built):
    for lang in LANGS:
        html = (built / lang / "answer-keys.html").read_text(encoding="utf-8")
        t = ui(lang, "slides")
        first = re.search(r"</h1>\s*<p[^>]*>(.*?)</p>", html, re.S).group(1)
        assert has(t["keys_intro"], first)
        for developer in ("data/", "make ", "build", "yaml", "generated", "gemaakt uit"):
            assert developer not in first, f"{lang}: the answer keys open with maintainers' text ({developer})"
        assert 'href="case-cards.html"' in first


def test_a_deck_prints_as_a_handout_with_one_page_per_slide(built, browser):
    """?print-pdf with Chromium's PDF printer: one landscape page per slide, also the long table's."""
    page = course().page("referral")
    path = deck(built, page, "nl")
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    pg = context.new_page()
    try:
        _open(pg, path.as_uri())
        slides_n = pg.evaluate("Reveal.getTotalSlides()")  # with the slides that carry on a long one
        pg.goto(path.as_uri() + "?print-pdf")
        pg.wait_for_function("document.querySelectorAll('.pdf-page').length > 0", timeout=30000)
        pg.wait_for_timeout(500)
        heights = pg.evaluate("Array.from(document.querySelectorAll('.pdf-page')).map(p => p.offsetHeight)")
        assert len(heights) == slides_n, "one printed page per slide"
        assert len(set(heights)) == 1, f"a slide too long for its page runs onto a second page: {heights}"
        ARTIFACTS.mkdir(exist_ok=True)
        pdf = ARTIFACTS / "handout-nl-08.pdf"
        pg.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        assert pdf.stat().st_size > 10000
        counts = [int(n) for n in re.findall(rb"/Count (\d+)", pdf.read_bytes())]
        assert max(counts) == slides_n, f"the PDF has {counts} pages for {slides_n} slides"
    finally:
        context.close()
