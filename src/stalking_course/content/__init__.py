"""The content layer: the course's data files, loaded, checked and cached. No widgets and no HTML here.

loader.py     the one cached loader, JSON Schema checks (schemas/), ContentError naming file and field
facts.py      data/facts.yaml and {{key}} placeholders
text.py       ui(lang, section), numbers and dates in the page's language
course.py     the table of contents;  questions.py, referral.py, ...: one module per data file
"""

from .facts import Fact, fact, facts, fill, fill_both
from .loader import LANGS, REPO_ROOT, ContentError, cached, data_dir, display_name, load_yaml, read_csv
from .text import check_lang, format_date, format_number, format_percent, ui

__all__ = [
    "LANGS",
    "REPO_ROOT",
    "ContentError",
    "Fact",
    "cached",
    "check_lang",
    "data_dir",
    "display_name",
    "fact",
    "facts",
    "fill",
    "fill_both",
    "format_date",
    "format_number",
    "format_percent",
    "load_yaml",
    "read_csv",
    "ui",
]
