"""Both languages of every page have the same cells in the same order (slides, notes, code), the same
calls into the package, and speaker-note timings that add up to the page's minutes in data/course.yaml."""

import re

import pytest

from helpers import read_notebook, sources
from stalking_course.content.course import course

PAGES = [p for p in course().pages]
TIME = {"nl": re.compile(r"Tijd: (\d+) minu"), "en": re.compile(r"Time: (\d+) minu")}


def shape(nb):
    return [(c["cell_type"], c["metadata"].get("slideshow", {}).get("slide_type")) for c in nb["cells"]]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.id)
def test_both_languages_have_the_same_cells_and_calls(page):
    nl, en = read_notebook(page.path("nl")), read_notebook(page.path("en"))
    assert shape(nl) == shape(en)
    calls = [[re.sub(r'"(nl|en)"', "LANG", s) for s in sources(nb, "code")] for nb in (nl, en)]
    assert calls[0] == calls[1]


@pytest.mark.parametrize("page", [p for p in PAGES if p.minutes], ids=lambda p: p.id)
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_speaker_note_timings_add_up_to_the_minutes_of_the_page(page, lang):
    nb = read_notebook(page.path(lang))
    notes = [
        s for c, s in zip(nb["cells"], sources(nb)) if c["metadata"].get("slideshow", {}).get("slide_type") == "notes"
    ]
    assert sum(int(m) for s in notes for m in TIME[lang].findall(s)) == page.minutes
