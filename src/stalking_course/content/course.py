"""The table of contents (data/course.yaml): the one list of pages, in teaching order."""
from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass

from . import LANGS, REPO_ROOT, ContentError, check_lang, data_dir, load_yaml
from .loader import bilingual, require

FILE = "data/course.yaml"
SECTIONS = ("lessons", "exercises", "pages")  # teaching order after the start page: the final assessment is
# the first of the pages, so it comes after every lesson and case exercise it tests


@dataclass(frozen=True)
class Page:
    id: str
    kind: str  # start | lesson | exercise | page
    title: dict
    notebook: dict  # lang -> path from the repository root
    minutes: int = 0
    objectives: dict = None
    number: int = 0  # 1-based place among pages of the same kind

    def path(self, lang: str) -> str:
        return self.notebook[check_lang(lang)]


@dataclass(frozen=True)
class Course:
    title: dict
    start: Page
    pages: tuple  # every page in navigation order, the start page first

    def of_kind(self, kind: str) -> list:
        return [p for p in self.pages if p.kind == kind]

    @property
    def lessons(self) -> list:
        return self.of_kind("lesson")

    @property
    def exercises(self) -> list:
        return self.of_kind("exercise")

    def page(self, page_id: str) -> Page:
        for p in self.pages:
            if p.id == page_id:
                return p
        raise KeyError(f"no page {page_id!r} in {FILE}; known: {', '.join(p.id for p in self.pages)}")

    def neighbours(self, page_id: str):
        """(previous, next) pages in navigation order; None at either end."""
        ids = [p.id for p in self.pages]
        i = ids.index(self.page(page_id).id)
        return (self.pages[i - 1] if i > 0 else None, self.pages[i + 1] if i + 1 < len(self.pages) else None)

    def by_path(self) -> dict:
        """Notebook path -> (page, lang), for every page in both languages."""
        return {p.notebook[lang]: (p, lang) for p in self.pages for lang in LANGS}


def page_label(page: Page, lang: str) -> str:
    """'Les 3: Wie stalkt wie?' for a lesson or exercise; the title alone for other pages."""
    from .text import ui

    if page.kind in ("lesson", "exercise"):
        return f"{ui(lang, 'slides')[page.kind + '_label'].format(n=page.number)}: {page.title[lang]}"
    return page.title[lang]


def relative_link(from_path: str, to_path: str) -> str:
    """A link from one notebook page to another that works under any Voila base URL."""
    return posixpath.relpath(to_path, posixpath.dirname(from_path))


def _page(entry, kind, field, number, check_files) -> Page:
    page_id = require(entry, "id", FILE, field, str)
    field = f"{field} (id {page_id})"
    title = bilingual(entry, "title", FILE, field)
    notebook = require(entry, "notebook", FILE, field, dict)
    for lang in LANGS:
        path = notebook.get(lang)
        if not isinstance(path, str) or not path.endswith(".ipynb"):
            raise ContentError(FILE, f"{field}.notebook.{lang}", "missing path to an .ipynb file")
        if check_files and not (REPO_ROOT / path).is_file():
            raise ContentError(FILE, f"{field}.notebook.{lang}", f"file {path} does not exist")
    minutes, objectives = 0, None
    if kind in ("lesson", "exercise") or (kind == "page" and "minutes" in entry):  # other pages: optional
        minutes = require(entry, "minutes", FILE, field, int)
        if isinstance(minutes, bool) or minutes <= 0:
            raise ContentError(FILE, f"{field}.minutes", "must be a positive number of minutes")
    if kind in ("lesson", "exercise") or (kind == "page" and "objectives" in entry):
        objectives = bilingual(entry, "objectives", FILE, field)
    return Page(page_id, kind, title, dict(notebook), minutes, objectives, number)


@functools.lru_cache(maxsize=None)
def _course(key) -> Course:
    data = load_yaml("course.yaml")
    check_files = data_dir().resolve() == (REPO_ROOT / "data").resolve()
    title = bilingual(data, "title", FILE, "")
    start = _page(require(data, "start", FILE, "", dict), "start", "start", 0, check_files)
    pages = [start]
    for section in SECTIONS:
        entries = data.get(section) or []
        if not isinstance(entries, list):
            raise ContentError(FILE, section, "must be a list")
        kind = section.rstrip("s")
        for n, entry in enumerate(entries, 1):
            pages.append(_page(entry, kind, f"{section}[{n}]", n, check_files))
    seen = set()
    for p in pages:
        if p.id in seen:
            raise ContentError(FILE, f"id {p.id}", "used twice")
        seen.add(p.id)
    return Course(title, start, tuple(pages))


def course() -> Course:
    path = data_dir() / "course.yaml"
    try:
        key = (str(path), path.stat().st_mtime)
    except FileNotFoundError:
        raise ContentError(FILE, "file", "does not exist") from None
    return _course(key)
