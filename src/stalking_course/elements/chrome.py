"""Page chrome: the navigation bar, lesson header and footer, the start page's overviews and the content notice.

The table of contents is content (content/course.py, data/course.yaml); the HTML is in
render/templates/chrome/. The quick-exit control itself lives in the Voila template (templates/course),
so that it works on every page before the kernel has answered and even if it never does.
"""

from __future__ import annotations

from ..content import LANGS, check_lang, display_name, fill, ui
from ..content.course import course, relative_link
from ..progress import hook as progress_hook
from ..render import Markup, render
from .base import friendly_errors, show_html


def _other(lang: str) -> str:
    return "en" if lang == "nl" else "nl"


def _position(page, lang: str) -> str:
    """'Les 3 van 9' for a lesson, 'Oefening 1 van 2' for an exercise, '' for other pages."""
    t, c = ui(lang), course()
    if page.kind == "lesson":
        return t["lesson_of"].format(n=page.number, total=len(c.lessons))
    if page.kind == "exercise":
        return t["exercise_of"].format(n=page.number, total=len(c.exercises))
    return ""


def _links(here: str, neighbours, lang: str) -> list:
    """Previous / next links from the page at `here` (pages that are None are left out)."""
    return [
        {"rel": rel, "href": relative_link(here, target.path(lang)), "title": target.title[lang]}
        for target, rel in zip(neighbours, ("prev", "next"))
        if target
    ]


def _objectives(page, lang: str) -> list:
    if not page.objectives:
        return []
    where = "start" if page.kind == "start" else f"{page.kind}s[{page.number}]"  # lessons[3], pages[1]
    field = f"{where} (id {page.id}).objectives.{lang}"
    return [fill(o, lang, display_name("course.yaml"), field) for o in page.objectives[lang]]


def nav_html(page_id: str, lang: str) -> str:
    """Course title, place in the course, previous / next and the other language."""
    c = course()
    page = c.page(page_id)
    here, other = page.path(lang), _other(lang)
    return render(
        "chrome/nav.html.j2",
        t=ui(lang),
        home=relative_link(here, c.start.path(lang)),
        course_title=c.title[lang],
        position=_position(page, lang),
        links=_links(here, c.neighbours(page_id), lang),
        other=other,
        other_href=relative_link(here, page.path(other)),
    )


def header_html(page_id: str, lang: str) -> str:
    check_lang(lang)
    t, page = ui(lang), course().page(page_id)
    return render(
        "chrome/header.html.j2",
        t=t,
        nav=Markup(nav_html(page_id, lang)),
        title=page.title[lang],
        minutes=t["minutes"].format(n=page.minutes) if page.minutes else "",
        objectives=_objectives(page, lang),
    )


@friendly_errors
def page_header(page_id: str, lang: str) -> None:
    """Navigation, the page title and (for lessons and exercises) minutes and objectives."""
    show_html(header_html(page_id, lang))


def footer_html(page_id: str, lang: str) -> str:
    c = course()
    here = c.page(page_id).path(lang)
    home = relative_link(here, c.start.path(lang)) if page_id != c.start.id else ""
    return render("chrome/footer.html.j2", t=ui(lang), links=_links(here, c.neighbours(page_id), lang), home=home)


@friendly_errors
def page_footer(page_id: str, lang: str) -> None:
    """Previous / next again at the end of the page, and the way back to the start."""
    show_html(footer_html(page_id, lang))


def content_notice_html(lang: str) -> str:
    """The content notice as HTML (the trainer's deck shows it too)."""
    return render("chrome/notice.html.j2", t=ui(lang), paragraphs=ui(lang)["notice_text"])


@friendly_errors
def content_notice(lang: str) -> None:
    """The content notice: what the course is about, that cases are fictional, where to get help."""
    show_html(content_notice_html(lang))


def overview_html(lang: str, marks: dict) -> str:
    """The start page's table of contents; marks: this trainee's mark (HTML) per page id."""
    t, c = ui(lang), course()
    here = c.start.path(lang)
    blocks = []
    for kind in ("lesson", "exercise", "page"):
        items = [
            {
                "position": _position(p, lang),
                "href": relative_link(here, p.path(lang)),
                "title": p.title[lang],
                "mark": Markup(marks.get(p.id, "")),
                "minutes": t["minutes"].format(n=p.minutes) if p.minutes else "",
                "objectives": _objectives(p, lang),
            }
            for p in c.of_kind(kind)
        ]
        if items:
            blocks.append((kind, items))
    return render("chrome/overview.html.j2", blocks=blocks)


@friendly_errors
def lesson_overview(lang: str) -> None:
    """The start page's list of lessons and exercises, with minutes and objectives, from course.yaml."""
    _, marks = progress_hook.overview(lang)  # this trainee's mark per page (done / in progress)
    show_html(overview_html(lang, marks))


def progress_overview(lang: str) -> None:
    """The start page's progress box: the join link, or this trainee's progress and next step."""
    box, _ = progress_hook.overview(lang)
    if box:
        show_html(box)


# ---------------------------------------------------------------- registry hooks


def validate() -> int:
    """data/course.yaml and the interface text (data/ui.yaml) in both languages, and every page's chrome
    (objectives with their facts filled in); the number of pages."""
    pages = course().pages
    for lang in LANGS:
        ui(lang)
        for page in pages:
            _objectives(page, lang)
    return len(pages)


def static(call, lang: str, preview: bool = False):
    return None  # navigation is dropped from decks; the notice and overviews are plain HTML


def answer_key(call, page, lang: str):
    return None


__all__ = [
    "content_notice",
    "content_notice_html",
    "footer_html",
    "header_html",
    "lesson_overview",
    "nav_html",
    "overview_html",
    "page_footer",
    "page_header",
    "progress_overview",
]
