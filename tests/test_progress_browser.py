"""A trainee and a trainer in Chromium, with the app killed (SIGKILL) in the middle: on SQLite and PostgreSQL.

The trainee joins with the group code, answers in lesson 1, the app is killed right after the last feedback:
every answer that got feedback is in the database (SQLite and PostgreSQL). On SQLite the app is then
restarted and the page shows the answers again; the trainee passes the final assessment, downloads the
certificate (its text is read back), the verify page confirms it, and the trainer sees the group's numbers,
exports CSV and deletes the group."""

from __future__ import annotations

import re
import subprocess

from playwright.sync_api import expect

from conftest import ARTIFACTS, start_app, stop, wait_for
from progress_fixtures import wait_until

TOKEN = "browser-trainer-token"
LESSON = "voila/render/notebooks/nl/01_wat-is-stalking.ipynb"
FINAL = "voila/render/notebooks/nl/10_eindtoets.ipynb"


def start(log_name, *preheat):
    pages = [f"--CourseVoila.preheat_pages={page}" for page in preheat] or ["--CourseVoila.preheat_pages=[]"]
    proc, url = start_app(*pages, env={"COURSE_TRAINER_TOKEN": TOKEN}, log_name=log_name)
    wait_for(url + "course/join")
    return proc, url


def answer(box, label, feedback_text):
    box.get_by_label(label, exact=True).check()
    box.get_by_role("button", name="Controleer").click()
    expect(box.locator(".course-feedback")).to_contain_text(feedback_text)


def choose_right(box, question):
    for i in sorted(question.correct):
        box.get_by_label(question.options[i].text["nl"], exact=True).check()
    box.get_by_role("button", name="Controleer").click()


def test_a_trainee_keeps_every_answer_through_a_killed_app(db_url, store, browser, tmp_path):
    from stalking_course.content.questions import bank

    kind = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    questions = bank("what-is-stalking")
    group = store.create_group("browser")
    proc, base = start(f"progress-browser-{kind}")
    context = browser.new_context(viewport={"width": 1100, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(base + "course/join?lang=nl")
        page.locator("#join-group").fill(group.lower())
        page.get_by_role("button", name="Aanmelden").click()
        expect(page.locator("#course-personal-code")).to_have_text(re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$"))
        page.get_by_role("link", name="Naar de cursus").click()
        expect(page.locator(".course-progress-box")).to_contain_text(f"groep {group}")

        page.goto(base + LESSON)
        boxes = page.locator(".course-question-box")
        q1, q2 = questions[0], questions[1]
        wrong = next(o for o in q1.options if not o.correct)
        answer(boxes.nth(0), wrong.text["nl"], "Nog niet goed")
        answer(boxes.nth(0), q1.options[sorted(q1.correct)[0]].text["nl"], "Goed.")
        answer(boxes.nth(1), q2.options[sorted(q2.correct)[0]].text["nl"], "Goed.")
        proc.kill()  # SIGKILL right after the last feedback: no shutdown, no flush
        proc.wait(10)

        rows = [(a.question, a.correct) for a in _all_answers(store)]  # read by the test's own connection
        assert rows == [(q1.id, False), (q1.id, True), (q2.id, True)]
        if kind != "sqlite":
            return  # what the restarted app shows is the same on both databases: checked once, on SQLite

        # restarted with lesson 1 preheated: the page comes from a kernel that rendered it before anyone asked,
        # and learns who this trainee is when the app hands it over (the start page, preheated too, is not
        # taken from the pool by a trainee who joined: it shows their progress as it renders)
        proc, base = start(f"progress-browser-{kind}-restarted", "what-is-stalking", "start")
        log = ARTIFACTS / f"progress-browser-{kind}-restarted-{base.rstrip('/').rsplit(':', 1)[1]}.log"
        filled = f"Kernel pool of {LESSON.split('render/', 1)[1]} is filled"
        assert wait_until(lambda: filled in log.read_text(errors="replace"), timeout=90), "lesson 1 never preheated"
        page.goto(base + LESSON)  # the same browser: its cookie still says who this is
        first, second = page.locator(".course-question-box").nth(0), page.locator(".course-question-box").nth(1)
        expect(first.locator(".course-feedback")).to_contain_text("Je eerdere antwoord")
        expect(first.locator(".course-feedback")).to_contain_text("✔ Goed.")
        expect(second.locator(".course-feedback")).to_contain_text("✔ Goed.")
        expect(first.get_by_label(q1.options[sorted(q1.correct)[0]].text["nl"], exact=True)).to_be_checked()
        first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"progress-resumed-{kind}.png"))
        assert len(_all_answers(store)) == 3  # resuming wrote nothing
        q3 = questions[2]
        third = page.locator(".course-question-box").nth(2)
        choose_right(third, q3)
        expect(third.locator(".course-feedback")).to_contain_text("✔ Goed.")
        assert [(a.page, a.question, a.correct) for a in _all_answers(store)][-1] == ("what-is-stalking", q3.id, True)
        assert len({a.learner_id for a in _all_answers(store)}) == 1
        handoff = tmp_path / "course-data" / "handoff"  # the app left the preheated kernel a note; it read it
        assert handoff.is_dir() and list(handoff.iterdir()) == []
        if kind == "sqlite":
            _finish_course(page, base, tmp_path)
            _trainer(browser, base, group)
    finally:
        context.close()
        stop(proc)


def _all_answers(store):
    from sqlalchemy import select

    from stalking_course.progress.store import Answer

    with store.session() as s:
        return list(s.scalars(select(Answer).order_by(Answer.id)))


def _finish_course(page, base, tmp_path):
    from stalking_course.content.questions import bank

    page.goto(base + "voila/render/notebooks/nl/00_start.ipynb")
    box = page.locator(".course-progress-box")
    expect(box).to_contain_text("Volgende stap: Wat is stalking?")
    expect(page.locator(".course-status").first).to_contain_text("bezig")
    page.screenshot(path=str(ARTIFACTS / "progress-start-page.png"), full_page=True)

    page.goto(base + FINAL)
    views = page.locator(".course-assessment .course-question-box")
    questions = bank("final-assessment")
    expect(views).to_have_count(len(questions))
    for n, question in enumerate(questions):
        choose_right(views.nth(n), question)
        expect(views.nth(n).locator(".course-feedback")).to_contain_text("Goed.")
    offer = page.locator(".course-certificate-offer")
    expect(offer).to_contain_text("Geslaagd!")

    page.goto(base + "course/certificate?lang=nl")
    name = "Anne-Marie <b>Öztürk</b> & co"
    page.get_by_label("Naam op het certificaat").fill(name)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download certificaat (PDF)").click()
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert name in text and "Certificaat" in text and "100% (" in text
    code = re.search(r"/verify/([A-Z0-9]{5}-[A-Z0-9]{5})", text).group(1)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(ARTIFACTS / "progress-certificate")], check=True
    )

    page.goto(base + f"verify/{code}?lang=nl")
    expect(page.locator("main")).to_contain_text("Dit certificaat is echt")
    expect(page.locator("main")).to_contain_text("100%")
    assert "Öztürk" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "progress-verify.png"))


def _trainer(browser, base, group):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(base + "trainer?lang=en")
        page.get_by_label("Trainer token").fill(TOKEN)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("link", name=group).click()
        expect(page.locator("#course-completion")).to_contain_text("What is stalking?")
        expect(page.locator("#course-questions")).to_contain_text("< 5")  # one trainee: no numbers
        assert "Joined: 1" in page.locator("main").inner_text()
        page.screenshot(path=str(ARTIFACTS / "progress-trainer.png"), full_page=True)
        with page.expect_download() as download:
            page.get_by_role("link", name="Download as CSV").click()
        csv_text = open(download.value.path(), encoding="utf-8-sig").read()
        assert group in csv_text and "< 5" in csv_text
        page.get_by_label("Yes, delete all answers of this group").check()
        page.get_by_role("button", name="Delete this group's data").click()
        expect(page.locator("main")).to_contain_text(f"Group {group} and all its data have been deleted")
    finally:
        context.close()
