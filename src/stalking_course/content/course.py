"""The table of contents (data/course.yaml): the one list of pages, in teaching order.

The file's structure is schemas/course.schema.json (lessons and exercises need minutes and objectives;
other pages may have them); here only what a schema cannot say: ids used once, notebooks that exist."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from .loader import LANGS, REPO_ROOT, ContentError, cached, check_unique_ids, data_dir, display_name, load_yaml
from .text import check_lang, ui

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
    if page.kind in ("lesson", "exercise"):
        return f"{ui(lang, 'slides')[page.kind + '_label'].format(n=page.number)}: {page.title[lang]}"
    return page.title[lang]


def relative_link(from_path: str, to_path: str) -> str:
    """A link from one notebook page to another that works under any Voila base URL."""
    return posixpath.relpath(to_path, posixpath.dirname(from_path))


def _page(entry: dict, kind: str, field: str, number: int, check_files: bool) -> Page:
    """One entry of course.yaml (already checked against schemas/course.schema.json) as a Page."""
    if check_files:  # only the course's own data: a test's copy of data/ keeps the notebooks where they are
        for lang in LANGS:
            path = entry["notebook"][lang]
            if not (REPO_ROOT / path).is_file():
                raise ContentError(FILE, f"{field} (id {entry['id']}).notebook.{lang}", f"file {path} does not exist")
    return Page(
        entry["id"],
        kind,
        entry["title"],
        dict(entry["notebook"]),
        entry.get("minutes", 0),
        entry.get("objectives"),
        number,
    )


@cached("course.yaml")
def course() -> Course:
    """The table of contents, checked: every page in navigation order, the start page first."""
    data = load_yaml("course.yaml", schema="course")
    check_files = data_dir().resolve() == (REPO_ROOT / "data").resolve()
    pages = [_page(data["start"], "start", "start", 0, check_files)]
    for section in SECTIONS:
        kind = section.rstrip("s")
        for n, entry in enumerate(data.get(section) or [], 1):
            pages.append(_page(entry, kind, f"{section}[{n}]", n, check_files))
    check_unique_ids(pages, display_name("course.yaml"), "pages")
    return Course(data["title"], pages[0], tuple(pages))


def validate() -> int:
    """Load and check data/course.yaml; the number of pages."""
    return len(course().pages)
