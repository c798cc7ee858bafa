"""The kernel side of progress: record what the trainee checked, and show it again when they come back.

The shared Attempts base (pagekit.py) calls `register(element)` when an element (quiz question, case,
signal exercise) is made and `checked(element, right)` on every real check; the final assessment calls
`assessment_checked(assessment)`. Only the kernel decides what is right, and the learner comes from the
kernel's environment (set by the app from its signed cookie, or the hub's user): nothing the browser
sends over the widget channel can choose whose answers are written.

Recording is synchronous (one short transaction) and happens before the feedback is shown, so an answer
that got its feedback is stored. A failure is logged and the page goes on as if nothing happened.
Importing this module is cheap; SQLAlchemy is imported only for a trainee who joined.
"""
from __future__ import annotations

import json
import logging
import os
import sys
from html import escape

from . import identity

log = logging.getLogger("stalking_course.progress")
FINAL = "final-assessment"

_learner = ...  # not looked up yet
_page = ...
_elements = []  # every checkable element of this page, in the order made
_pending = []  # made but not resumed yet
_replaying = False
_assessment_recorded = False
_completed = False
_hooked = False
_warned = False
_watching = False
_present = []  # quiz questions of a live deck still without their group-results button
PRESENT_ENV = "COURSE_PRESENT_GROUP"  # `COURSE_PRESENT_GROUP=<group code> make present ...`


def learner() -> str | None:
    global _learner
    if _learner is ...:
        _learner = identity.kernel_learner()
    return _learner


def _store():
    from .store import get_store

    return get_store(pooled=False)  # one SQLite connection per kernel; PostgreSQL only while it writes


def page_id() -> str:
    """The page this kernel shows: from the request path Voila puts in the kernel's environment."""
    global _page
    if _page is ...:
        script = os.environ.get("SCRIPT_NAME", "")
        marker = "/voila/render/"
        _page = _page_of(script.split(marker, 1)[1]) if marker in script else ""
    return _page


def _page_of(notebook: str) -> str:
    try:
        from ..content.course import course

        found = course().by_path().get(notebook)
        return found[0].id if found else ""
    except Exception:  # noqa: BLE001 - no page id: answers are still recorded
        return ""


def element_key(element) -> tuple | None:
    """(element, question) for a quiz question, a case or a signal exercise."""
    question = getattr(element, "question", None)
    if question is not None and hasattr(question, "bank"):
        return f"quiz:{question.bank}", question.id
    case = getattr(element, "case", None)
    if case is not None and hasattr(case, "id"):
        return f"case:{case.id}", case.id
    exercise = getattr(element, "exercise", None)
    if exercise is not None and hasattr(exercise, "id"):
        return f"signals:{exercise.id}", exercise.id
    return None


def register(element) -> None:
    """Called by Attempts when an element is made: remember it, and resume it after the cell has run."""
    if element_key(element) is None:
        return
    if os.environ.get(PRESENT_ENV) and hasattr(getattr(element, "question", None), "options"):
        _present.append(element)  # the live deck: a "the group's answers" button under each quiz question
        _hook_cells()
    if learner() is None and not _pool_kernel():
        return
    _elements.append(element)
    _pending.append(element)
    _hook_cells()


def _pool_kernel() -> bool:
    """A preheated kernel: it rendered the page before anyone asked for it, so it learns its trainee (if
    any) when the app hands it over (identity.handoff_path)."""
    return os.environ.get("VOILA_PREHEAT") == "True" and _learner in (None, ...)


def _watch_for_handoff() -> None:
    """In a preheated kernel: look for the app's hand-over note (in the kernel's own event loop, between
    messages); when it names a trainee, record from then on and show their earlier answers."""
    global _watching
    if _watching:
        return
    kernel_id = os.environ.get("VOILA_KERNEL_ID", "")
    if not kernel_id:
        return
    from tornado.ioloop import PeriodicCallback

    path = identity.handoff_path(kernel_id)

    def check():
        global _learner, _page
        try:
            note = json.loads(path.read_text())
        except FileNotFoundError:
            return
        except (OSError, ValueError):
            log.exception("could not read the hand-over note")
            note = {}
        watcher.stop()
        try:
            path.unlink()
        except OSError:
            pass
        if note.get("notebook") and not page_id():
            _page = _page_of(note["notebook"])
        _learner = note.get("learner") or None
        if _learner:
            after_cell()

    watcher = PeriodicCallback(check, 200)
    watcher.start()
    _watching = True


def _hook_cells() -> None:
    global _hooked
    if _hooked:
        return
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is not None:
        shell.events.register("post_run_cell", lambda *_args: after_cell())
        _hooked = True


def checked(element, right: bool) -> None:
    """Called by Attempts on every real check (not a double click), before the feedback is shown."""
    if _replaying or learner() is None:
        return
    key = element_key(element)
    if key is None:
        return
    try:
        _store().record_answer(learner(), page_id(), key[0], key[1], getattr(element, "_last_checked", None), right,
                               attempt=getattr(element, "attempts", None))
        _check_page_done()
    except Exception:  # noqa: BLE001 - recording must never break the page
        log.exception("could not record an answer")
        print("progress: could not record an answer (see the app log)", file=sys.stderr)


def after_cell() -> None:
    if learner() is None:
        if _pool_kernel() and _pending:
            _watch_for_handoff()
        add_group_results()
        return
    warn_before_final = page_id() == FINAL and bool(_pending)
    resume()
    add_group_results()
    if warn_before_final:
        warn_unfinished_lessons()


def warn_unfinished_lessons() -> None:
    """On the final assessment: which lessons and exercises this trainee has not finished yet (a warning
    above the first question; COURSE_FINAL_WARNING=off leaves it out)."""
    global _warned
    if _warned or learner() is None or not _elements or os.environ.get("COURSE_FINAL_WARNING", "") == "off":
        return
    _warned = True
    try:
        import ipywidgets as W

        from ..content import ui
        from ..content.course import course, relative_link

        c, first = course(), _elements[0]
        lang = getattr(first, "lang", "nl")
        done = _store().progress(learner())
        todo = [p for p in c.pages if p.kind in ("lesson", "exercise") and done.get(p.id) != "done"]
        if not todo:
            return
        here = c.page(FINAL).path(lang)
        items = "".join(f'<li><a href="{escape(relative_link(here, p.path(lang)))}">{escape(p.title[lang])}</a></li>'
                        for p in todo)
        warning = W.HTML(f'<div class="course-msg course-msg-info course-final-todo" role="note"><p>ℹ '
                         f'{escape(ui(lang)["progress_final_todo"])}</p><ul>{items}</ul></div>')
        first.widget.children = (warning, *first.widget.children)
    except Exception:  # noqa: BLE001 - no warning is better than a broken test page
        log.exception("could not list the unfinished lessons")


def _check_page_done() -> None:
    global _completed
    page = page_id()
    if _completed or not page or page == FINAL or not _elements:
        return
    if all(getattr(e, "solved", False) for e in _elements):
        _store().record_completion(learner(), page)
        _completed = True


def _select(element, chosen) -> None:
    if getattr(element, "case", None) is not None and hasattr(element, "select_signals"):
        signals, referral, advice = chosen
        element.select_signals(*signals)
        element.select_referral(referral)
        element.select_advice(*advice)
    else:
        element.select(*chosen)


def resume() -> None:
    """Show the trainee's earlier answers on the elements made since the last call, with their feedback:
    each stored answer is chosen and checked again (not recorded again)."""
    global _replaying, _assessment_recorded
    if not _pending or learner() is None:
        return
    todo = list(_pending)
    _pending.clear()
    try:
        store = _store()
        answers = store.answers(learner())
        since = None
        if any(element_key(e)[0] == f"quiz:{FINAL}" for e in todo):
            since = store.last_assessment_time(learner())  # a finished final assessment starts afresh
    except Exception:  # noqa: BLE001 - no resume is better than a broken page
        log.exception("could not read earlier answers")
        return
    by_key = {}
    for a in answers:
        if since is not None and a.element == f"quiz:{FINAL}" and a.created_at <= since:
            continue
        by_key.setdefault((a.element, a.question), []).append(a.chosen)
    _replaying = True
    try:
        for element in todo:
            earlier = by_key.get(element_key(element))
            if not earlier:
                continue
            try:
                for chosen in earlier:
                    _select(element, chosen)
                    element.check_answer()
                note = _note(element)
                feedback = getattr(element, "feedback", None)
                if note and feedback is not None and feedback.value:
                    feedback.value = note + feedback.value
            except Exception:  # noqa: BLE001 - the content changed since: leave this element fresh
                log.warning("could not resume %s", element_key(element), exc_info=True)
    finally:
        _replaying = False
    try:
        _check_page_done()
    except Exception:  # noqa: BLE001
        log.exception("could not record a completion")


def _note(element) -> str:
    try:
        from ..content import ui

        text = ui(getattr(element, "lang", "nl")).get("progress_resumed", "")
    except Exception:  # noqa: BLE001
        return ""
    return f'<p class="course-resumed">↺ {escape(text)}</p>' if text else ""


def assessment_checked(assessment) -> None:
    """Called by the final assessment after each check: when it is finished, record the result once, and
    under a passed result offer the certificate."""
    global _assessment_recorded
    if learner() is None:
        return
    try:
        result = assessment.result()
        if not result.finished:
            return
        if not _assessment_recorded and not _replaying:
            topics = {t.topic: [t.right, t.total] for t in result.topics}
            _store().record_assessment(learner(), result.right, result.total, result.pass_mark, result.passed, topics)
            if result.passed:
                _store().record_completion(learner(), page_id() or FINAL)
        _assessment_recorded = True
        if result.passed:
            assessment.progress.value += certificate_link_html(assessment.lang)
    except Exception:  # noqa: BLE001 - recording must never break the page
        log.exception("could not record the final assessment")


def base_url() -> str:
    return os.environ.get("VOILA_BASE_URL") or "/"


def certificate_link_html(lang: str) -> str:
    from ..content import ui

    t = ui(lang)
    href = f"{base_url()}course/certificate?lang={lang}"
    return (f'<div class="course-msg course-msg-right course-certificate-offer"><p>🎓 {escape(t["progress_cert_offer"])} '
            f'<a href="{escape(href)}" target="_blank" rel="noopener">{escape(t["progress_cert_link"])}</a></p></div>')


def _reset_for_tests() -> None:
    global _learner, _page, _replaying, _assessment_recorded, _completed, _warned, _watching
    _learner = _page = ...
    _warned = _watching = False
    _elements.clear()
    _present.clear()
    _pending.clear()
    _replaying = _assessment_recorded = _completed = False


def overview(lang: str) -> tuple:
    """For the start page: (a box with the join link, or the trainee's group and next step; {page id: status
    mark}). Empty if anything goes wrong: the table of contents never depends on the database."""
    try:
        return _overview(lang)
    except Exception:  # noqa: BLE001
        log.exception("could not read progress for the start page")
        return "", {}


def _overview(lang: str) -> tuple:
    from ..content import ui
    from ..content.course import course, relative_link

    t, c = ui(lang), course()
    base = base_url()
    if learner() is None:
        if os.environ.get("JUPYTERHUB_USER"):
            return "", {}
        href = f"{base}course/join?lang={lang}"
        return (f'<section class="course-progress-box" aria-labelledby="course-progress-title">'
                f'<h2 id="course-progress-title">{escape(t["progress_heading"])}</h2><p>{escape(t["progress_join_text"])}</p>'
                f'<p><a class="course-join-link" href="{escape(href)}">{escape(t["progress_join_link"])}</a></p></section>'), {}
    store = _store()
    status = store.progress(learner())
    group = store.learner_group(learner()) or "-"
    marks = {}
    steps = [p for p in c.pages if p.kind in ("lesson", "exercise") or p.id == FINAL]
    for p in steps:
        state = status.get(p.id, "not_started")
        marks[p.id] = f' <span class="course-status course-status-{state.replace("_", "-")}">{escape(t["progress_status_" + state])}</span>'
    here = c.start.path(lang)
    following = next((p for p in steps if status.get(p.id) != "done"), None)
    if following is None:
        step = f'<p>{escape(t["progress_all_done"])}</p>'
    else:
        step = (f'<p class="course-next-step"><a href="{escape(relative_link(here, following.path(lang)))}">'
                f'{escape(t["progress_next"].format(title=following.title[lang]))}</a></p>')
    me = f"{base}course/me?lang={lang}"
    box = (f'<section class="course-progress-box" aria-labelledby="course-progress-title">'
           f'<h2 id="course-progress-title">{escape(t["progress_heading"])}</h2>'
           f'<p>{escape(t["progress_signed_in"].format(group=group))}</p>{step}'
           f'<p><a class="course-my-data" href="{escape(me)}">{escape(t["progress_my_data"])}</a></p></section>')
    return box, marks


# ---------------------------------------------------------------- the live deck: the group's answers

def add_group_results() -> None:
    """Under each quiz question of a live deck, a button that shows how the group answered it."""
    if not _present:
        return
    todo = list(_present)
    _present.clear()
    try:
        import ipywidgets as W

        from ..content import ui
    except Exception:  # noqa: BLE001
        return
    for view in todo:
        t = ui(getattr(view, "lang", "nl"))
        button = W.Button(description=t["progress_group_button"], tooltip=t["progress_group_button"],
                          layout=W.Layout(width="max-content"))
        button.add_class("course-group-results-button")
        output = W.HTML("")
        output.add_class("course-feedback")
        output.add_class("course-group-results")
        button.on_click(lambda _b, view=view, output=output: _show_group_results(view, output))
        view.widget.children = (*view.widget.children, button, output)


def _show_group_results(view, output) -> None:
    try:
        output.value = group_results_html(view, os.environ.get(PRESENT_ENV, ""))
    except Exception:  # noqa: BLE001 - the slide stays usable
        log.exception("could not read the group's answers")
        from ..content import ui

        output.value = f'<p class="course-msg course-msg-info">ℹ {escape(ui(view.lang)["progress_group_error"])}</p>'


def group_results_html(view, group: str) -> str:
    """The group's first answers to one question as labelled bars (a word and a number, never colour alone);
    fewer than 5 answers are not shown, so that nobody can be singled out."""
    import json

    from ..content import ui
    from .store import SMALL

    lang, question = getattr(view, "lang", "nl"), view.question
    t = ui(lang)
    element, qid = element_key(view)
    counts = _store().answer_distribution(element, qid, group)
    answered = sum(counts.values())
    if answered < SMALL:
        return (f'<div class="course-msg course-msg-info" role="status"><p>ℹ '
                f'{escape(t["progress_group_few"].format(group=group))}</p></div>')
    per_option = [0] * len(question.options)
    for key, n in counts.items():
        for i in json.loads(key):
            if isinstance(i, int) and 0 <= i < len(per_option):
                per_option[i] += n
    rows = []
    for i, option in enumerate(question.options):
        share = round(100 * per_option[i] / answered)
        mark = "✔ " if option.correct else ""
        rows.append(f'<tr><th scope="row">{mark}{escape(option.text[lang])}</th><td>{per_option[i]}</td>'
                    f'<td style="white-space:nowrap"><span class="course-bar" style="display:inline-block;height:0.9em;background:#1d4f91;'
                    f'width:{share * 2}px"></span> {share}%</td></tr>')
    caption = t["progress_group_caption"].format(group=group, n=answered)
    return (f'<table class="course-table"><caption>{escape(caption)}</caption><tbody>{"".join(rows)}</tbody></table>')


if sys.argv and sys.argv[0].endswith(os.path.join("stalking_course", "kernelfork.py")):
    # In the kernel zygote (kernelfork imports pagekit, and so this, before it forks page kernels): import
    # the database layer there once, so a joined trainee's kernel shares it copy-on-write instead of
    # importing it on its first answer (measured: ~1.5 s of CPU and ~20 MB of unique memory per kernel).
    from . import store as _preloaded_store  # noqa: F401

    if os.environ.get("COURSE_DB_URL", "").startswith("postgresql"):
        import psycopg  # noqa: F401
        import sqlalchemy.dialects.postgresql.psycopg  # noqa: F401
    else:
        import sqlalchemy.dialects.sqlite.pysqlite  # noqa: F401
