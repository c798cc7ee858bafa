"""Check all course content at once: `python -m stalking_course.validate`.

The app runs this before it starts; the tests and the kernel zygote run it too. It stops at the first error,
whose message names the file and the field. What it checks:
- what is no page element of its own: the interface text, the table of contents, the question banks
  (read by the quizzes and the final assessment);
- every page element kind, through its module's `validate()` hook (elements/registry.py);
- data/slides.yaml, which the trainer's build reads (when that module is there).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

from .content import LANGS, ContentError, ui
from .content.course import course
from .content.questions import bank, bank_ids
from .elements import registry

# Where data/slides.yaml is checked: the first of these modules that exists and has validate(). Imported by
# name, when called: the trainer's build imports this module (it validates before it builds).
SLIDES_CHECKS = ("stalking_course.content.slides", "stalking_course.trainer", "stalking_course.slides")


def validate_elements() -> dict:
    """Every element kind's data, through its module's validate() hook: {kind: how many items}."""
    return registry.validate_all()


def validate_slides() -> dict:
    """data/slides.yaml, by the module that reads it; {} when there is none."""
    for name in SLIDES_CHECKS:
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:
            found = False
        if found:
            check = getattr(importlib.import_module(name), "validate", None)
            if check is not None:
                return check()
    return {}


def validate_all() -> dict:
    """Load and check every data file; return counts of what was checked."""
    for lang in LANGS:
        ui(lang)
    counts = {"pages": len(course().pages), "questions": sum(len(bank(b)) for b in bank_ids())}
    counts.update({f"{kind} element": n for kind, n in validate_elements().items()})
    counts.update(validate_slides())
    return counts


def main() -> int:
    try:
        counts = validate_all()
    except ContentError as error:
        print(f"content error: {error}", file=sys.stderr)
        return 1
    print("content ok: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
