"""The kernel side of progress for the start page: the progress box (join link, or group and next step), the
status mark per page, and the certificate offer under a passed final assessment."""

from __future__ import annotations

import logging
import os

from ..render import render
from .session import FINAL, base_url, learner, store

log = logging.getLogger("stalking_course.progress")


def certificate_link_html(lang: str) -> str:
    from ..content import ui

    return render("progress/certificate_offer.html.j2", t=ui(lang), href=f"{base_url()}course/certificate?lang={lang}")


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
        return render("progress/overview.html.j2", t=t, join_href=f"{base}course/join?lang={lang}"), {}
    db = store()
    status = db.progress(learner())
    group = db.learner_group(learner()) or "-"
    steps = [p for p in c.pages if p.kind in ("lesson", "exercise") or p.id == FINAL]
    marks = {}
    for p in steps:
        state = status.get(p.id, "not_started")
        marks[p.id] = " " + render("progress/status_mark.html.j2", state=state, label=t["progress_status_" + state])
    following = next((p for p in steps if status.get(p.id) != "done"), None)
    next_href = relative_link(c.start.path(lang), following.path(lang)) if following else ""
    box = render(
        "progress/overview.html.j2",
        t=t,
        join_href="",
        group=group,
        next_href=next_href,
        next_title=following.title[lang] if following else "",
        me_href=f"{base}course/me?lang={lang}",
    )
    return box, marks
