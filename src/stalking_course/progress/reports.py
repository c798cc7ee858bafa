"""The trainer's numbers: one group's report (counts only, no learner ids) and the live answer
distribution of a question for a results slide; CSV that spreadsheets cannot run as formulas.
A mixin of Store (store.py), which gives it `self.reading()`."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import func, select

from . import identity
from .schema import Answer, Assessment, Completion, Group, Learner


class Reports:
    """Numbers for the trainer (a mixin of Store)."""

    def group_report(self, code: str) -> dict | None:
        """Numbers for one group: no learner ids, no individual rows; counts under SMALL become None."""
        group = self.group(code)
        if group is None:
            return None
        with self.reading() as s:
            ids = select(Learner.id).where(Learner.group_id == group.id)
            joined = s.scalar(select(func.count()).select_from(Learner).where(Learner.group_id == group.id))
            completion = dict(
                s.execute(
                    select(Completion.page, func.count())
                    .where(Completion.learner_id.in_(ids))
                    .group_by(Completion.page)
                ).all()
            )
            started = dict(
                s.execute(
                    select(Answer.page, func.count(func.distinct(Answer.learner_id)))
                    .where(Answer.learner_id.in_(ids))
                    .group_by(Answer.page)
                ).all()
            )
            firsts = s.execute(
                select(Answer.element, Answer.question, Answer.chosen, Answer.correct).where(
                    Answer.learner_id.in_(ids), Answer.first_try.is_(True)
                )
            ).all()
            wrongs = s.execute(
                select(Answer.element, Answer.question, Answer.chosen).where(
                    Answer.learner_id.in_(ids), Answer.correct.is_(False)
                )
            ).all()
            assessments = list(
                s.scalars(select(Assessment).where(Assessment.learner_id.in_(ids)).order_by(Assessment.created_at))
            )
        questions = {}
        for element, question, _chosen, correct in firsts:
            entry = questions.setdefault((element, question), {"answered": 0, "right": 0, "wrong": {}})
            entry["answered"] += 1
            entry["right"] += bool(correct)
        for element, question, chosen in wrongs:
            entry = questions.setdefault((element, question), {"answered": 0, "right": 0, "wrong": {}})
            key = json.dumps(chosen, sort_keys=True)
            entry["wrong"][key] = entry["wrong"].get(key, 0) + 1
        latest = {}
        for a in assessments:  # each trainee's latest result counts once
            latest[a.learner_id] = a
        topics = {}
        for a in latest.values():
            for topic, (right, total) in (a.topics or {}).items():
                t = topics.setdefault(topic, {"trainees": 0, "right": 0, "total": 0})
                t["trainees"] += 1
                t["right"] += right
                t["total"] += total
        return {
            "code": group.code,
            "label": group.label,
            "joined": joined,
            "completion": completion,
            "started": started,
            "questions": questions,
            "topics": topics,
            "passed": sum(a.passed for a in latest.values()),
            "assessed": len(latest),
        }

    def answer_distribution(self, element: str, question: str, group_code: str | None = None) -> dict:
        """First answers to one question: json(chosen) -> number of trainees (for the live results slide)."""
        with self.reading() as s:
            query = select(Answer.chosen).where(
                Answer.element == element, Answer.question == question, Answer.first_try.is_(True)
            )
            if group_code:
                group = s.scalar(select(Group).where(Group.code == identity.normalise_code(group_code)))
                if group is None:
                    return {}
                query = query.where(Answer.learner_id.in_(select(Learner.id).where(Learner.group_id == group.id)))
            counts = {}
            for chosen in s.scalars(query):
                key = json.dumps(chosen, sort_keys=True)
                counts[key] = counts.get(key, 0) + 1
            return counts


def neutralise(cell) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text_value = "" if cell is None else str(cell)
    if text_value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text_value
    return text_value


def csv_text(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([neutralise(c) for c in row])
    return out.getvalue()
