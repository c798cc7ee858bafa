"""Who and where, in a page's kernel: the trainee (from the kernel's environment, never from the browser), the
page the kernel shows, and the store. Used by hook.py (recording, resuming), overview.py and live.py."""

from __future__ import annotations

import os

from . import identity

FINAL = "final-assessment"  # the final assessment's page and bank
PRESENT_ENV = "COURSE_PRESENT_GROUP"  # `COURSE_PRESENT_GROUP=<group code> make present ...`

_learner = ...  # not looked up yet
_page = ...


def learner() -> str | None:
    """The trainee of this kernel (set by the app from its signed cookie, or the hub's user), or None."""
    global _learner
    if _learner is ...:
        _learner = identity.kernel_learner()
    return _learner


def learner_known() -> bool:
    """Whether the trainee was looked up (or handed over) yet."""
    return _learner is not ...


def set_learner(learner_id: str | None) -> None:
    """A preheated kernel learns its trainee when the app hands it over."""
    global _learner
    _learner = learner_id


def page_id() -> str:
    """The page this kernel shows: from the request path Voila puts in the kernel's environment."""
    global _page
    if _page is ...:
        script = os.environ.get("SCRIPT_NAME", "")
        marker = "/voila/render/"
        _page = page_of(script.split(marker, 1)[1]) if marker in script else ""
    return _page


def set_page(notebook: str) -> None:
    global _page
    _page = page_of(notebook)


def page_of(notebook: str) -> str:
    try:
        from ..content.course import course

        found = course().by_path().get(notebook)
        return found[0].id if found else ""
    except Exception:  # noqa: BLE001 - no page id: answers are still recorded
        return ""


def store():
    from .store import get_store

    return get_store(pooled=False)  # one SQLite connection per kernel; PostgreSQL only while it writes


def base_url() -> str:
    return os.environ.get("VOILA_BASE_URL") or "/"


def reset() -> None:
    """Forget the trainee and the page (tests start a 'new kernel' this way)."""
    global _learner, _page
    _learner = _page = ...
