"""Reading the course's notebooks: which pages get a deck, where it goes, how many slides it has."""

from __future__ import annotations

from pathlib import Path

from ..content import REPO_ROOT
from ..content.course import course
from ..elements import registry

PLACEHOLDER = "PLACEHOLDER"


def slide_type(cell) -> str:
    return ((cell.get("metadata") or {}).get("slideshow") or {}).get("slide_type", "-") or "-"


def source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def heading(cell) -> str:
    """The first Markdown heading of a cell, or ''."""
    for line in source(cell).splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip()
    return ""


def count_slides(cells) -> int:
    """How many slides reveal.js makes of these cells (as nbconvert groups them: the first visible cell
    starts a slide, then every `slide` or `subslide` cell)."""
    n, started = 0, False
    for cell in cells:
        kind = slide_type(cell)
        if not started:
            if kind not in ("notes", "skip"):
                n, started = 1, True
        elif kind in ("slide", "subslide"):
            n += 1
    return n


def is_placeholder(nb) -> bool:
    return any(PLACEHOLDER in source(c) for c in nb["cells"])


def read_notebook(path: str):
    import nbformat

    return nbformat.read(REPO_ROOT / path, as_version=4)


def calls(cell) -> list:
    """The page elements a code cell shows (registry.Call), in order."""
    return registry.calls_in(source(cell)) if cell.get("cell_type") == "code" else []


def deck_file(path: str) -> str:
    """Where the deck of a notebook goes, relative to the build folder: <lang>/<notebook name>.html."""
    p = Path(path)
    return f"{p.parent.name}/{p.stem}.html"


def deck_pages(c=None) -> list:
    """The pages that get an offline deck: every lesson and every case exercise."""
    c = c or course()
    return list(c.lessons) + list(c.exercises)


def statics(cell, lang: str, preview: bool = False) -> list:
    """What a deck shows instead of the widgets of a code cell: each element's static hook (registry)."""
    found = []
    for call in calls(cell):
        static = registry.hook(call.kind, "static")
        result = static(call, lang, preview) if static else None
        if result is not None:
            found.append(result)
    return found
