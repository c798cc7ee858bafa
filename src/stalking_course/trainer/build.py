"""The build: check the content, run the notebooks, write the decks and the trainer's pages.

A broken data file stops the build before anything is written, with the ContentError that names the file
and the field. The decks and pages are written into a staging folder next to the output folder and moved
into place only when everything is built, so a failing build never leaves a half-new output behind.
"""

from __future__ import annotations

import datetime
import shutil
import tempfile
import time
from pathlib import Path

from ..content import LANGS
from .base import BUILD_DIR, PAGES
from .cards import case_cards_html
from .decks import execute, export_deck, transform
from .index import index_html, root_index_html
from .keys import answer_keys_html
from .notebooks import deck_file, deck_pages, read_notebook
from .readme import update_readme
from .reveal import copy_reveal, ensure_live_assets


def validate() -> None:
    """Every data file, checked by the course's validation (validate.py: each element kind's own check
    through the registry, and data/slides.yaml): a ContentError naming file and field, before anything
    is built."""
    from ..validate import validate_all

    validate_all()


def build(
    out: Path = BUILD_DIR, langs=LANGS, lessons=None, jobs: int | None = None, log=print, readme: bool | None = None
) -> dict:
    """Build every deck (or those of `lessons`), the index pages and the answer keys into out; return what
    was written."""
    started = time.time()
    validate()
    out = Path(out)
    pages = [p for p in deck_pages() if not lessons or p.id in lessons]
    notebooks = [(p.path(lang), read_notebook(p.path(lang)), p, lang) for p in pages for lang in langs]
    log(f"Running {len(notebooks)} notebooks ...")
    execute([(path, nb) for path, nb, _p, _l in notebooks], jobs)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        decks = []
        for path, nb, page, lang in notebooks:
            target = staging / deck_file(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(export_deck(transform(nb, lang, path), path, page, lang), encoding="utf-8")
            decks.append(deck_file(path))
        built = datetime.date.today().isoformat()
        # the index links every deck there will be: new ones, and those of an earlier build (--lesson)
        pages_written = _write_pages(
            staging, langs, built, lambda name: (staging / name).is_file() or (out / name).is_file()
        )
        copy_reveal(out / "reveal.js")
        ensure_live_assets()
        written = {"decks": _move(staging, out, decks), "pages": _move(staging, out, pages_written)}
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if not lessons:  # decks of pages that are gone (a renamed notebook) would linger in the folder
        keep = {p.resolve() for p in written["decks"]}
        for lang in langs:
            for stale in (out / lang).glob("*.html"):
                if stale.name not in PAGES and stale.resolve() not in keep:
                    stale.unlink()
    if readme if readme is not None else out.resolve() == BUILD_DIR.resolve():
        if not update_readme():
            log("slides/README.md: generated blocks updated from data/")
    written["seconds"] = round(time.time() - started, 1)
    log(f"{len(written['decks'])} decks and {len(written['pages'])} pages in {out} ({written['seconds']} s)")
    return written


def _move(staging: Path, out: Path, names: list) -> list:
    moved = []
    for name in names:
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(staging / name, target)
        moved.append(target)
    return moved


def _write_pages(folder: Path, langs, built: str, have) -> list:
    names = []
    for lang in langs:
        decks = {p.id: Path(deck_file(p.path(lang))).name for p in deck_pages() if have(deck_file(p.path(lang)))}
        (folder / lang).mkdir(parents=True, exist_ok=True)
        for name, html in (
            ("index.html", index_html(lang, decks, built)),
            ("answer-keys.html", answer_keys_html(lang, built)),
            ("case-cards.html", case_cards_html(lang, built)),
        ):
            (folder / lang / name).write_text(html, encoding="utf-8")
            names.append(f"{lang}/{name}")
    (folder / "index.html").write_text(root_index_html(), encoding="utf-8")
    return names + ["index.html"]


def write_pages(out: Path, langs=LANGS, built: str = "") -> list:
    """Index pages and answer keys only (no notebook is run), straight into out."""
    out = Path(out)
    names = _write_pages(out, langs, built, lambda name: (out / name).is_file())
    return [out / name for name in names]
