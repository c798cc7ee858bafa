"""The kernel side of progress for the start page: the progress box (join link, or group and next step), the
status mark per page, and the certificate offer under a passed final assessment."""

from __future__ import annotations

import logging
import os
from html import escape

from .session import FINAL, base_url, learner, store

log = logging.getLogger("stalking_course.progress")


def certificate_link_html(lang: str) -> str:
    from ..content import ui

    t = ui(lang)
    href = f"{base_url()}course/certificate?lang={lang}"
    return (
        f'<div class="course-msg course-msg-right course-certificate-offer"><p>🎓 {escape(t["progress_cert_offer"])} '
        f'<a href="{escape(href)}" target="_blank" rel="noopener">{escape(t["progress_cert_link"])}</a></p></div>'
    )


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
        return (
            f'<section class="course-progress-box" aria-labelledby="course-progress-title">'
            f'<h2 id="course-progress-title">{escape(t["progress_heading"])}</h2>'
            f"<p>{escape(t['progress_join_text'])}</p>"
            f'<p><a class="course-join-link" href="{escape(href)}">{escape(t["progress_join_link"])}</a></p></section>'
        ), {}
    db = store()
    status = db.progress(learner())
    group = db.learner_group(learner()) or "-"
    marks = {}
    steps = [p for p in c.pages if p.kind in ("lesson", "exercise") or p.id == FINAL]
    for p in steps:
        state = status.get(p.id, "not_started")
        label = escape(t["progress_status_" + state])
        marks[p.id] = f' <span class="course-status course-status-{state.replace("_", "-")}">{label}</span>'
    here = c.start.path(lang)
    following = next((p for p in steps if status.get(p.id) != "done"), None)
    if following is None:
        step = f"<p>{escape(t['progress_all_done'])}</p>"
    else:
        step = (
            f'<p class="course-next-step"><a href="{escape(relative_link(here, following.path(lang)))}">'
            f"{escape(t['progress_next'].format(title=following.title[lang]))}</a></p>"
        )
    me = f"{base}course/me?lang={lang}"
    box = (
        f'<section class="course-progress-box" aria-labelledby="course-progress-title">'
        f'<h2 id="course-progress-title">{escape(t["progress_heading"])}</h2>'
        f"<p>{escape(t['progress_signed_in'].format(group=group))}</p>{step}"
        f'<p><a class="course-my-data" href="{escape(me)}">{escape(t["progress_my_data"])}</a></p></section>'
    )
    return box, marks
