"""Small helpers every page uses: showing HTML or widgets, and turning content errors into a message."""
from __future__ import annotations

import functools
import inspect
import sys
from html import escape

from ..content import LANGS, ContentError
from ..progress import hook as progress_hook  # light; the database is only touched for a trainee who joined


def show(obj) -> None:
    from IPython.display import display

    display(obj)


def show_html(markup: str) -> None:
    """Show an HTML fragment; every phone number in its text becomes a tel: link (content.link_phones)."""
    from IPython.display import HTML

    from ..render.phones import link_phones

    show(HTML(link_phones(markup)))


def error_box(lang: str, error: Exception) -> str:
    from ..content import ui

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
    """Mixin for anything a trainee checks (quiz question, signal exercise, case): tries, solved, right first time.

    A subclass's Check handler does, in this order:

        if not self._is_new_answer(chosen):   # the same answer again (a double click) is not a new try
            return
        self._record(right)                   # counts the try, then calls answer_checked(...) once

    answer_checked(chosen, right, first_try) is the one place that hears about every real try: it does
    nothing here; progress recording can override or wrap it. `element` names what was answered."""

    def _reset_attempts(self) -> None:
        self.attempts = 0
        self.solved = False
        self.first_try_right = None  # set on the first real try
        self._last_checked = None
        progress_hook.register(self)  # resumes the trainee's earlier answers after the cell has run

    def _is_new_answer(self, chosen) -> bool:
        if chosen == self._last_checked:
            return False
        self._last_checked = chosen
        self.attempts += 1
        return True

    def _record(self, right: bool) -> None:
        first_try = self.first_try_right is None
        if first_try:
            self.first_try_right = right
        self.solved = self.solved or right
        self.answer_checked(self._last_checked, right, first_try)

    @property
    def element(self) -> str:
        """What was answered (a question id, an exercise id, a case id): subclasses say."""
        return type(self).__name__

    def answer_checked(self, chosen, right: bool, first_try: bool) -> None:
        """Called once per real try, after the tries and the score are updated: records it (progress/hook.py)."""
        progress_hook.checked(self, right)


def partly_details(lang: str, missing: int, extra: int, kind: str = "") -> str:
    """'nog 2 goede antwoorden te vinden; 1 van je keuzes klopt niet' (data/ui.yaml; kind "signals_" for signs)."""
    from ..content import ui

    t = ui(lang)
    parts = [t[f"{kind}{what}_{'one' if n == 1 else 'many'}"].format(n=n)
             for what, n in (("missing", missing), ("extra", extra)) if n]
    return "; ".join(parts)
