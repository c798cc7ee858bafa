"""The trainer's material: offline reveal.js decks, answer keys, case cards, session plans and index pages.

    python -m stalking_course.trainer build [--out DIR] [--lang nl] [--lesson ID] [--jobs N]
    python -m stalking_course.trainer keys  [--out DIR]       index pages and answer keys only (fast)
    python -m stalking_course.trainer readme [--check]        refresh the generated parts of slides/README.md
    python -m stalking_course.trainer serve [--port 8000]     show slides/build on http://localhost

`make slides` runs `build`: it checks every data file first (a broken one stops the build with the error
naming file and field), then for every lesson and case exercise in data/course.yaml and both languages it
executes the notebook (nbclient), turns the result into a static deck and writes

    slides/build/index.html                  the two languages
    slides/build/<lang>/index.html           decks, session plans, content notice, what to do on a disclosure
    slides/build/<lang>/<notebook>.html      one deck per lesson (the notebook's file name)
    slides/build/<lang>/answer-keys.html     every question bank, exercise and case, from data/ (for the trainer)
    slides/build/<lang>/case-cards.html      the cases to print and hand out, without answers
    slides/build/reveal.js/                  reveal.js 4.x from slides/node_modules (npm ci, pinned)

The modules, one job each:

    build.py      the build: validate, run, write (staged, so a failed build leaves no half-new output)
    decks.py      execute a notebook, transform it for a static deck, export it with nbconvert
    notebooks.py  reading notebooks: slide types, element calls (registry), deck file names
    tables.py     long tables over several slides, the text after a chart on the next
    keys.py       the answer keys page, from every element's answer_key hook
    cards.py      the printable case cards page
    plans.py      the session plans as HTML;  index.py  the index pages;  readme.py  slides/README.md
    reveal.py     the offline copy of reveal.js and the speaker view's labels
    cli.py        the command line

What a widget becomes on a slide, and its part of the answer keys, is each element's own business: the
`static` and `answer_key` hooks of its module in elements/, found through elements/registry.py. The
trainer's text and the session plans are data/slides.yaml (content.slides, ui(lang, "slides")); the
pages are Jinja templates in render/templates/trainer/. Nothing is loaded from outside the machine:
reveal.js from ../reveal.js/, styles inlined, no jQuery, require.js, widget renderer, MathJax or mermaid.
"""

from .base import BUILD_DIR, PAGES, SlidesError
from .build import build, write_pages
from .notebooks import deck_file, deck_pages

__all__ = ["BUILD_DIR", "PAGES", "SlidesError", "build", "deck_file", "deck_pages", "write_pages"]
