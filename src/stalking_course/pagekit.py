"""Small helpers every page uses: showing HTML or widgets, and turning content errors into a message."""
from __future__ import annotations

import functools
import inspect
import sys
from html import escape

from .content import LANGS, ContentError


def show(obj) -> None:
    from IPython.display import display

    display(obj)


def show_html(markup: str) -> None:
    from IPython.display import HTML

    show(HTML(markup))


def error_box(lang: str, error: Exception) -> str:
    from .content import ui

    try:
        intro = ui(lang)["content_error"]
    except ContentError:  # ui.yaml itself is broken: say it in both languages
        intro = "Er is iets mis met de cursusinhoud. / Something is wrong with the course content."
    return (f'<div class="course-msg course-msg-wrong" role="alert"><p><strong>⚠ {escape(intro)}</strong></p>'
            f"<p><code>{escape(str(error))}</code></p></div>")


def friendly_errors(func):
    """Show a ContentError as a message on the page (file and field named) instead of a traceback."""
    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ContentError as error:
            lang = signature.bind_partial(*args, **kwargs).arguments.get("lang", "nl")
            print(f"course content error: {error}", file=sys.stderr)
            show_html(error_box(lang if lang in LANGS else "nl", error))
            return None

    return wrapper


class Attempts:
    """Mixin for anything a trainee checks: tries, solved, right first time (the score).

    Pressing Check again with the same answer (a double click, an impatient second press) is not a new try."""

    def _reset_attempts(self) -> None:
        self.attempts = 0
        self.solved = False
        self.first_try_right = None  # set on the first real try
        self._last_checked = None

    def _is_new_answer(self, chosen) -> bool:
        if chosen == self._last_checked:
            return False
        self._last_checked = chosen
        self.attempts += 1
        return True

    def _record(self, right: bool) -> None:
        if self.first_try_right is None:
            self.first_try_right = right
        self.solved = self.solved or right
