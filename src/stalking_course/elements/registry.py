"""The page elements, registered once.

A page element is what a notebook puts on a page with one call, `show_quiz("referral", "nl")`. Each kind
lives in one module, `elements/<kind>.py`, and has one entry below: its name and the calls it provides.
Everything that needs to know the elements reads this registry:

    the package's exports        `from stalking_course import show_quiz` (imported lazily, per call)
    validation                   every kind's `validate()`            (python -m stalking_course.validate)
    the trainer's decks          every kind's `static(call, lang, preview)`: what a slide shows instead
    the answer keys              every kind's `answer_key(call, lang)`: HTML for the trainer
    kernel preloading            the modules of the kinds the pages use
    progress                     checkable elements derive from elements.base.Checkable

A kind's module defines its calls and whichever of these hooks it needs:

    validate() -> int                                   load and check all its data; how many items
    static(call, lang, preview=False) -> Static | None  a deck's stand-in for the widget (None: the page's
                                                        own HTML output is enough)
    answer_key(call, page, lang) -> KeySection | None   its part of the trainer's answer keys
Notebooks are read with `calls_in(source)`: the code is parsed (ast), never matched with regexes, and a
call's arguments must be literals (strings, numbers) so a program can read them.
"""

from __future__ import annotations

import ast
import importlib
from dataclasses import dataclass, field

PACKAGE = __name__.rsplit(".", 2)[0]  # stalking_course

# kind -> the calls its module provides, in the order a lesson typically uses them.
KINDS = {
    "chrome": ("page_header", "page_footer", "lesson_overview", "progress_overview", "content_notice"),
    "facts": ("show_facts",),
    "chart": ("show_chart",),
    "quiz": ("show_quiz",),
    "signals": ("show_signal_sorter",),
    "cases": ("show_case", "show_cases"),
    "guide": ("show_referral_guide",),
    "resources": ("show_resources", "show_referral_table"),
    "diary": ("show_diary_timeline", "show_diary_weeks", "show_diary_editor"),
    "assessment": ("show_final_assessment",),
}

# Names the package exports that are not page elements.
OTHER_EXPORTS = {"ContentError": "content", "advise": "content.referral"}


@dataclass(frozen=True)
class Call:
    """One element on a page: `show_quiz("referral", "nl")` -> Call("quiz", "show_quiz", ("referral", "nl"), {})."""

    kind: str
    function: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    @property
    def subject(self) -> str | None:
        """The first argument when it names content (a bank, a case, a chart), else None."""
        first = self.args[0] if self.args else None
        return first if isinstance(first, str) and first not in ("nl", "en") else None


@dataclass
class Static:
    """What a deck shows instead of a widget: HTML in its place, and slides that follow its slide."""

    inline: str
    slides: list = field(default_factory=list)  # [(slide html, notes html)]


@dataclass(frozen=True)
class KeySection:
    """One element's part of the answer keys; the trainer's build orders sections by group, then page."""

    anchor: str  # the section's id, for the contents list
    title: str  # its line in the contents list
    html: str  # the section itself: <section id="{anchor}">...</section>
    group: int = 0  # 0 questions, 1 signal exercises, 2 cases: the order of the answer keys page


def kind_of(function: str) -> str | None:
    for kind, functions in KINDS.items():
        if function in functions:
            return kind
    return None


def module_name(kind: str) -> str:
    return f"{PACKAGE}.elements.{kind}"


def module(kind: str):
    """The module of a kind (imported on first use)."""
    if kind not in KINDS:
        raise KeyError(f"no element kind {kind!r}; known: {', '.join(KINDS)}")
    return importlib.import_module(module_name(kind))


def exports() -> dict:
    """Every name `from stalking_course import ...` offers -> the module that defines it."""
    names = {fn: module_name(kind) for kind, functions in KINDS.items() for fn in functions}
    names.update({name: f"{PACKAGE}.{mod}" for name, mod in OTHER_EXPORTS.items()})
    return names


def hook(kind: str, name: str):
    """A kind's optional hook (validate, static, answer_key), or None when it has none."""
    return getattr(module(kind), name, None)


def calls_in(source: str) -> list:
    """The element calls in a code cell's source, in order. Calls with non-literal arguments are skipped;
    a cell that is not valid Python (a magic, a half-written cell) has none."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        kind = kind_of(node.func.id)
        if kind is None:
            continue
        try:
            args = tuple(ast.literal_eval(a) for a in node.args)
            kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg}
        except ValueError:
            continue
        found.append((node.lineno, node.col_offset, Call(kind, node.func.id, args, kwargs)))
    return [call for *_, call in sorted(found, key=lambda item: item[:2])]


def calls_in_notebook(nb) -> list:
    """Every element call of a notebook (an nbformat node), in page order."""
    return [call for cell in nb.cells if cell.cell_type == "code" for call in calls_in(cell.source)]


def validate_all() -> dict:
    """Every kind's validate(): {kind: how many items it checked}."""
    counts = {}
    for kind in KINDS:
        validate = hook(kind, "validate")
        if validate is not None:
            counts[kind] = validate()
    return counts
