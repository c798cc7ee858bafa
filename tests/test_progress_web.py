"""The progress pages over HTTP, as a trainee and a trainer meet them: joining, bad input, my data, the
certificate, /verify and the trainer's view (one app on a fresh SQLite store for the module)."""

from __future__ import annotations

import json
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest

from conftest import start_app, stop, wait_for

TOKEN = "trainer-token-for-tests"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("progress-web")
    env = {"COURSE_DATA_DIR": str(folder), "COURSE_TRAINER_TOKEN": TOKEN, "COURSE_DB_URL": ""}
    proc, url = start_app("--CourseVoila.preheat_pages=[]", env=env, log_name="progress-web")
    try:
        wait_for(url + "course/join")
        yield url, folder
    finally:
        stop(proc)


@pytest.fixture
def store(app, monkeypatch):
    from stalking_course.progress.store import Store

    _url, folder = app
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    s = Store(f"sqlite:///{folder / 'progress.sqlite3'}")
    yield s
    s.dispose()


class Browser:
    """Cookies and the _xsrf field, like a browser filling in a form."""

    def __init__(self, base):
        self.base, self.jar = base, CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path):
        try:
            with self.opener.open(self.base + path, timeout=30) as r:
                return r.status, r.read(), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read(), dict(e.headers)

    def post(self, path, form_page=None, **fields):
        if form_page is not None:  # the _xsrf value from the page's form, as a browser sends it
            _status, html, _ = self.get(form_page)
            fields["_xsrf"] = re.search(rb'name="_xsrf" value="([^"]+)"', html).group(1).decode()
        data = urllib.parse.urlencode(fields).encode()
        try:
            with self.opener.open(self.base + path, data=data, timeout=30) as r:
                return r.status, r.read(), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read(), dict(e.headers)

    def cookie(self, name):
        return next((c for c in self.jar if c.name == name), None)


def join(base, group, pseudonym=""):
    trainee = Browser(base)
    status, html, _ = trainee.post("course/join", "course/join", group=group, pseudonym=pseudonym, lang="nl")
    return trainee, status, html.decode()


def count_learners(store):
    with store.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM course_learner").scalar()


def test_a_trainee_joins_with_the_group_code_and_gets_a_personal_code(app, store):
    base, _ = app
    group = store.create_group("les 1")
    trainee, status, html = join(base, group.lower())
    assert status == 200 and "Je persoonlijke code" in html
    code = re.search(r'id="course-personal-code">([A-Z0-9-]+)<', html).group(1)
    raw = trainee.jar._cookies["127.0.0.1"]["/"]["course_learner"]
    assert raw.has_nonstandard_attr("HttpOnly") and raw.value.startswith("2|")  # signed by the app
    status, html, _ = trainee.get("course/me?lang=en")
    assert status == 200 and f"Group {group}" in html.decode()
    # on another computer: group code + personal code
    other_computer = Browser(base)
    status, html, _ = other_computer.post(
        "course/join", "course/join", do="return", group=group, code=code.lower(), lang="nl"
    )
    assert status == 200 and "Welkom terug" in html.decode()


@pytest.mark.parametrize(
    "group, pseudonym, message",
    [
        ("NOSUCH", "", "Deze groepscode kennen we niet"),
        (None, "x" * 10_000, "Een schuilnaam heeft 3 tot 40 tekens"),
        (None, "ab", "Een schuilnaam heeft 3 tot 40 tekens"),
    ],
)
def test_bad_join_input_gets_a_clear_message_and_stores_nothing(app, store, group, pseudonym, message):
    base, _ = app
    group = group or store.create_group()
    before = count_learners(store)
    trainee, status, html = join(base, group, pseudonym)
    assert status == 400 and message in html
    assert count_learners(store) == before and trainee.cookie("course_learner") is None


def test_hostile_pseudonym_is_escaped_and_cannot_be_taken_twice(app, store):
    base, _ = app
    group = store.create_group()
    hostile = '<script>alert("x")</script>'
    _t, status, _html = join(base, group, hostile)
    assert status == 200
    _t, status, html = join(base, group, hostile)
    assert status == 400 and "al gekozen" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_another_trainees_code_or_a_forged_cookie_opens_nothing(app, store):
    base, _ = app
    group_a, group_b = store.create_group(), store.create_group()
    _a, _s, html = join(base, group_a)
    code_a = re.search(r'id="course-personal-code">([A-Z0-9-]+)<', html).group(1)
    stranger = Browser(base)
    status, html, _ = stranger.post("course/join", "course/join", do="return", group=group_b, code=code_a, lang="en")
    assert status == 400 and "does not belong to this group" in html.decode()
    # a cookie made up by the browser, and a real one with the learner id changed
    learner_b, _ = store.join(group_b)
    for value in (learner_b, _a.cookie("course_learner").value.replace("|", "|x", 1)):
        forged = Browser(base)
        forged.opener.addheaders = [("Cookie", f"course_learner={value}")]
        status, html, _ = forged.get("course/me?lang=en")
        assert "You have not joined on this computer" in html.decode()
        assert forged.get("course/me/export")[0] == 404


def test_my_data_shows_exports_and_deletes_only_my_own_answers(app, store):
    base, _ = app
    group = store.create_group()
    me, _s, _h = join(base, group)
    my_id = json.loads(me.get("course/me/export")[1])["learner_id"]
    other_id, _ = store.join(group)
    store.record_answer(my_id, "what-is-stalking", "quiz:what-is-stalking", "right-to-be-left-alone", [1], True)
    store.record_answer(other_id, "what-is-stalking", "quiz:what-is-stalking", "right-to-be-left-alone", [0], False)
    status, body, headers = me.get("course/me/export")
    data = json.loads(body)
    assert status == 200 and "attachment" in headers["Content-Disposition"]
    assert [a["chosen"] for a in data["answers"]] == [[1]] and other_id not in body.decode()
    html = me.get("course/me?lang=nl")[1].decode()
    assert "Wat is stalking?" in html and "1 antwoorden" in html
    status, html, _ = me.post("course/me/delete", "course/me", lang="nl")  # box not ticked
    assert status == 400 and "Vink eerst het vakje aan" in html.decode() and store.answers(my_id)
    assert me.post("course/me/delete", lang="nl", confirm="yes")[0] == 403  # no _xsrf: not from our page
    status, html, _ = me.post("course/me/delete", "course/me", lang="nl", confirm="yes")
    assert status == 200 and "Je gegevens zijn gewist" in html.decode()
    assert store.answers(my_id) == [] and not store.learner_exists(my_id) and len(store.answers(other_id)) == 1
    assert "niet aangemeld" in me.get("course/me?lang=nl")[1].decode()


def test_certificate_pdf_prints_the_typed_name_and_verify_confirms_without_anything_personal(app, store, tmp_path):
    base, _ = app
    group = store.create_group()
    me, _s, _h = join(base, group)
    assert "nog geen geslaagde eindtoets" in me.get("course/certificate?lang=nl")[1].decode()
    my_id = json.loads(me.get("course/me/export")[1])["learner_id"]
    code = store.record_assessment(my_id, 18, 20, 70, True, {"what-is-stalking": [2, 2]})
    name = "Ïlse <b>van</b> Dijk-Öztürk %PDF-1.4 ) Tj ("
    assert me.post("course/certificate", "course/certificate?lang=nl", lang="nl", name="x" * 101)[0] == 400
    status, pdf, headers = me.post("course/certificate", "course/certificate?lang=nl", lang="nl", name=name)
    assert status == 200 and headers["Content-Type"] == "application/pdf" and pdf.startswith(b"%PDF")
    (tmp_path / "c.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "c.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert name in text and code in text and "90% (18/20)" in text and "Certificaat" in text
    assert f"/verify/{code}" in text
    assert "Ïlse" not in json.dumps(store.export(my_id), ensure_ascii=False)  # printed, never stored
    status, html, _ = Browser(base).get(f"verify/{code}?lang=en")
    html = html.decode()
    assert status == 200 and "This certificate is genuine" in html and "90%" in html and "0.1.0" in html
    assert my_id not in html and group not in html and "Dijk" not in html
    status, html, _ = Browser(base).get("verify/AAAAA-BBBBB?lang=nl")
    assert status == 404 and "geen certificaat met deze code" in html.decode()
    assert 'hreflang="en" lang="en">English</a>' in html.decode()  # the way to the other language


def test_trainer_view_needs_the_token_and_hides_small_numbers(app, store):
    base, _ = app
    trainee = Browser(base)
    status, html, _ = trainee.get("trainer?lang=en")
    assert status == 403 and "Trainer token" in html.decode() and "Groups" not in html.decode()
    assert trainee.get("trainer?token=wrong")[0] == 403
    trainer = Browser(base)
    status, html, _ = trainer.get(f"trainer?token={TOKEN}&lang=en")
    assert status == 200 and "Make a new group code" in html.decode()
    status, html, _ = trainer.post("trainer/groups", "trainer?lang=en", label='=HYPERLINK("http://evil")', lang="en")
    code = re.search(r'href="/trainer/group/([A-Z0-9]+)\.csv', html.decode()).group(1)
    learners = [store.join(code)[0] for _ in range(7)]
    for n, learner in enumerate(learners):  # 7 answered question 1: 4 right first time, 3 chose option 0 wrongly
        store.record_answer(
            learner, "what-is-stalking", "quiz:what-is-stalking", "right-to-be-left-alone", [1 if n < 4 else 0], n < 4
        )
    store.record_answer(
        learners[0], "what-is-stalking", "quiz:what-is-stalking", "stalking-law-name", [0], True
    )  # one trainee
    for learner in learners[:5]:
        store.record_completion(learner, "what-is-stalking")
    html = trainer.get(f"trainer/group/{code}?lang=en")[1].decode()
    completion = html.split('id="course-completion"')[1].split("</table>")[0]
    assert '<th scope="row">What is stalking?</th><td>7</td><td>5</td>' in completion
    assert "<td>&lt; 5</td><td>&lt; 5</td>" in completion  # lessons that fewer than 5 have touched
    questions = html.split('id="course-questions"')[1].split("</table>")[0]
    assert "<td>7</td><td>57%</td>" in questions and "(&lt; 5)" in questions
    assert questions.count("<td>&lt; 5</td><td>&lt; 5</td><td>&lt; 5</td>") == 1  # the one-trainee question
    status, body, headers = trainer.get(f"trainer/group/{code}.csv?lang=en")
    text = body.decode("utf-8-sig")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK" in text and "\n=" not in text and ",=" not in text and "57%" in text
    for learner in learners:
        assert learner not in text and learner not in html
    assert trainee.post(f"trainer/group/{code}/delete", "course/join", confirm="yes")[0] == 403  # not a trainer
    status, html, _ = trainer.post(f"trainer/group/{code}/delete", "trainer?lang=en", confirm="yes", lang="en")
    assert status == 200 and f"Group {code} and all its data have been deleted" in html.decode()
    assert store.group(code) is None and all(store.answers(learner) == [] for learner in learners)
    assert trainer.get(f"trainer/group/{code}?lang=en")[0] == 404


def test_guessing_codes_is_stopped_after_thirty_wrong_tries(app, store):
    """(Last in this file: it leaves this address blocked for ten minutes.)"""
    base, _ = app
    group = store.create_group()
    _t, _s, html = join(base, group)
    code = re.search(r'id="course-personal-code">([A-Z0-9-]+)<', html).group(1)
    guesser = Browser(base)
    statuses = [
        guesser.post("course/join", "course/join", do="return", group=group, code=f"AAAA-{n:04d}", lang="en")[0]
        for n in range(30)
    ]
    assert statuses[0] == 400 and set(statuses) <= {400, 429}  # earlier tests here used a few of the thirty
    status, html, _ = guesser.post("course/join", "course/join", do="return", group=group, code=code, lang="en")
    assert status == 429 and "Too many tries" in html.decode() and guesser.cookie("course_learner") is None
