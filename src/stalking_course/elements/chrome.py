"""Page chrome: the navigation bar, lesson header and footer, the start page and fact cards.

The quick-exit control itself lives in the Voila template (templates/course), so that it works on
every page before the kernel has answered and even if it never does.
"""
from __future__ import annotations

from html import escape

from ..content import check_lang, fact, fill, ui
from ..content.course import course, relative_link
from .base import friendly_errors, show_html
from ..progress import hook as progress_hook


def _other(lang: str) -> str:
    return "en" if lang == "nl" else "nl"


def _position(page, lang: str) -> str:
    t, c = ui(lang), course()
    if page.kind == "lesson":
        return t["lesson_of"].format(n=page.number, total=len(c.lessons))
    if page.kind == "exercise":
        return t["exercise_of"].format(n=page.number, total=len(c.exercises))
    return ""


def _page_link(here: str, target, rel: str, lang: str) -> str:
    """A previous/next link from the page at `here` to `target`."""
    t = ui(lang)
    label = f"← {t['previous']}: {target.title[lang]}" if rel == "prev" else f"{t['next']}: {target.title[lang]} →"
    href = escape(relative_link(here, target.path(lang)))
    return f'<a class="course-nav-link course-{rel}" rel="{rel}" href="{href}">{escape(label)}</a>'


def nav_html(page_id: str, lang: str) -> str:
    """Course title, place in the course, previous / next and the other language."""
    t, c = ui(lang), course()
    page = c.page(page_id)
    here = page.path(lang)
    prev_page, next_page = c.neighbours(page_id)

    parts = [f'<a class="course-nav-home" href="{escape(relative_link(here, c.start.path(lang)))}">'
             f'{escape(c.title[lang])}</a>']
    position = _position(page, lang)
    if position:
        parts.append(f'<span class="course-nav-position">{escape(position)}</span>')
    if prev_page:
        parts.append(_page_link(here, prev_page, "prev", lang))
    if next_page:
        parts.append(_page_link(here, next_page, "next", lang))
    other = _other(lang)
    parts.append(f'<a class="course-nav-lang" hreflang="{other}" lang="{other}" '
                 f'href="{escape(relative_link(here, page.path(other)))}" '
                 f'aria-label="{escape(t["other_language_label"])}">{escape(t["other_language"])}</a>')
    return f'<nav class="course-nav" aria-label="{escape(t["nav_label"])}">{"".join(parts)}</nav>'


@friendly_errors
def page_header(page_id: str, lang: str) -> None:
    """Navigation, the page title and (for lessons and exercises) minutes and objectives."""
    check_lang(lang)
    t = ui(lang)
    page = course().page(page_id)
    html = [nav_html(page_id, lang), f'<h1 class="course-title">{escape(page.title[lang])}</h1>']
    if page.minutes:
        html.append(f'<p class="course-minutes">{escape(t["minutes"].format(n=page.minutes))}</p>')
    if page.objectives:
        items = "".join(f"<li>{escape(fill(o, lang))}</li>" for o in page.objectives[lang])
        html.append(f'<section class="course-objectives"><h2>{escape(t["objectives_heading"])}</h2>'
                    f"<ul>{items}</ul></section>")
    show_html(f'<header class="course-header">{"".join(html)}</header>')


@friendly_errors
def page_footer(page_id: str, lang: str) -> None:
    """Previous / next again at the end of the page, and the way back to the start."""
    t, c = ui(lang), course()
    here = c.page(page_id).path(lang)
    prev_page, next_page = c.neighbours(page_id)
    links = [_page_link(here, p, rel, lang) for p, rel in ((prev_page, "prev"), (next_page, "next")) if p]
    if page_id != c.start.id:
        links.append(f'<a class="course-home" href="{escape(relative_link(here, c.start.path(lang)))}">'
                     f'{escape(t["to_start"])}</a>')
    show_html(f'<nav class="course-footer" aria-label="{escape(t["footer_nav_label"])}">{"".join(links)}</nav>')


def content_notice_html(lang: str) -> str:
    t = ui(lang)
    paragraphs = "".join(f"<p>{escape(fill(p, lang, 'data/ui.yaml', f'{lang}.notice_text'))}</p>" for p in t["notice_text"])
    return (f'<section class="course-notice" aria-labelledby="course-notice-title"><h2 id="course-notice-title">'
            f'⚠ {escape(t["notice_title"])}</h2>{paragraphs}</section>')


@friendly_errors
def content_notice(lang: str) -> None:
    """The content notice: what the course is about, that cases are fictional, where to get help."""
    show_html(content_notice_html(lang))


@friendly_errors
def lesson_overview(lang: str) -> None:
    """The start page's list of lessons and exercises, with minutes and objectives, from course.yaml."""
    t, c = ui(lang), course()
    here = c.start.path(lang)
    _, marks = progress_hook.overview(lang)  # this trainee's mark per page (done / in progress)
    blocks = []
    for kind in ("lesson", "exercise", "page"):
        pages = c.of_kind(kind)
        if not pages:
            continue
        items = []
        for p in pages:
            label = _position(p, lang)
            minutes = f' <span class="course-minutes">({escape(t["minutes"].format(n=p.minutes))})</span>' if p.minutes else ""
            objectives = ""
            if p.objectives:
                objectives = "<ul>" + "".join(f"<li>{escape(fill(o, lang))}</li>" for o in p.objectives[lang]) + "</ul>"
            prefix = f"{escape(label)}: " if label else ""
            items.append(f'<li class="course-toc-item">{prefix}<a href="{escape(relative_link(here, p.path(lang)))}">'
                         f"{escape(p.title[lang])}</a>{marks.get(p.id, '')}{minutes}{objectives}</li>")
        blocks.append(f'<ol class="course-toc course-toc-{kind}">{"".join(items)}</ol>')
    show_html(f'<div class="course-overview">{"".join(blocks)}</div>')


def progress_overview(lang: str) -> None:
    """The start page's progress box: the join link, or this trainee's progress and next step."""
    box, _ = progress_hook.overview(lang)
    if box:
        show_html(box)


__all__ = ["page_header", "page_footer", "show_facts", "lesson_overview", "progress_overview", "nav_html", "fact_html",
           "content_notice", "content_notice_html"]
