"""The generated blocks of slides/README.md: the lessons, the session plans, what to do on a disclosure."""

from __future__ import annotations

from ..content import LANGS
from ..content.course import course, page_label
from ..content.slides import disclosure, session_plans
from .base import README, SlidesError, texts
from .notebooks import deck_file
from .plans import clock, plan_status

README_BLOCKS = ("lessons", "session-plans", "help")
COMMAND = "python -m stalking_course.trainer readme"


def _lessons() -> str:
    rows = ["| id (`LESSON=`) | nl | en | minutes | deck |", "| --- | --- | --- | ---: | --- |"]
    for p in course().pages:
        if p.kind not in ("lesson", "exercise"):
            continue
        deck = " / ".join(f"`{deck_file(p.path(lg))}`" for lg in LANGS)
        rows.append(f"| `{p.id}` | {p.title['nl']} | {p.title['en']} | {p.minutes} | {deck} |")
    return "\n".join(rows) + "\n"


def _session_plans(lang: str) -> str:
    t, out = texts(lang), []
    for plan in session_plans(lang):
        out += [f"#### {plan.title}", "", plan.intro, ""]
        out += [f"| {t['plan_col_time']} | {t['plan_col_part']} | {t['plan_col_minutes']} |", "| --- | --- | ---: |"]
        for s in plan.segments:
            text = f" — {s.text}" if s.text else ""
            out.append(f"| {clock(s.start)} | {s.title}{text} | {s.minutes} |")
        out += ["", plan_status(plan, t), ""]
        for when, pages in (("before", plan.before), ("after", plan.after)):
            if pages:
                out += [t["self_study_" + when], ""]
                out += [f"- {page_label(p, lang)} ({p.minutes} min)" for p in pages] + [""]
    return "\n".join(out).rstrip() + "\n"


def readme_block(name: str, lang: str = "en") -> str:
    """Markdown for a generated block of slides/README.md."""
    if name == "lessons":
        return _lessons()
    if name == "session-plans":
        return _session_plans(lang)
    if name == "help":
        return "\n".join(f"- {p}" for p in disclosure(lang)) + "\n"
    raise KeyError(name)


def marker(name: str, end: bool = False) -> str:
    return f"<!-- {'END' if end else 'BEGIN'} GENERATED {name}: {COMMAND} -->"


def readme_text(current: str) -> str:
    """slides/README.md with its generated blocks brought up to date from data/."""
    text = current
    for name in README_BLOCKS:
        begin, end = marker(name), marker(name, end=True)
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
