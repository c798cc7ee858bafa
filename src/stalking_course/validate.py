"""Check all course content at once: `python -m stalking_course.validate` (`make validate`).

The app runs this before it starts; the trainer's build, the tests and the kernel zygote run it too. It stops at
the first error, whose message names the file and the field. What it checks:
- what is no page element of its own: the interface text, the table of contents, the question banks
  (read by the quizzes and the final assessment) and data/slides.yaml (read by the trainer's build);
- every page element kind, through its module's `validate()` hook (elements/registry.py).
"""

from __future__ import annotations

import sys

from .content import LANGS, ContentError, ui
from .content import slides as trainer_material
from .content.course import course
from .content.questions import bank, bank_ids
from .elements import registry


def validate_all() -> dict:
    """Load and check every data file; return counts of what was checked ("<kind> element" for each kind)."""
    for lang in LANGS:
        ui(lang)
    counts = {"pages": len(course().pages), "questions": sum(len(bank(b)) for b in bank_ids())}
    counts.update(trainer_material.validate())
    counts.update({f"{kind} element": n for kind, n in registry.validate_all().items()})
    return counts


def main() -> int:
    try:
        counts = validate_all()
    except ContentError as error:
        print(f"content error: {error}", file=sys.stderr)
        return 1
    elements = {what: n for what, n in counts.items() if what.endswith(" element")}
    other = ", ".join(f"{n} {what}" for what, n in counts.items() if what not in elements)
    kinds = ", ".join(f"{what.removesuffix(' element')} {n}" for what, n in elements.items())
    print(f"content ok: {other}; checked per element kind: {kinds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
