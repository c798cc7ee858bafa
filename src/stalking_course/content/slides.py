"""data/slides.yaml: what the trainer's material says besides the lessons.

    speaker_labels()        the speaker view's labels per language (course-reveal.js)
    disclosure(lang)        what a trainer does when a participant discloses stalking or violence
    session_plans(lang)     the session plans, with the lessons' minutes from data/course.yaml
    plannable()             the pages every plan must name

The structure is checked by schemas/slides.schema.json; the interface text (the `ui:` block) is
`ui(lang, "slides")`. Python keeps the rules that span files: a plan names pages of data/course.yaml,
parts defined under `parts:`, and every lesson, exercise and timed page exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import LANGS, check_lang, fill, load_yaml
from .course import course, page_label
from .loader import ContentError, display_name, require_known

NAME = "slides.yaml"


def _data() -> dict:
    return load_yaml(NAME, schema="slides")


def speaker_labels() -> dict:
    """The speaker view's labels per language (speaker_view), for course-reveal.js."""
    section = _data()["speaker_view"]
    return {lang: dict(section[lang]) for lang in LANGS}


def disclosure(lang: str) -> list:
    """What to do when a participant discloses stalking or violence: paragraphs, facts filled in."""
    shown = display_name(NAME)
    paragraphs = _data()["disclosure"][check_lang(lang)]
    return [fill(p, lang, shown, f"disclosure.{lang}[{i + 1}]") for i, p in enumerate(paragraphs)]


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
    c = c or course()
    return [p for p in c.pages if p.kind in ("lesson", "exercise") or (p.kind != "start" and getattr(p, "minutes", 0))]


def session_plans(lang: str) -> list:
    """The session plans with the lessons' minutes from data/course.yaml. Every lesson, exercise and timed
    page must be in every plan: in the session, or as self-study before or after."""
    check_lang(lang)
    c, data, shown = course(), _data(), display_name(NAME)
    pages = {p.id: p for p in c.pages}
    expected = [p.id for p in plannable(c)]
    parts = data["parts"]
    plans = []
    for n, entry in enumerate(data["session_plans"], 1):
        where = f"session_plans[{n}] (id {entry['id']})"
        segments, clock, named = [], 0, []
        for k, seg in enumerate(entry["segments"], 1):
            swhere = f"{where}.segments[{k}]"
            if "page" in seg:
                require_known(seg["page"], pages, shown, f"{swhere}.page", "page (see data/course.yaml)")
                page = pages[seg["page"]]
                named.append(page.id)
                segment = Segment(clock, page.minutes, page_label(page, lang), "", page)
            else:
                name = seg["part"]
                require_known(name, parts, shown, f"{swhere}.part", "part (see parts:)")
                part = parts[name]
                segment = Segment(
                    clock,
                    seg["minutes"],
                    fill(part["title"][lang], lang, shown, f"parts.{name}.title.{lang}"),
                    fill(part["text"][lang], lang, shown, f"parts.{name}.text.{lang}"),
                )
            segments.append(segment)
            clock += segment.minutes
        study = entry.get("self_study") or {}
        before, after = [], []
        for when, into in (("before", before), ("after", after)):
            for k, page_id in enumerate(study.get(when) or [], 1):
                field = f"{where}.self_study.{when}[{k}]"
                require_known(page_id, pages, shown, field, "page (see data/course.yaml)")
                into.append(pages[page_id])
                named.append(page_id)
        twice = sorted({i for i in named if named.count(i) > 1})
        if twice:
            raise ContentError(shown, where, f"names {', '.join(twice)} more than once")
        missing = [i for i in expected if i not in named]
        if missing:
            raise ContentError(
                shown,
                where,
                f"leaves out {', '.join(missing)}: put every lesson in the session or under self_study "
                "(before or after)",
            )
        intro = fill(entry["intro"][lang], lang, shown, f"{where}.intro.{lang}")
        plans.append(
            Plan(
                entry["id"], entry["title"][lang], intro, entry["minutes"], tuple(segments), tuple(before), tuple(after)
            )
        )
    return plans


def validate() -> dict:
    """Check data/slides.yaml in both languages: its text, what to do on a disclosure, the session plans."""
    from .text import ui

    speaker_labels()
    for lang in LANGS:
        ui(lang, "slides")
        disclosure(lang)
        plans = session_plans(lang)
    return {"session plans": len(plans)}
