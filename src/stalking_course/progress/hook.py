"""The kernel side of progress: record what the trainee checked, and show it again when they come back.

The shared Checkable base (elements/base.py) calls `register(element)` when an element (quiz question, case,
signal exercise) is made and `checked(element, right)` on every real check; the final assessment calls
`assessment_checked(assessment)`. Only the kernel decides what is right, and the learner comes from the
kernel's environment (set by the app from its signed cookie, or the hub's user): nothing the browser
sends over the widget channel can choose whose answers are written.

What it reads of an element is the base's API, whatever the kind: `progress_key` (element, question),
`last_answer`, `attempts`, `solved`, `lang`, `widget`, `restore(answer)`, `mark_resumed(note)` and
`vote_options()` (the live deck).

Recording is synchronous (one short transaction) and happens before the feedback is shown, so an answer
that got its feedback is stored. A failure is logged and the page goes on as if nothing happened.
Importing this module is cheap; SQLAlchemy is imported only for a trainee who joined (the kernel zygote
preloads it: kernelfork.recording_modules).

    session.py    who (the trainee) and where (the page), the store
    overview.py   the start page's progress box and marks, the certificate offer
    live.py       the live deck: the group's answers under each quiz question
"""

from __future__ import annotations

import json
import logging
import os
import sys

from ..render import render
from . import identity, live, session
from .live import add_group_results, group_results_html  # noqa: F401 - the live deck's part, for callers here
from .overview import certificate_link_html, overview  # noqa: F401 - the start page's part (elements.chrome)
from .session import FINAL, PRESENT_ENV, base_url, learner, page_id  # noqa: F401

log = logging.getLogger("stalking_course.progress")

_elements = []  # every checkable element of this page, in the order made
_pending = []  # made but not resumed yet
_replaying = False
_assessment_recorded = False
_completed = False
_hooked = False
_warned = False
_watching = False


def element_key(element) -> tuple:
    """(element, question) under which a checkable element's answers are stored (elements.base.Checkable)."""
    return element.progress_key


def register(element) -> None:
    """Called by Checkable when an element is made: remember it, and resume it after the cell has run."""
    if live.wanted(element):
        live.queue(element)  # the live deck: a "the group's answers" button under each quiz question
        _hook_cells()
    if learner() is None and not _pool_kernel():
        return
    _elements.append(element)
    _pending.append(element)
    _hook_cells()


def _pool_kernel() -> bool:
    """A preheated kernel: it rendered the page before anyone asked for it, so it learns its trainee (if
    any) when the app hands it over (identity.handoff_path)."""
    return os.environ.get("VOILA_PREHEAT") == "True" and (not session.learner_known() or learner() is None)


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
            session.set_page(note["notebook"])
        session.set_learner(note.get("learner") or None)
        if learner():
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
    """Called by Checkable on every real check (not a double click), before the feedback is shown."""
    if _replaying or learner() is None:
        return
    key = element_key(element)
    try:
        session.store().record_answer(
            learner(), page_id(), key[0], key[1], element.last_answer, right, attempt=element.attempts
        )
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
        lang = first.lang
        done = session.store().progress(learner())
        todo = [p for p in c.pages if p.kind in ("lesson", "exercise") and done.get(p.id) != "done"]
        if not todo:
            return
        here = c.page(FINAL).path(lang)
        pages = [(relative_link(here, p.path(lang)), p.title[lang]) for p in todo]
        warning = W.HTML(render("progress/final_todo.html.j2", text=ui(lang)["progress_final_todo"], pages=pages))
        first.widget.children = (warning, *first.widget.children)
    except Exception:  # noqa: BLE001 - no warning is better than a broken test page
        log.exception("could not list the unfinished lessons")


def _check_page_done() -> None:
    global _completed
    page = page_id()
    if _completed or not page or page == FINAL or not _elements:
        return
    if all(e.solved for e in _elements):
        session.store().record_completion(learner(), page)
        _completed = True


def resume() -> None:
    """Show the trainee's earlier answers on the elements made since the last call, with their feedback:
    each stored answer is chosen and checked again (not recorded again)."""
    global _replaying, _assessment_recorded
    if not _pending or learner() is None:
        return
    todo = list(_pending)
    _pending.clear()
    try:
        store = session.store()
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
                    element.restore(chosen)
                note = _note(element)
                if note:
                    element.mark_resumed(note)
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

        text = ui(element.lang).get("progress_resumed", "")
    except Exception:  # noqa: BLE001
        return ""
    return render("progress/resumed.html.j2", text=text) if text else ""


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
            session.store().record_assessment(
                learner(), result.right, result.total, result.pass_mark, result.passed, topics
            )
            if result.passed:
                session.store().record_completion(learner(), page_id() or FINAL)
        _assessment_recorded = True
        if result.passed:
            assessment.progress.value += certificate_link_html(assessment.lang)
    except Exception:  # noqa: BLE001 - recording must never break the page
        log.exception("could not record the final assessment")


def _reset_for_tests() -> None:
    global _replaying, _assessment_recorded, _completed, _warned, _watching
    session.reset()
    live.reset()
    _warned = _watching = False
    _elements.clear()
    _pending.clear()
    _replaying = _assessment_recorded = _completed = False
