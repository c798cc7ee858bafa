"""The trainer's material: offline reveal.js decks, answer keys, session plans and index pages.

    python -m stalking_course.slides build [--out DIR] [--lang nl] [--lesson ID] [--jobs N]
    python -m stalking_course.slides keys  [--out DIR]       index pages and answer keys only (fast)
    python -m stalking_course.slides readme [--check]        refresh the generated parts of slides/README.md
    python -m stalking_course.slides serve [--port 8000]     show slides/build on http://localhost

`make slides` runs `build`: for every lesson and case exercise in data/course.yaml and both languages it executes the
notebook (nbclient), turns the result into a static deck and writes

    slides/build/index.html                  the two languages
    slides/build/<lang>/index.html           decks, session plans, content notice, what to do on a disclosure
    slides/build/<lang>/<notebook>.html      one deck per lesson (the notebook's file name)
    slides/build/<lang>/answer-keys.html     every question bank, exercise and case, from data/ (for the trainer)
    slides/build/<lang>/case-cards.html      the cases to print and hand out, without answers (slides_cases.py)
    slides/build/reveal.js/                  reveal.js 4.x from slides/node_modules (npm ci, pinned)

How a notebook becomes a deck:
- the slides are the notebook's own cell metadata (slideshow.slide_type); `notes` cells are the speaker notes;
- code is hidden; HTML outputs (facts, charts, tables) stay; navigation bars are dropped;
- a widget needs a kernel, which a static deck does not have, so each is replaced by a static equivalent
  (static_for() below): a quiz becomes, per question, a question slide and an answer slide with the
  explanation (feedback per option in the notes); the signal exercise gets an answer slide; the referral
  guide becomes a table; a case a story slide and a question and an answer slide per question
  (slides_cases.py); any other widget a short note. Everything comes from data/ through the same
  loaders the widgets use (questions.bank(), signals.exercise(), referral.advise(), cases.case()).
- nothing is cut off: a long table is spread over several slides (split_tables), the text after a chart
  goes to the next slide, and in the browser course-reveal.js moves what still does not fit at 70 % to a
  "(continued)" slide before reveal.js starts (so a printed handout has the same slides);
- the session plans (data/slides.yaml) name every lesson and exercise: in the session or as self-study.
- nothing is loaded from outside the machine: reveal.js from ../reveal.js/, styles inlined, no jQuery,
  require.js, widget renderer, MathJax or mermaid.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import functools
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from .content import LANGS, REPO_ROOT, ContentError, check_lang, fill, load_yaml
from .content.loader import bilingual, require
from .content import ui as course_ui

FILE = "data/slides.yaml"
PACKAGE_DIR = Path(__file__).resolve().parent
SLIDES_DIR = REPO_ROOT / "slides"
BUILD_DIR = SLIDES_DIR / "build"
README = SLIDES_DIR / "README.md"
DECK_TEMPLATES = SLIDES_DIR / "templates"
TEMPLATES = PACKAGE_DIR / "share" / "jupyter" / "voila" / "templates"
LIVE_STATIC = TEMPLATES / "course-reveal" / "static"
COURSE_STATIC = TEMPLATES / "course" / "static"
REVEAL_PACKAGE = SLIDES_DIR / "node_modules" / "reveal.js"
# What a deck needs from the reveal.js package (it is 5 MB; these are a few hundred kB).
REVEAL_FILES = ("LICENSE", "dist/reveal.css", "dist/reveal.js", "dist/theme/white.css",
                "dist/theme/fonts/source-sans-pro/*", "plugin/notes/notes.js")
DECK_SIZE = {"width": 1280, "height": 720}

CALL = re.compile(r"\b(show_[a-z_]+)\s*\(([^()]*)\)")
STRING = re.compile(r"""["']([^"'\\]*)["']""")
NAV = re.compile(r'<nav class="course-(?:nav|footer)".*?</nav>', re.S)
SECTION_OPEN = re.compile(r"<section\b")
SECTION_CLOSE = re.compile(r"</section\s*>")
WIDGET = "application/vnd.jupyter.widget-view+json"
PLACEHOLDER = "PLACEHOLDER"


class SlidesError(RuntimeError):
    """The slides cannot be built (a notebook fails, a content error, npm missing)."""


# ---------------------------------------------------------------- text from data/slides.yaml

def _filled(value, lang: str, field: str):
    if isinstance(value, str):
        return fill(value, lang, FILE, field)
    if isinstance(value, list):
        return [_filled(v, lang, f"{field}[{i}]") for i, v in enumerate(value)]
    return value


def texts(lang: str) -> dict:
    """Interface text of the trainer's material in one language, facts filled in."""
    check_lang(lang)
    data = load_yaml("slides.yaml")
    strings = require(require(data, "ui", FILE, "", dict), lang, FILE, "ui", dict)
    other = data["ui"].get("en" if lang == "nl" else "nl") or {}
    missing = set(strings) ^ set(other)
    if missing:
        raise ContentError(FILE, "ui: " + ", ".join(sorted(missing)), "present in one language only")
    return {key: _filled(value, lang, f"ui.{lang}.{key}") for key, value in strings.items()}


SPEAKER_KEYS = ("title", "loading", "upcoming", "time", "reset", "pacing", "notes", "layout", "layout_default",
                "layout_wide", "layout_tall", "layout_notes_only", "cross_origin", "connection_error", "locale")


def speaker_labels() -> dict:
    """The speaker view's labels per language (data/slides.yaml, speaker_view), for course-reveal.js."""
    section = require(load_yaml("slides.yaml"), "speaker_view", FILE, "", dict)
    labels = {}
    for lang in LANGS:
        strings = require(section, lang, FILE, "speaker_view", dict)
        labels[lang] = {key: require(strings, key, FILE, f"speaker_view.{lang}", str) for key in SPEAKER_KEYS}
    return labels


def speaker_labels_js() -> str:
    return f"window.courseSpeakerView = {json.dumps(speaker_labels(), ensure_ascii=False, sort_keys=True)};\n"


def disclosure(lang: str) -> list:
    data = load_yaml("slides.yaml")
    paragraphs = require(require(data, "disclosure", FILE, "", dict), lang, FILE, "disclosure", list)
    return [fill(p, lang, FILE, f"disclosure.{lang}[{i}]") for i, p in enumerate(paragraphs)]


# ---------------------------------------------------------------- reveal.js from the npm registry

def pinned_reveal_version() -> str:
    lock = json.loads((SLIDES_DIR / "package-lock.json").read_text(encoding="utf-8"))
    return lock["packages"]["node_modules/reveal.js"]["version"]


def ensure_reveal(log=print) -> Path:
    """slides/node_modules/reveal.js at the pinned version; runs `npm ci` in slides/ when it is missing."""
    want = pinned_reveal_version()
    manifest = REVEAL_PACKAGE / "package.json"
    have = json.loads(manifest.read_text(encoding="utf-8")).get("version") if manifest.is_file() else None
    if have != want:
        npm = shutil.which("npm")
        if not npm:
            raise SlidesError(f"reveal.js {want} is not in slides/node_modules and npm was not found. "
                              "Install Node.js (with npm), then run `make slides` again.")
        log(f"Installing reveal.js {want} (npm ci in slides/) ...")
        run = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=SLIDES_DIR,
                             capture_output=True, text=True)
        if run.returncode != 0:
            raise SlidesError(f"npm ci in slides/ failed:\n{run.stdout}{run.stderr}")
    return REVEAL_PACKAGE


def _complete(target: Path) -> bool:
    return all(any(target.glob(pattern)) for pattern in REVEAL_FILES)


def copy_reveal(target: Path) -> Path:
    """Copy the files a deck needs from the reveal.js package to target (unchanged files are skipped).
    Offline without slides/node_modules, an earlier complete copy is used as it is."""
    manifest = REVEAL_PACKAGE / "package.json"
    if not manifest.is_file() and _complete(target):
        return target
    source = ensure_reveal()
    for pattern in REVEAL_FILES:
        for path in sorted(source.glob(pattern)):
            dest = target / path.relative_to(source)
            if dest.is_file() and dest.stat().st_size == path.stat().st_size and dest.stat().st_mtime >= path.stat().st_mtime:
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)
    return target


def ensure_live_assets() -> Path:
    """reveal.js for the live presentation, served by Voila from templates/course-reveal/static/reveal, and
    the speaker view's labels from data/slides.yaml (static/speaker-view-labels.js, not committed)."""
    labels = LIVE_STATIC / "speaker-view-labels.js"
    text = speaker_labels_js()
    if not labels.is_file() or labels.read_text(encoding="utf-8") != text:
        labels.write_text(text, encoding="utf-8")
    return copy_reveal(LIVE_STATIC / "reveal")


# ---------------------------------------------------------------- reading notebooks

def _slide_type(cell) -> str:
    return ((cell.get("metadata") or {}).get("slideshow") or {}).get("slide_type", "-") or "-"


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def calls(source: str) -> list:
    """The show_*(...) calls in a code cell, each as (function, [string arguments])."""
    return [(m.group(1), STRING.findall(m.group(2))) for m in CALL.finditer(source)]


def count_slides(cells) -> int:
    """How many slides reveal.js makes of these cells (as nbconvert groups them: the first visible cell
    starts a slide, then every `slide` or `subslide` cell)."""
    n, started = 0, False
    for cell in cells:
        kind = _slide_type(cell)
        if not started:
            if kind not in ("notes", "skip"):
                n, started = 1, True
        elif kind in ("slide", "subslide"):
            n += 1
    return n


def is_placeholder(nb) -> bool:
    return any(PLACEHOLDER in _source(c) for c in nb["cells"])


def read_notebook(path: str):
    import nbformat

    return nbformat.read(REPO_ROOT / path, as_version=4)


# ---------------------------------------------------------------- static equivalents of widgets

@dataclass
class Static:
    """What a deck shows instead of a widget: HTML in its place, and slides that follow its slide."""

    inline: str
    slides: list = field(default_factory=list)  # [(slide html, notes html)]


def _letter(i: int) -> str:
    return chr(ord("A") + i)


def _kicker(text: str) -> str:
    return f'<p class="deck-kicker">{escape(text)}</p>'


def quiz_static(bank_id: str, lang: str) -> Static:
    """A question slide and an answer slide per question (feedback on every option in the notes)."""
    from .content.questions import bank

    t, cu = texts(lang), course_ui(lang)
    questions = bank(bank_id)
    total = len(questions)
    slides = []
    for n, q in enumerate(questions, 1):
        kicker = _kicker(cu["question_of"].format(n=n, total=total))
        hint = cu["choose_one"] if q.type == "single" else cu["choose_all"]
        options = "".join(f'<li><span class="deck-letter">{_letter(i)}</span> {escape(o.text[lang])}</li>'
                          for i, o in enumerate(q.options))
        question = (f'<div class="deck-question" data-question="{escape(bank_id)}/{escape(q.id)}">{kicker}'
                    f'<h2>{escape(q.text[lang])}</h2><p class="deck-hint">{escape(hint)}</p>'
                    f'<ol class="deck-options">{options}</ol></div>')
        vote = f"<p>{escape(t['quiz_vote_notes'])}</p>"
        marked = []
        for i, o in enumerate(q.options):
            mark = f"✔ {t['right_label']}" if o.correct else f"✘ {t['wrong_label']}"
            cls = "deck-right" if o.correct else "deck-wrong"
            marked.append(f'<li class="{cls}"><span class="deck-letter">{_letter(i)}</span> '
                          f'<span class="deck-mark">{escape(mark)}:</span> {escape(o.text[lang])}</li>')
        answer = (f'<div class="deck-answer" data-answer="{escape(bank_id)}/{escape(q.id)}" '
                  f'data-key="{"".join(_letter(i) for i in sorted(q.correct))}">'
                  f'{_kicker(t["answer_heading"].format(n=n))}<h2>{escape(q.text[lang])}</h2>'
                  f'<ol class="deck-options">{"".join(marked)}</ol>'
                  f'<p class="deck-explanation"><strong>{escape(cu["explanation"])}:</strong> '
                  f'{escape(q.explanation[lang])}</p></div>')
        feedback = "".join(f"<li>{_letter(i)} {'✔' if o.correct else '✘'} {escape(o.feedback[lang])}</li>"
                           for i, o in enumerate(q.options))
        notes = f"<p>{escape(t['quiz_answer_notes'])}</p><ul>{feedback}</ul>"
        slides += [(question, vote), (answer, notes)]
    inline = f'<p class="deck-note">{escape(t["quiz_follows"].format(n=total))}</p>'
    return Static(inline, slides)


def quiz_preview(bank_id: str, lang: str) -> Static:
    """For the speaker view of the live presentation: the slides of the live quiz, which has each question
    on a slide of its own after the quiz's slide (course-reveal.js). No answers."""
    from .content.questions import bank

    cu = course_ui(lang)
    questions = bank(bank_id)

    def one(n, q):
        options = "".join(f"<li>{escape(o.text[lang])}</li>" for o in q.options)
        return (f'<div class="deck-question">{_kicker(cu["question_of"].format(n=n, total=len(questions)))}'
                f'<h2>{escape(q.text[lang])}</h2><ol class="deck-options">{options}</ol></div>')

    return Static("", [(one(n, q), "") for n, q in enumerate(questions, 1)])


def signals_static(exercise_id: str, lang: str) -> Static:
    """The situations on the exercise's slide, and an answer slide saying which are signals."""
    from .elements import signals

    t = texts(lang)
    ex = signals.exercise(exercise_id)
    items = "".join(f"<li>{escape(item.text[lang])}</li>" for item in ex.items)
    inline = (f'<ol class="deck-items">{items}</ol>'
              f'<p class="deck-note">{escape(t["signals_follow"])}</p>')
    marked = []
    for item in ex.items:
        mark = f"✔ {t['keys_signal_yes']}" if item.signal else f"✘ {t['keys_signal_no']}"
        cls = "deck-right" if item.signal else "deck-wrong"
        marked.append(f'<li class="{cls}"><span class="deck-mark">{escape(mark)}:</span> {escape(item.text[lang])}</li>')
    compact = " deck-compact" if len(marked) > 6 else ""
    answer = (f'<div class="deck-answer" data-signals="{escape(exercise_id)}"><h2>{escape(t["signals_answer_heading"])}</h2>'
              f'<ol class="deck-options{compact}">{"".join(marked)}</ol></div>')
    feedback = "".join(f"<li>{'✔' if item.signal else '✘'} {escape(item.text[lang])}: {escape(item.feedback[lang])}</li>"
                       for item in ex.items)
    notes = f"<p>{escape(t['signals_notes'])}</p><ul>{feedback}</ul>"
    return Static(inline, [(answer, notes)])


def signals_preview(exercise_id: str, lang: str) -> Static:
    from .elements import signals

    items = "".join(f"<li>{escape(item.text[lang])}</li>" for item in signals.exercise(exercise_id).items)
    return Static(f'<ol class="deck-items">{items}</ol>')


def referral_table_html(lang: str) -> str:
    """The referral guide as a table: every relation the engine knows, and the rule for danger to life."""
    from .content.referral import advise, relation_label, relations

    t = texts(lang)
    rows = []
    for relation in relations():
        a = advise(relation)
        rows.append(f"<tr><td>{escape(relation_label(relation, lang))}</td>"
                    f"<td><strong>{escape(a.service_name(lang))}</strong> ({escape(a.contact())})</td></tr>")
    danger = advise(relations()[0], True)
    return (f'<table class="deck-guide"><caption>{escape(t["guide_heading"])}</caption>'
            f'<thead><tr><th scope="col">{escape(t["guide_col_relation"])}</th>'
            f'<th scope="col">{escape(t["guide_col_referral"])}</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
            f'<p class="deck-explanation">{escape(t["guide_danger"])} <strong>{escape(danger.service_name(lang))}</strong>. '
            f'{escape(danger.explanation[lang])}</p>')


def _note(key: str, lang: str) -> Static:
    return Static(f'<p class="deck-note">ℹ {escape(texts(lang)[key])}</p>')


def static_for(function: str, args: list, lang: str, preview: bool = False):
    """The static equivalent of one show_*() call, or None when the call needs none (plain HTML)."""
    if function == "show_quiz" and args:
        return quiz_preview(args[0], lang) if preview else quiz_static(args[0], lang)
    if function == "show_signal_sorter" and args:
        return signals_preview(args[0], lang) if preview else signals_static(args[0], lang)
    if function == "show_referral_guide":
        return Static(referral_table_html(lang))
    if function == "show_case" and args:
        from .slides_cases import case_preview, case_static

        return case_preview(args[0], lang) if preview else case_static(args[0], lang)
    if function == "show_final_assessment":
        return _note("assessment_note", lang)
    return None


def extra_slides(source: str, lang: str) -> int:
    """How many slides the static equivalents of a code cell add to the deck."""
    total = 0
    for function, args in calls(source):
        static = static_for(function, args, lang)
        total += len(static.slides) if static else 0
    return total


def expected_slides(path: str, lang: str) -> int:
    """The number of slides in the deck of a notebook: its own slides plus the quiz and exercise slides
    (not counting the "(continued)" slides of long tables and slides)."""
    nb = read_notebook(path)
    return count_slides(nb.cells) + sum(extra_slides(_source(c), lang) for c in nb.cells if c.cell_type == "code")


# ---------------------------------------------------------------- from executed notebook to deck

def _html_output(html: str) -> dict:
    import nbformat

    return nbformat.v4.new_output("display_data", data={"text/html": html})


def _html_cell(html: str, slide_type: str, cell_id: str):
    import nbformat

    cell = nbformat.v4.new_code_cell("", id=cell_id)
    cell.metadata["slideshow"] = {"slide_type": slide_type}
    cell.outputs = [_html_output(html)]
    return cell


def _clean_html(html: str) -> str:
    """Page chrome that has no place on a slide: navigation bars; <section> inside content is a slide to reveal."""
    html = NAV.sub("", html)
    return SECTION_CLOSE.sub("</div>", SECTION_OPEN.sub("<div", html))


def _content_error(cell, where: str) -> None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and "course content error" in "".join(out.get("text", "")):
            raise SlidesError(f"{where}: {''.join(out['text']).strip()}")


# A long table does not fit on one slide: the deck spreads it over several (the header row repeated).
# The budget is in estimated lines of text on a 1280x720 slide; tests/test_slides_overflow.py checks in a
# browser that every slide of every deck fits.
TABLE_LINES = 9  # lines of table rows per slide
TABLE_SPLIT = 12  # a table longer than this is split
CHARS_PER_LINE = 75


def _row_lines(row) -> int:
    cells = row.find_all(["td", "th"], recursive=False)
    widest = max((len(c.get_text(" ", strip=True)) for c in cells), default=0)
    breaks = max((len(c.find_all("br")) for c in cells), default=0)
    return max(1, -(-widest // CHARS_PER_LINE), breaks + 1)


def _is_group_header(row) -> bool:
    """A row that heads a group of rows (a week in the diary): a single header cell across the table."""
    cells = row.find_all(["td", "th"], recursive=False)
    return len(cells) == 1 and cells[0].name == "th" and cells[0].has_attr("colspan")


def _chunks(groups: list) -> list:
    """[[rows]] of the table's row groups (tbody), in chunks of at most TABLE_LINES lines, evened out
    (12 rows make two slides of 6, not 9 and 3). A group's header row never ends a chunk; a chunk that
    starts inside a group begins with a copy of the group's header row."""
    import copy

    total = sum(_row_lines(r) for rows in groups for r in rows)
    budget = -(-total // -(-total // TABLE_LINES))
    chunks, current, used = [], [], 0
    for rows in groups:
        header = rows[0] if rows and _is_group_header(rows[0]) else None
        for k, row in enumerate(rows):
            lines = _row_lines(row)
            if row is header and k + 1 < len(rows):
                lines += _row_lines(rows[k + 1])  # the header and the group's first row go together
            if current and used + lines > budget:
                chunks.append(current)
                current, used = [], 0
                if header is not None and row is not header:
                    current.append(copy.copy(header))
                    used += 1
            current.append(row)
            used += _row_lines(row)
    if current:
        chunks.append(current)
    return chunks


def split_tables(html: str, lang: str, heading: str = "") -> tuple:
    """(html with long tables cut after their first part, [slide html of each further part])."""
    if "<table" not in html:
        return html, []
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    t = texts(lang)
    extra = []
    for table in soup.find_all("table"):
        if table.find_parent("table") or table.find("table"):
            continue
        bodies = table.find_all("tbody", recursive=False) or [table]
        groups = [[r for r in body.find_all("tr", recursive=False)] for body in bodies]
        groups = [[r for r in g if r.parent.name != "thead"] for g in groups]
        if sum(_row_lines(r) for g in groups for r in g) <= TABLE_SPLIT:
            continue
        chunks = _chunks(groups)
        if len(chunks) < 2:
            continue
        caption = table.find("caption")
        caption_text = caption.get_text(" ", strip=True) if caption else ""
        head = "".join(str(x) for x in table.find_all(["colgroup", "thead"], recursive=False))
        attrs = "".join(f' {k}="{escape(" ".join(v) if isinstance(v, list) else str(v))}"' for k, v in table.attrs.items())
        for n, chunk in enumerate(chunks[1:], 2):
            label = t["continued"].format(title=caption_text or heading)
            rows_html = "".join(str(r) for r in chunk)
            # a row group's header row (a week in the diary) goes with its first rows; later rows of the same
            # group keep the group's header only through the repeated caption
            extra.append(f'<div class="deck-continued" data-part="{n}/{len(chunks)}">'
                         + (f'<h2>{escape(t["continued"].format(title=heading))}</h2>' if heading else "")
                         + f'<table{attrs}><caption>{escape(label)}</caption>{head}<tbody>{rows_html}</tbody></table></div>')
        keep = set(map(id, chunks[0]))
        for group in groups:
            for row in group:
                if id(row) not in keep:
                    row.decompose()
        for body in table.find_all("tbody", recursive=False):
            if not body.find("tr"):
                body.decompose()
    return (str(soup) if extra else html), extra


def _split_after_chart(html: str) -> tuple:
    """(html up to and including its chart, what follows the chart): a chart keeps its slide; the text
    after it goes on the next one."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    figure = soup.find("figure", class_="course-chart")
    if figure is None:
        return html, ""
    moved, node = [], figure
    while node is not None and node is not soup:
        moved += list(node.next_siblings)
        node = node.parent
    if not "".join(m.get_text(strip=True) if hasattr(m, "get_text") else str(m).strip() for m in moved):
        return html, ""
    rest = "".join(str(m) for m in moved)
    for m in moved:
        m.extract()
    return str(soup), rest


def _heading(cell) -> str:
    for line in _source(cell).splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip()
    return ""


def transform(nb, lang: str, where: str, preview: bool = False):
    """An executed notebook made ready for a static deck (see the module docstring)."""
    cells, pending = [], []
    heading = ""
    for index, cell in enumerate(nb.cells):
        if _slide_type(cell) in ("slide", "subslide") and pending:
            cells.extend(pending)
            pending = []
        if _slide_type(cell) in ("slide", "subslide"):
            heading = ""
        if cell.cell_type != "code":
            if cell.cell_type == "markdown" and _slide_type(cell) != "notes" and not heading:
                heading = _heading(cell)
            cells.append(cell)
            continue
        _content_error(cell, where)
        had_widget = False
        outputs, after_chart = [], None
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
                    html, parts = split_tables(html, lang, heading)
                    for k, part in enumerate(parts):
                        base = f"{cell.get('id', index)}-table-{len(outputs)}-{k}"
                        pending += [_html_cell(part, "slide", base),
                                    _html_cell(f"<p>{escape(texts(lang)['continued_notes'])}</p>", "notes", base + "-notes")]
                out = _html_output(html)
                if after_chart is not None:
                    after_chart.append(html)  # content that follows a chart goes to the next slide
                    continue
                if not preview and "course-chart" in html:
                    html, rest = _split_after_chart(html)
                    out = _html_output(html)
                    after_chart = [rest] if rest else []
            elif not any(k.startswith("image/") for k in data):
                continue  # a bare text/plain repr: code talking, not content
            outputs.append(out)
        if after_chart:
            base = f"{cell.get('id', index)}-after-chart"
            title = f'<h2>{escape(texts(lang)["continued"].format(title=heading))}</h2>' if heading else ""
            pending[:0] = [_html_cell(f'<div class="deck-continued">{title}{"".join(after_chart)}</div>', "slide", base),
                           _html_cell(f"<p>{escape(texts(lang)['continued_notes'])}</p>", "notes", base + "-notes")]
        statics = [s for s in (static_for(f, a, lang, preview) for f, a in calls(_source(cell))) if s]
        if not statics and had_widget:
            statics = [_note("interactive_note", lang)]
        for n, static in enumerate(statics):
            outputs.append(_html_output(static.inline))
            for k, (slide, notes) in enumerate(static.slides):
                base = f"{cell.get('id', index)}-static-{n}-{k}"
                pending += [_html_cell(slide, "slide", base), _html_cell(notes, "notes", base + "-notes")]
        cell.outputs = outputs
        cells.append(cell)
    cells.extend(pending)
    nb.cells = cells
    return nb


def deck_file(path: str) -> str:
    """Where the deck of a notebook goes, relative to the build folder: <lang>/<notebook name>.html."""
    p = Path(path)
    return f"{p.parent.name}/{p.stem}.html"


def deck_pages(c=None) -> list:
    """The pages that get an offline deck: every lesson and every case exercise."""
    from .content.course import course

    c = c or course()
    return list(c.lessons) + list(c.exercises)


def _rewrite_links(html: str, path: str, lang: str) -> str:
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

    return re.sub(r'(href=)"([^"#]+\.ipynb)(#[^"]*)?"', sub, html)


@functools.lru_cache(maxsize=None)
def _asset(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _exporter(lang: str, reveal_prefix: str):
    from nbconvert import SlidesExporter

    return SlidesExporter(
        template_name="course-deck", extra_template_basedirs=[str(DECK_TEMPLATES)],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
        reveal_url_prefix=reveal_prefix, reveal_theme="white", reveal_transition="fade", reveal_number="c/t",
        reveal_width=str(DECK_SIZE["width"]), reveal_height=str(DECK_SIZE["height"]), language_code=lang,
    )


def export_deck(nb, path: str, page, lang: str, reveal_prefix: str = "../reveal.js") -> str:
    """The HTML of one deck from a transformed notebook."""
    t = texts(lang)
    resources = {
        "course_css": _asset(COURSE_STATIC / "course.css"),
        "deck_css": _asset(LIVE_STATIC / "course-reveal.css") + _asset(DECK_TEMPLATES / "course-deck" / "deck.css"),
        "deck_js": (speaker_labels_js() + "window.courseDeck = true;\n"
                    + f"window.courseDeckText = {json.dumps({'continued': t['continued']}, ensure_ascii=False)};\n"
                    + _asset(LIVE_STATIC / "course-reveal.js")),
    }
    body, _ = _exporter(lang, reveal_prefix).from_notebook_node(nb, resources=resources)
    title = f"{page.title[lang]} – {t['deck_suffix']}"
    body = re.sub(r"<title>.*?</title>", lambda _m: f"<title>{escape(title)}</title>", body, count=1, flags=re.S)
    return _rewrite_links(body, path, lang)


# ---------------------------------------------------------------- executing notebooks

async def execute_async(notebooks: list, jobs: int = 1) -> None:
    """Run the notebooks [(path, nb)] in place, `jobs` kernels at a time (each notebook its own kernel,
    shut down when it is done). A failing cell raises SlidesError naming the notebook."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    import tempfile

    from traitlets.config import Config

    semaphore = asyncio.Semaphore(max(1, jobs))

    async def one(path, nb):
        async with semaphore:
            # The kernel talks to this process over Unix sockets in a private folder: no open TCP port, and
            # no warning from every kernel that TCP without encryption can be overheard (`make slides` is quiet).
            with tempfile.TemporaryDirectory(prefix="course-kernel-") as sockets:
                config = Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(sockets, "k")}})
                client = NotebookClient(nb, timeout=180, kernel_name="python3", allow_errors=False, config=config,
                                        resources={"metadata": {"path": str((REPO_ROOT / path).parent)}})
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
    from .content.course import course

    page, _lang = course().by_path()[path]
    nb = read_notebook(path)
    await execute_async([(path, nb)], 1)
    return export_deck(transform(nb, lang, path, preview=True), path, page, lang, reveal_prefix)


# ---------------------------------------------------------------- labels

def _page_label(page, lang: str) -> str:
    t = texts(lang)
    if page.kind == "lesson":
        return f"{t['lesson_label'].format(n=page.number)}: {page.title[lang]}"
    if page.kind == "exercise":
        return f"{t['exercise_label'].format(n=page.number)}: {page.title[lang]}"
    return page.title[lang]




def answer_keys_html(lang: str, built: str = "") -> str:
    """The answer keys of one language (stalking_course.slides_keys)."""
    from .slides_keys import answer_keys_html as keys

    return keys(lang, built)


# ---------------------------------------------------------------- session plans

@dataclass(frozen=True)
class Segment:
    start: int
    minutes: int
    title: str
    text: str
    page: object = None  # a course Page, or None for opening / break / closing


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    intro: str
    minutes: int
    segments: tuple
    before: tuple = ()  # lessons and exercises done as self-study in the course app before the session
    after: tuple = ()  # ... and after it

    @property
    def used(self) -> int:
        return sum(s.minutes for s in self.segments)

    @property
    def self_study(self) -> tuple:
        return self.before + self.after

    @property
    def pages(self) -> tuple:
        """Every page of the course the plan names: in the session, before or after it."""
        return tuple(s.page for s in self.segments if s.page is not None) + self.before + self.after


def plannable(c=None) -> list:
    """The pages a session plan must name: every lesson and exercise, and any other page with minutes
    (the final assessment)."""
    from .content.course import course

    c = c or course()
    return [p for p in c.pages if p.kind in ("lesson", "exercise") or (p.kind != "start" and getattr(p, "minutes", 0))]


def session_plans(lang: str) -> list:
    """The session plans of data/slides.yaml with the lessons' minutes from data/course.yaml. Every lesson,
    exercise and timed page must be in every plan: in the session, or as self-study before or after."""
    from .content.course import course

    c = course()
    data = load_yaml("slides.yaml")
    parts = require(data, "parts", FILE, "", dict)
    expected = [p.id for p in plannable(c)]

    def page_of(page_id, where):
        try:
            return c.page(page_id)
        except KeyError:
            raise ContentError(FILE, where, f"no page {page_id!r} in data/course.yaml") from None

    plans = []
    for n, entry in enumerate(require(data, "session_plans", FILE, "", list), 1):
        where = f"session_plans[{n}]"
        plan_id = require(entry, "id", FILE, where, str)
        where = f"session_plans[{n}] ({plan_id})"
        total = require(entry, "minutes", FILE, where, int)
        segments, clock, named = [], 0, []
        for k, seg in enumerate(require(entry, "segments", FILE, where, list), 1):
            swhere = f"{where}.segments[{k}]"
            if "page" in seg:
                page = page_of(seg["page"], f"{swhere}.page")
                named.append(page.id)
                segment = Segment(clock, page.minutes, _page_label(page, lang), "", page)
            else:
                name = require(seg, "part", FILE, swhere, str)
                part = require(parts, name, FILE, "parts", dict)
                title, text = bilingual(part, "title", FILE, f"parts.{name}"), bilingual(part, "text", FILE, f"parts.{name}")
                minutes = require(seg, "minutes", FILE, swhere, int)
                segment = Segment(clock, minutes, fill(title[lang], lang, FILE, f"parts.{name}.title.{lang}"),
                                  fill(text[lang], lang, FILE, f"parts.{name}.text.{lang}"))
            segments.append(segment)
            clock += segment.minutes
        study = entry.get("self_study") or {}
        if not isinstance(study, dict) or set(study) - {"before", "after"}:
            raise ContentError(FILE, f"{where}.self_study", "must be a mapping with before: [...] and/or after: [...]")
        before, after = [], []
        for when, into in (("before", before), ("after", after)):
            ids = study.get(when) or []
            if not isinstance(ids, list):
                raise ContentError(FILE, f"{where}.self_study.{when}", "must be a list of page ids")
            for k, page_id in enumerate(ids, 1):
                into.append(page_of(page_id, f"{where}.self_study.{when}[{k}]"))
                named.append(page_id)
        twice = sorted({i for i in named if named.count(i) > 1})
        if twice:
            raise ContentError(FILE, where, f"names {', '.join(twice)} more than once")
        missing = [i for i in expected if i not in named]
        if missing:
            raise ContentError(FILE, where, f"leaves out {', '.join(missing)}: put every lesson in the session "
                                            "or under self_study (before or after)")
        title, intro = bilingual(entry, "title", FILE, where), bilingual(entry, "intro", FILE, where)
        plans.append(Plan(plan_id, title[lang], fill(intro[lang], lang, FILE, f"{where}.intro.{lang}"),
                          total, tuple(segments), tuple(before), tuple(after)))
    return plans


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _plan_status(plan: Plan, t: dict) -> str:
    status = t["plan_total"].format(used=plan.used, total=plan.minutes)
    if plan.used > plan.minutes:
        status += " " + t["plan_over"].format(over=plan.used - plan.minutes)
    elif plan.used < plan.minutes:
        status += " " + t["plan_spare"].format(spare=plan.minutes - plan.used)
    return status


def _plan_link(page, lang: str, decks: dict | None) -> str:
    label = escape(_page_label(page, lang))
    return f'<a href="{escape(decks[page.id])}">{label}</a>' if decks and page.id in decks else label


def plans_html(lang: str, decks: dict | None = None) -> str:
    t = texts(lang)
    blocks = []
    for plan in session_plans(lang):
        rows = []
        for s in plan.segments:
            title = _plan_link(s.page, lang, decks) if s.page is not None else escape(s.title)
            text = f'<br><span class="plan-text">{escape(s.text)}</span>' if s.text else ""
            attr = f' data-page="{escape(s.page.id)}"' if s.page is not None else ""
            rows.append(f"<tr{attr}><td>{_clock(s.start)}</td><td>{title}{text}</td><td>{s.minutes}</td></tr>")
        rest = ""
        for when, pages in (("before", plan.before), ("after", plan.after)):
            if pages:
                items = "".join(f'<li data-page="{escape(p.id)}">{_plan_link(p, lang, decks)} '
                                f"({escape(course_ui(lang)['minutes'].format(n=p.minutes))})</li>" for p in pages)
                rest += f'<p>{escape(t["self_study_" + when])}</p><ul class="plan-{when}">{items}</ul>'
        blocks.append(
            f'<section class="plan" id="plan-{escape(plan.id)}"><h3>{escape(plan.title)}</h3><p>{escape(plan.intro)}</p>'
            f'<table class="plan-table"><thead><tr><th scope="col">{escape(t["plan_col_time"])}</th>'
            f'<th scope="col">{escape(t["plan_col_part"])}</th><th scope="col">{escape(t["plan_col_minutes"])}</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table><p class="plan-total">{escape(_plan_status(plan, t))}</p>{rest}</section>')
    return "".join(blocks)


# ---------------------------------------------------------------- pages

def _built(t: dict, built: str) -> str:
    return f'<p class="built">{escape(t["built"].format(date=built))}</p>' if built else ""


def _page(lang: str, title: str, body: str, quick_exit: bool = True) -> str:
    """A trainer's page: the course stylesheet and the trainer's styles inlined, nothing from elsewhere."""
    css = _asset(COURSE_STATIC / "course.css") + _asset(DECK_TEMPLATES / "trainer.css")
    exit_link, script = "", ""
    if quick_exit:
        cu = course_ui(lang)
        exit_link = (f'<a class="course-quick-exit" href="{escape(cu["quick_exit_url"])}" '
                     f'title="{escape(cu["quick_exit_hint"])}">{escape(cu["quick_exit"])}</a>')
        script = f"<script>{_asset(COURSE_STATIC / 'course.js')}</script>"
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
            f'<style>{css}</style></head><body class="trainer-page">{exit_link}<main>{body}</main>{script}</body></html>\n')


def index_html(lang: str, decks: dict, built: str = "") -> str:
    """The trainer's start page in one language: notice, how to present, decks, plans, disclosure."""
    from .elements.chrome import content_notice_html
    from .content.course import course

    t, cu, c = texts(lang), course_ui(lang), course()
    other = "en" if lang == "nl" else "nl"
    def entries(pages, label):
        rows = []
        for page in pages:
            objectives = "".join(f"<li>{escape(fill(o, lang))}</li>" for o in page.objectives[lang])
            if page.id in decks:
                link = f'<a href="{escape(decks[page.id])}">{escape(page.title[lang])}</a>'
            else:
                link = escape(page.title[lang])
            placeholder = f' <em>({escape(t["placeholder"])})</em>' if is_placeholder(read_notebook(page.path(lang))) else ""
            rows.append(f'<li class="deck-entry" data-lesson="{escape(page.id)}"><strong>{escape(t[label].format(n=page.number))}:</strong> '
                        f'{link} <span class="course-minutes">({escape(cu["minutes"].format(n=page.minutes))})</span>{placeholder}'
                        f"<ul>{objectives}</ul></li>")
        return "".join(rows)

    rows = entries(c.lessons, "lesson_label")
    exercise_rows = entries(c.exercises, "exercise_label")
    how = "".join(f"<li>{_inline_code(h)}</li>" for h in t["how"])
    help_items = "".join(f"<li>{escape(p)}</li>" for p in disclosure(lang))
    body = (f'<p class="trainer-lang"><a href="../{other}/index.html" hreflang="{other}" lang="{other}">{escape(t["other_language"])}</a></p>'
            f'<h1>{escape(c.title[lang])}: {escape(t["material_title"])}</h1><p>{escape(t["index_intro"])}</p>'
            f'<ul class="trainer-links"><li><a href="answer-keys.html"><strong>{escape(t["keys_link"])}</strong></a></li>'
            f'<li><a href="case-cards.html"><strong>{escape(t["cards_link"])}</strong></a></li></ul>'
            f'{content_notice_html(lang)}'
            f'<section aria-labelledby="h-decks"><h2 id="h-decks">{escape(t["decks_heading"])}</h2><ol class="deck-list">{rows}</ol>'
            f'<h3>{escape(t["decks_exercises_heading"])}</h3><ol class="deck-list">{exercise_rows}</ol></section>'
            f'<section aria-labelledby="h-how"><h2 id="h-how">{escape(t["how_heading"])}</h2><ul>{how}</ul></section>'
            f'<section aria-labelledby="h-plans"><h2 id="h-plans">{escape(t["plans_heading"])}</h2>{plans_html(lang, decks)}</section>'
            f'<section aria-labelledby="h-help"><h2 id="h-help">{escape(t["disclosure_heading"])}</h2><ul>{help_items}</ul></section>'
            f'{_built(t, built)}')
    return _page(lang, f"{t['material_title']} – {c.title[lang]}", body)


def _inline_code(text: str) -> str:
    parts = text.split("`")
    return "".join(f"<code>{escape(p)}</code>" if i % 2 else escape(p) for i, p in enumerate(parts))


def root_index_html() -> str:
    from .content.course import course

    c = course()
    links = "".join(f'<li><a href="{lang}/index.html" hreflang="{lang}" lang="{lang}">{escape(c.title[lang])}: '
                    f'{escape(texts(lang)["material_title"])}</a></li>' for lang in LANGS)
    return _page("nl", c.title["nl"], f"<h1>{escape(c.title['nl'])} / {escape(c.title['en'])}</h1><ul>{links}</ul>",
                 quick_exit=False)


# ---------------------------------------------------------------- slides/README.md

README_BLOCKS = ("lessons", "session-plans", "help")


def readme_block(name: str, lang: str = "en") -> str:
    """Markdown for a generated block of slides/README.md."""
    t = texts(lang)
    if name == "lessons":
        from .content.course import course

        rows = ["| id (`LESSON=`) | nl | en | minutes | deck |", "| --- | --- | --- | ---: | --- |"]
        for p in course().pages:
            if p.kind not in ("lesson", "exercise"):
                continue
            deck = " / ".join(f"`{deck_file(p.path(lg))}`" for lg in LANGS)
            rows.append(f"| `{p.id}` | {p.title['nl']} | {p.title['en']} | {p.minutes} | {deck} |")
        return "\n".join(rows) + "\n"
    if name == "session-plans":
        out = []
        for plan in session_plans(lang):
            out += [f"#### {plan.title}", "", plan.intro, "",
                    f"| {t['plan_col_time']} | {t['plan_col_part']} | {t['plan_col_minutes']} |", "| --- | --- | ---: |"]
            for s in plan.segments:
                text = f" — {s.text}" if s.text else ""
                out.append(f"| {_clock(s.start)} | {s.title}{text} | {s.minutes} |")
            out += ["", _plan_status(plan, t), ""]
            for when, pages in (("before", plan.before), ("after", plan.after)):
                if pages:
                    out += [t["self_study_" + when], ""] + [f"- {_page_label(p, lang)} ({p.minutes} min)" for p in pages] + [""]
        return "\n".join(out).rstrip() + "\n"
    if name == "help":
        return "\n".join(f"- {p}" for p in disclosure(lang)) + "\n"
    raise KeyError(name)


def _marker(name: str, end: bool = False) -> str:
    return f"<!-- {'END' if end else 'BEGIN'} GENERATED {name}: python -m stalking_course.slides readme -->"


def readme_text(current: str) -> str:
    """slides/README.md with its generated blocks brought up to date from data/."""
    text = current
    for name in README_BLOCKS:
        begin, end = _marker(name), _marker(name, end=True)
        if begin not in text or end not in text:
            raise SlidesError(f"slides/README.md: the markers of the generated block {name!r} are missing")
        head, rest = text.split(begin, 1)
        _old, tail = rest.split(end, 1)
        text = f"{head}{begin}\n{readme_block(name)}{end}{tail}"
    return text


def update_readme(check: bool = False) -> bool:
    """Rewrite the generated blocks of slides/README.md; with check, only say whether they are current."""
    current = README.read_text(encoding="utf-8")
    new = readme_text(current)
    if new != current and not check:
        README.write_text(new, encoding="utf-8")
    return new == current


def validate() -> dict:
    """Check data/slides.yaml in both languages: its text, what to do on a disclosure, the session plans."""
    speaker_labels()
    for lang in LANGS:
        texts(lang)
        disclosure(lang)
        plans = session_plans(lang)
    return {"session plans": len(plans)}


# ---------------------------------------------------------------- the build

def build(out: Path = BUILD_DIR, langs=LANGS, lessons=None, jobs: int | None = None, log=print,
          readme: bool | None = None) -> dict:
    """Build every deck, the index pages and the answer keys into out; return what was written."""
    from .content.course import course
    from .validate import validate_all

    started = time.time()
    validate_all()
    validate()
    out = Path(out)
    copy_reveal(out / "reveal.js")
    ensure_live_assets()
    built = datetime.date.today().isoformat()
    pages = [p for p in deck_pages() if not lessons or p.id in lessons]
    notebooks = [(p.path(lang), read_notebook(p.path(lang)), p, lang) for p in pages for lang in langs]
    log(f"Running {len(notebooks)} notebooks ...")
    execute([(path, nb) for path, nb, _p, _l in notebooks], jobs)
    written = {"decks": [], "pages": []}
    for path, nb, page, lang in notebooks:
        html = export_deck(transform(nb, lang, path), path, page, lang)
        target = out / deck_file(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        written["decks"].append(target)
    if not lessons:  # decks of pages that are gone (a renamed notebook) would linger in the folder
        keep = {p.resolve() for p in written["decks"]}
        for lang in langs:
            for stale in (out / lang).glob("*.html"):
                if stale.name not in PAGES and stale.resolve() not in keep:
                    stale.unlink()
    written["pages"] += write_pages(out, langs, built)
    if readme if readme is not None else out.resolve() == BUILD_DIR.resolve():
        if not update_readme():
            log("slides/README.md: generated blocks updated from data/")
    written["seconds"] = round(time.time() - started, 1)
    log(f"{len(written['decks'])} decks and {len(written['pages'])} pages in {out} ({written['seconds']} s)")
    return written


PAGES = ("index.html", "answer-keys.html", "case-cards.html")  # the trainer's pages next to the decks


def write_pages(out: Path, langs=LANGS, built: str = "") -> list:
    """Index pages and answer keys (no notebook is run)."""
    from .content.course import course

    out = Path(out)
    written = []
    for lang in langs:
        from .slides_cases import case_cards_html

        decks = {p.id: Path(deck_file(p.path(lang))).name for p in deck_pages()
                 if (out / deck_file(p.path(lang))).is_file()}
        (out / lang).mkdir(parents=True, exist_ok=True)
        for name, html in (("index.html", index_html(lang, decks, built)),
                           ("answer-keys.html", answer_keys_html(lang, built)),
                           ("case-cards.html", case_cards_html(lang, built))):
            (out / lang / name).write_text(html, encoding="utf-8")
            written.append(out / lang / name)
    (out / "index.html").write_text(root_index_html(), encoding="utf-8")
    written.append(out / "index.html")
    return written


def serve(out: Path = BUILD_DIR, port: int = 8000, host: str = "127.0.0.1") -> None:
    import http.server

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    with http.server.ThreadingHTTPServer((host, port), handler) as server:
        print(f"The slides are at http://{host}:{port}/  (Ctrl+C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stalking_course.slides", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build every deck, the index pages and the answer keys")
    b.add_argument("--out", type=Path, default=BUILD_DIR)
    b.add_argument("--lang", action="append", choices=LANGS)
    b.add_argument("--lesson", action="append", help="a lesson id (repeatable); default: every lesson")
    b.add_argument("--jobs", type=int, default=None, help="notebooks run at the same time (default: CPUs, at most 4)")
    k = sub.add_parser("keys", help="index pages and answer keys only")
    k.add_argument("--out", type=Path, default=BUILD_DIR)
    r = sub.add_parser("readme", help="refresh the generated blocks of slides/README.md")
    r.add_argument("--check", action="store_true", help="only check; exit 1 when they are out of date")
    s = sub.add_parser("serve", help="serve slides/build on localhost")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--out", type=Path, default=BUILD_DIR)
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            build(args.out, tuple(args.lang or LANGS), args.lesson, args.jobs)
        elif args.command == "keys":
            for path in write_pages(args.out, LANGS, datetime.date.today().isoformat()):
                print(path)
        elif args.command == "readme":
            current = update_readme(check=args.check)
            print("slides/README.md is up to date" if current else
                  ("slides/README.md is out of date: run python -m stalking_course.slides readme" if args.check
                   else "slides/README.md updated"))
            return 0 if current or not args.check else 1
        elif args.command == "serve":
            serve(args.out, args.port)
    except (SlidesError, ContentError) as error:
        print(f"The slides were not built: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
