"""Authoring helper: write a course notebook from a short list of cells.

    from tools.notebook import write, code, md, notes
    write("notebooks/nl/01_x.ipynb", "what-is-stalking", "nl", [code("...", "slide"), md("..."), notes("...")])

Every course notebook carries metadata.course = {page, lang} (the template sets <html lang> from it and
tests check it against data/course.yaml), a Python kernelspec, and no outputs.
"""
from __future__ import annotations

from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def _cell(kind: str, source: str, slide: str) -> nbformat.NotebookNode:
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    cell = make(source.strip("\n"))
    cell.metadata["slideshow"] = {"slide_type": slide}
    return cell


def code(source: str, slide: str = "-") -> nbformat.NotebookNode:
    return _cell("code", source, slide)


def md(source: str, slide: str = "-") -> nbformat.NotebookNode:
    return _cell("markdown", source, slide)


def notes(source: str) -> nbformat.NotebookNode:
    """Speaker notes: shown in the slides' speaker view, never on the trainee's page."""
    return _cell("markdown", source, "notes")


def write(path: str, page_id: str, lang: str, cells: list, title: str | None = None) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["course"] = {"page": page_id, "lang": lang}
    if title:
        nb.metadata["title"] = title
    for i, cell in enumerate(cells):
        cell["id"] = f"{page_id}-{i:02d}"
    nb.cells = cells
    nbformat.validate(nb)
    target = ROOT / path
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return target
