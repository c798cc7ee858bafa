"""From a notebook to a static reveal.js deck: execute it (nbclient), transform it, export it (nbconvert).

- the slides are the notebook's own cell metadata (slideshow.slide_type); `notes` cells are the speaker notes;
- code is hidden; HTML outputs (facts, charts, tables) stay; navigation bars are dropped;
- a widget needs a kernel, which a static deck does not have: each element's `static` hook (elements/,
  read through the registry) gives what the deck shows instead, in place and on slides that follow;
  a widget whose element has none gets a short note;
- nothing is cut off: long tables go on over several slides and the text after a chart goes to the next
  (tables.py).
"""

from __future__ import annotations

import asyncio
import json
import os
import posixpath
import re
import tempfile
from html import escape  # as nbconvert's own output escapes (&#x27;), not Jinja's

from ..content import LANGS, REPO_ROOT
from ..content.course import course
from ..render import Markup, render
from .base import COURSE_STATIC, DECK_TEMPLATES, LIVE_STATIC, SlidesError, asset, texts
from .notebooks import deck_file, deck_pages, heading, read_notebook, slide_type, statics
from .reveal import speaker_labels_js
from .tables import split_after_chart, split_tables

DECK_SIZE = {"width": 1280, "height": 720}
NAV = re.compile(r'<nav class="course-(?:nav|footer)".*?</nav>', re.S)
SECTION_OPEN = re.compile(r"<section\b")
SECTION_CLOSE = re.compile(r"</section\s*>")
NOTEBOOK_LINK = re.compile(r'(href=)"([^"#]+\.ipynb)(#[^"]*)?"')
WIDGET = "application/vnd.jupyter.widget-view+json"


def _html_output(html: str) -> dict:
    import nbformat

    return nbformat.v4.new_output("display_data", data={"text/html": html})


def _html_cell(html: str, kind: str, cell_id: str):
    import nbformat

    cell = nbformat.v4.new_code_cell("", id=cell_id)
    cell.metadata["slideshow"] = {"slide_type": kind}
    cell.outputs = [_html_output(html)]
    return cell


def _slide_with_notes(slide: str, notes: str, cell_id: str) -> list:
    return [_html_cell(slide, "slide", cell_id), _html_cell(notes, "notes", cell_id + "-notes")]


def _clean_html(html: str) -> str:
    """Page chrome that has no place on a slide: navigation bars; <section> inside content is a slide to reveal."""
    html = NAV.sub("", html)
    return SECTION_CLOSE.sub("</div>", SECTION_OPEN.sub("<div", html))


def _content_error(cell, where: str) -> None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and "course content error" in "".join(out.get("text", "")):
            raise SlidesError(f"{where}: {''.join(out['text']).strip()}")


def _outputs(cell, cell_id, lang: str, title: str, preview: bool, pending: list) -> tuple:
    """(the outputs a slide keeps, whether the cell made a widget); slides that carry on go to pending."""
    outputs, after_chart, had_widget = [], None, False
    continued_notes = render("trainer/notes.html.j2", text=texts(lang)["continued_notes"])
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if out.get("output_type") not in ("display_data", "execute_result"):
            continue  # streams (print, warnings) and errors never go on a slide
        if WIDGET in data:
            had_widget = True
            continue
        if "text/html" in data:
            html = data["text/html"]
            html = _clean_html("".join(html) if isinstance(html, list) else html)
            if not preview:
                html, parts = split_tables(html, lang, title)
                for k, part in enumerate(parts):
                    pending += _slide_with_notes(part, continued_notes, f"{cell_id}-table-{len(outputs)}-{k}")
            out = _html_output(html)
            if after_chart is not None:
                after_chart.append(html)  # content that follows a chart goes to the next slide
                continue
            if not preview and "course-chart" in html:
                html, rest = split_after_chart(html)
                out = _html_output(html)
                after_chart = [rest] if rest else []
        elif not any(k.startswith("image/") for k in data):
            continue  # a bare text/plain repr: code talking, not content
        outputs.append(out)
    if after_chart:
        rest = render("trainer/continued.html.j2", t=texts(lang), heading=title, rest=Markup("".join(after_chart)))
        pending[:0] = _slide_with_notes(rest, continued_notes, f"{cell_id}-after-chart")
    return outputs, had_widget


def transform(nb, lang: str, where: str, preview: bool = False):
    """An executed notebook made ready for a static deck (see the module docstring)."""
    cells, pending = [], []
    title = ""
    for index, cell in enumerate(nb.cells):
        if slide_type(cell) in ("slide", "subslide"):
            cells.extend(pending)
            pending, title = [], ""
        if cell.cell_type != "code":
            if cell.cell_type == "markdown" and slide_type(cell) != "notes" and not title:
                title = heading(cell)
            cells.append(cell)
            continue
        _content_error(cell, where)
        cell_id = cell.get("id", index)
        outputs, had_widget = _outputs(cell, cell_id, lang, title, preview, pending)
        found = statics(cell, lang, preview)
        if not found and had_widget:
            outputs.append(_html_output(render("trainer/note.html.j2", text=texts(lang)["interactive_note"])))
        for n, static in enumerate(found):
            outputs.append(_html_output(str(static.inline)))
            for k, (slide, notes) in enumerate(static.slides):
                pending += _slide_with_notes(slide, notes, f"{cell_id}-static-{n}-{k}")
        cell.outputs = outputs
        cells.append(cell)
    cells.extend(pending)
    nb.cells = cells
    return nb


def _rewrite_links(html: str, path: str) -> str:
    """Links to other notebooks point to their decks (or, when a page has no deck, the index page)."""
    decks = {p.path(lg): deck_file(p.path(lg)) for p in deck_pages() for lg in LANGS}
    here = posixpath.dirname(deck_file(path))

    def sub(match):
        href, anchor = match.group(2), match.group(3) or ""
        if re.match(r"^[a-z]+:", href):
            return match.group(0)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), href))
        deck = decks.get(target)
        new = posixpath.relpath(deck, here) + anchor if deck else "index.html"
        return f'{match.group(1)}"{escape(new)}"'

    return NOTEBOOK_LINK.sub(sub, html)


def _exporter(lang: str, reveal_prefix: str):
    from nbconvert import SlidesExporter

    return SlidesExporter(
        template_name="course-deck",
        extra_template_basedirs=[str(DECK_TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        reveal_url_prefix=reveal_prefix,
        reveal_theme="white",
        reveal_transition="fade",
        reveal_number="c/t",
        reveal_width=str(DECK_SIZE["width"]),
        reveal_height=str(DECK_SIZE["height"]),
        language_code=lang,
    )


def export_deck(nb, path: str, page, lang: str, reveal_prefix: str = "../reveal.js") -> str:
    """The HTML of one deck from a transformed notebook."""
    t = texts(lang)
    resources = {
        "course_css": asset(COURSE_STATIC / "course.css"),
        "deck_css": asset(LIVE_STATIC / "course-reveal.css") + asset(DECK_TEMPLATES / "course-deck" / "deck.css"),
        "deck_js": (
            speaker_labels_js()
            + "window.courseDeck = true;\n"
            + f"window.courseDeckText = {json.dumps({'continued': t['continued']}, ensure_ascii=False)};\n"
            + asset(LIVE_STATIC / "course-reveal.js")
        ),
    }
    body, _ = _exporter(lang, reveal_prefix).from_notebook_node(nb, resources=resources)
    title = f"{page.title[lang]} – {t['deck_suffix']}"
    body = re.sub(r"<title>.*?</title>", lambda _m: f"<title>{escape(title)}</title>", body, count=1, flags=re.S)
    return _rewrite_links(body, path)


# ---------------------------------------------------------------- executing notebooks


async def execute_async(notebooks: list, jobs: int = 1) -> None:
    """Run the notebooks [(path, nb)] in place, `jobs` kernels at a time (each notebook its own kernel,
    shut down when it is done). A failing cell raises SlidesError naming the notebook."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from traitlets.config import Config

    semaphore = asyncio.Semaphore(max(1, jobs))

    async def one(path, nb):
        async with semaphore:
            # The kernel talks to this process over Unix sockets in a private folder: no open TCP port, and
            # no warning from every kernel that TCP without encryption can be overheard (`make slides` is quiet).
            with tempfile.TemporaryDirectory(prefix="course-kernel-") as sockets:
                config = Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(sockets, "k")}})
                client = NotebookClient(
                    nb,
                    timeout=180,
                    kernel_name="python3",
                    allow_errors=False,
                    config=config,
                    resources={"metadata": {"path": str((REPO_ROOT / path).parent)}},
                )
                try:
                    await client.async_execute()
                except CellExecutionError as error:
                    raise SlidesError(f"{path} failed to run:\n{error}") from None

    results = await asyncio.gather(*(one(p, nb) for p, nb in notebooks), return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        raise errors[0]


def execute(notebooks: list, jobs: int | None = None) -> None:
    """execute_async() for scripts: by default as many kernels at a time as there are CPUs (at most 4)."""
    work = execute_async(notebooks, jobs or min(4, os.cpu_count() or 1))
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # the usual case: no event loop in this thread
        asyncio.run(work)
        return
    # Called where an event loop already runs (a notebook, Playwright's sync API in tests): use a thread of our own.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, work).result()


async def preview_deck(path: str, lang: str, reveal_prefix: str) -> str:
    """The slides the speaker view shows as 'current' and 'upcoming' during a live presentation: the same
    slides as the live page (widgets replaced in place, no extra quiz slides), from one run of the notebook
    in a kernel that is shut down straight after, so the previews need no kernel of their own."""
    page, _lang = course().by_path()[path]
    nb = read_notebook(path)
    await execute_async([(path, nb)], 1)
    return export_deck(transform(nb, lang, path, preview=True), path, page, lang, reveal_prefix)
