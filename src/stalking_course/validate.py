"""Check all course content at once: `python -m stalking_course.validate`.

The app runs this before it starts; the tests run it too. It stops at the first error, whose message
names the file and the field.
"""
from __future__ import annotations

import sys

from .content import LANGS, ContentError, facts, ui
from .content.course import course
from .content.questions import bank, bank_ids
from .content.referral import relations


def validate_all() -> dict:
    """Load and check every data file; return counts of what was checked."""
    for lang in LANGS:
        ui(lang)
    counts = {"facts": len(facts()), "relations": len(relations()), "pages": len(course().pages)}
    counts["questions"] = sum(len(bank(b)) for b in bank_ids())
    # The page modules' own data files; imported here, not at the top, to keep this module light for the app.
    from .elements.assessment import settings
    from .elements.cases import cases
    from .elements.diary import validate_diary
    from .elements.chart import validate_stats
    from .elements.resources import data as resources
    from .elements.signals import exercise, exercise_ids
    from .slides import validate as validate_slides

    settings()
    resources()
    validate_stats()
    validate_diary()
    counts.update(validate_slides())
    counts["cases"] = len(cases())
    counts["signal exercises"] = len([exercise(e) for e in exercise_ids()])
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
