"""Shared test helpers: the course's pages and notebooks, read the way the app reads them."""
from __future__ import annotations

import json
import re

from stalking_course.content import LANGS, REPO_ROOT
from stalking_course.content.course import course

PHONE = re.compile(r"(?<![\w-])(?:0\d{3}-\d{4}|1-?1-?2)(?![\w-])")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s?%")
QUIZ_CALL = re.compile(r"show_quiz\(\s*[\"']([\w-]+)[\"']")


def edit_yaml(path, change) -> None:
    """Load a YAML file, let `change` edit the data, write it back."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def all_pages():
    return list(course().pages)


def page_params():
    """(page, lang) pairs for parametrised tests, with readable ids."""
    return [(p, lang) for p in all_pages() for lang in LANGS]


def page_ids():
    return [f"{p.id}-{lang}" for p in all_pages() for lang in LANGS]


def read_notebook(path: str) -> dict:
    return json.loads((REPO_ROOT / path).read_text(encoding="utf-8"))


def sources(nb: dict, kind: str | None = None) -> list:
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"] if kind is None or c["cell_type"] == kind]


def all_notebook_paths() -> list:
    return sorted(str(p.relative_to(REPO_ROOT)) for d in ("notebooks", "exercises")
                  for p in (REPO_ROOT / d).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
