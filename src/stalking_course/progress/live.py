"""The live deck (`COURSE_PRESENT_GROUP=<code> make present`): under each quiz question a button that shows how
the trainer's group answered it. Elements that offer votes (Checkable.vote_options) are queued by hook.register."""

from __future__ import annotations

import logging
import os

from ..render import render
from .session import PRESENT_ENV, store

log = logging.getLogger("stalking_course.progress")
_present = []  # quiz questions of a live deck still without their group-results button


def wanted(element) -> bool:
    """Whether this element gets the group's answers: on a live deck, for elements with options to vote on."""
    return bool(os.environ.get(PRESENT_ENV)) and element.vote_options() is not None


def queue(element) -> None:
    _present.append(element)


def pending() -> bool:
    return bool(_present)


def reset() -> None:
    _present.clear()


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
        t = ui(view.lang)
        button = W.Button(
            description=t["progress_group_button"],
            tooltip=t["progress_group_button"],
            layout=W.Layout(width="max-content"),
        )
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

        output.value = render(
            "progress/group_results.html.j2", state="error", text=ui(view.lang)["progress_group_error"]
        )


def group_results_html(view, group: str) -> str:
    """The group's first answers to one question as labelled bars (a word and a number, never colour alone);
    fewer than 5 answers are not shown, so that nobody can be singled out."""
    import json

    from ..content import ui
    from .store import SMALL

    lang, options = view.lang, view.vote_options()
    t = ui(lang)
    element, qid = view.progress_key
    counts = store().answer_distribution(element, qid, group)
    answered = sum(counts.values())
    if answered < SMALL:
        return render("progress/group_results.html.j2", state="few", text=t["progress_group_few"].format(group=group))
    per_option = [0] * len(options)
    for key, n in counts.items():
        for i in json.loads(key):
            if isinstance(i, int) and 0 <= i < len(per_option):
                per_option[i] += n
    rows = [
        (label, right, per_option[i], round(100 * per_option[i] / answered)) for i, (label, right) in enumerate(options)
    ]
    caption = t["progress_group_caption"].format(group=group, n=answered)
    return render("progress/group_results.html.j2", state="table", caption=caption, rows=rows)
