"""The session plans on the trainer's index page and in slides/README.md (data/slides.yaml, content.slides)."""

from __future__ import annotations

from ..content import ui
from ..content.course import page_label
from ..content.slides import Plan, session_plans
from ..render import render
from .base import texts


def clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def plan_status(plan: Plan, t: dict) -> str:
    status = t["plan_total"].format(used=plan.used, total=plan.minutes)
    if plan.used > plan.minutes:
        status += " " + t["plan_over"].format(over=plan.used - plan.minutes)
    elif plan.used < plan.minutes:
        status += " " + t["plan_spare"].format(spare=plan.minutes - plan.used)
    return status


def plans_html(lang: str, decks: dict | None = None) -> str:
    """Every session plan as HTML; lessons link to their decks ({page id: deck file}) where there is one."""
    t = texts(lang)
    return render(
        "trainer/plans.html.j2",
        plans=session_plans(lang),
        decks=decks or {},
        t=t,
        cu=ui(lang),
        clock=clock,
        status=lambda plan: plan_status(plan, t),
        label=lambda page: page_label(page, lang),
    )
