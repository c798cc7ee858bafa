"""What the store does with a trainee's records: groups and learners, answers, completions and
assessments as they are recorded, read back ("my data", the certificate, /verify) and deleted (by the
trainee, the trainer, or the retention period). A mixin of Store (store.py), which gives it
`self.engine`, `self.session()` (a write) and `self.reading()` (a read)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from . import identity
from .schema import Answer, Assessment, Completion, Group, Learner, course_version, now


def _plain(value):
    """Choices as JSON: sets become sorted lists, tuples lists."""
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


class Records:
    """Groups, learners and their records (a mixin of Store)."""

    def create_group(self, label: str = "") -> str:
        for _ in range(20):
            code = identity.new_code(6, 6)
            try:
                with self.session() as s:
                    s.add(Group(code=code, label=label[:80]))
                return code
            except IntegrityError:
                continue
        raise RuntimeError("could not make a unique group code")

    def group(self, code: str) -> Group | None:
        code = identity.normalise_code(code)
        if not code or len(code) > 16:
            return None
        with self.reading() as s:
            return s.scalar(select(Group).where(Group.code == code))

    def groups(self) -> list:
        with self.reading() as s:
            return list(s.scalars(select(Group).order_by(Group.created_at, Group.id)))

    def join(self, group_code: str, pseudonym: str | None = None):
        """A new learner in a group. Returns (learner id, personal code or None); raises KeyError for an
        unknown group and ValueError if the pseudonym is taken in the group."""
        group = self.group(group_code)
        if group is None:
            raise KeyError(group_code)
        learner_id = identity.new_learner_id()
        if pseudonym:
            code, code_hash = (
                None,
                identity.keyed_hash("pseudonym", f"{group.id}:{identity.normalise_pseudonym(pseudonym)}"),
            )
        else:
            code = identity.new_code()
            code_hash = identity.keyed_hash("code", identity.normalise_code(code))
        try:
            with self.session() as s:
                s.add(Learner(id=learner_id, group_id=group.id, code_hash=code_hash))
        except IntegrityError:
            raise ValueError("taken") from None
        return learner_id, code

    def come_back(self, group_code: str, code_or_pseudonym: str) -> str | None:
        """The learner with this personal code (or pseudonym) in this group, or None."""
        group = self.group(group_code)
        if group is None:
            return None
        hashes = [identity.keyed_hash("pseudonym", f"{group.id}:{identity.normalise_pseudonym(code_or_pseudonym)}")]
        code = identity.normalise_code(code_or_pseudonym)
        if len(code) == 8:
            hashes.append(identity.keyed_hash("code", code))
        with self.reading() as s:
            learner = s.scalar(select(Learner).where(Learner.code_hash.in_(hashes), Learner.group_id == group.id))
            return learner.id if learner else None

    def ensure_learner(self, learner_id: str) -> None:
        """Hub users have no join step: their (hashed) id is added on first record."""
        with self.session() as s:
            if s.get(Learner, learner_id) is None:
                s.add(Learner(id=learner_id))

    def learner_exists(self, learner_id: str) -> bool:
        with self.reading() as s:
            return s.get(Learner, learner_id) is not None

    def learner_group(self, learner_id: str) -> str | None:
        with self.reading() as s:
            return s.scalar(
                select(Group.code).join(Learner, Learner.group_id == Group.id).where(Learner.id == learner_id)
            )

    # ---------------------------------------------------------------- recording

    def record_answer(
        self, learner_id: str, page: str, element: str, question: str, chosen, correct: bool, attempt: int | None = None
    ) -> int:
        """Store one checked answer; returns its attempt number (1 = first try). `attempt` is the kernel's own
        count: tried first as one plain INSERT; if the database already has that try (another tab, a retake),
        the number is taken from the database instead."""
        chosen = _plain(chosen)
        if attempt:
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        insert(Answer.__table__).values(
                            learner_id=learner_id,
                            page=page,
                            element=element,
                            question=question,
                            chosen=chosen,
                            correct=bool(correct),
                            attempt=attempt,
                            first_try=attempt == 1,
                            created_at=now(),
                        )
                    )
                return attempt
            except IntegrityError:
                pass  # that try is taken, or a hub user's first answer (no learner row yet): the careful way
        for _ in range(3):
            try:
                with self.session() as s:
                    if learner_id.startswith("h") and s.get(Learner, learner_id) is None:
                        s.add(Learner(id=learner_id))
                        s.flush()
                    attempt = 1 + (
                        s.scalar(
                            select(func.max(Answer.attempt)).where(
                                Answer.learner_id == learner_id, Answer.element == element, Answer.question == question
                            )
                        )
                        or 0
                    )
                    s.add(
                        Answer(
                            learner_id=learner_id,
                            page=page,
                            element=element,
                            question=question,
                            chosen=chosen,
                            correct=bool(correct),
                            attempt=attempt,
                            first_try=attempt == 1,
                        )
                    )
                return attempt
            except IntegrityError:
                continue  # the same trainee answered the same question in another tab at the same moment
        raise RuntimeError("could not record the answer")

    def answers(self, learner_id: str, element: str | None = None) -> list:
        with self.reading() as s:
            query = select(Answer).where(Answer.learner_id == learner_id)
            if element is not None:
                query = query.where(Answer.element == element)
            return list(s.scalars(query.order_by(Answer.id)))

    def record_completion(self, learner_id: str, page: str) -> None:
        with self.session() as s:
            if s.get(Completion, (learner_id, page)) is None:
                s.add(Completion(learner_id=learner_id, page=page))

    def record_assessment(
        self, learner_id: str, right: int, total: int, pass_mark: int, passed: bool, topics: dict
    ) -> str:
        percent = (100 * right) // total if total else 0
        for _ in range(5):
            code = identity.new_code(10, 5)
            try:
                with self.session() as s:
                    s.add(
                        Assessment(
                            learner_id=learner_id,
                            right=right,
                            total=total,
                            percent=percent,
                            pass_mark=pass_mark,
                            passed=bool(passed),
                            topics=topics,
                            course_version=course_version(),
                            verify_code=code,
                        )
                    )
                return code
            except IntegrityError:
                continue
        raise RuntimeError("could not make a unique verification code")

    # ---------------------------------------------------------------- reading back

    def progress(self, learner_id: str) -> dict:
        """page id -> "done" | "in_progress" (pages not in it: not started)."""
        with self.reading() as s:
            done = set(s.scalars(select(Completion.page).where(Completion.learner_id == learner_id)))
            started = set(s.scalars(select(Answer.page).where(Answer.learner_id == learner_id).distinct()))
        return {**{p: "in_progress" for p in started - done}, **{p: "done" for p in done}}

    def best_assessment(self, learner_id: str) -> Assessment | None:
        with self.reading() as s:
            return s.scalar(
                select(Assessment)
                .where(Assessment.learner_id == learner_id, Assessment.passed.is_(True))
                .order_by(Assessment.percent.desc(), Assessment.created_at.desc())
                .limit(1)
            )

    def last_assessment_time(self, learner_id: str):
        with self.reading() as s:
            return s.scalar(select(func.max(Assessment.created_at)).where(Assessment.learner_id == learner_id))

    def verify(self, code: str) -> Assessment | None:
        code = identity.normalise_code(code)
        if not code or len(code) > 16:
            return None
        code = "-".join(code[i : i + 5] for i in range(0, len(code), 5))
        with self.reading() as s:
            return s.scalar(select(Assessment).where(Assessment.verify_code == code, Assessment.passed.is_(True)))

    def export(self, learner_id: str) -> dict:
        """Everything stored about one learner (the "my data" download)."""
        with self.reading() as s:
            learner = s.get(Learner, learner_id)
            if learner is None:
                return {}
            group = s.get(Group, learner.group_id) if learner.group_id else None

            def iso(t):
                return t.isoformat(timespec="seconds") + "Z"

            return {
                "learner_id": learner.id,
                "group_code": group.code if group else None,
                "joined": iso(learner.created_at),
                "answers": [
                    {
                        "page": a.page,
                        "element": a.element,
                        "question": a.question,
                        "chosen": a.chosen,
                        "correct": a.correct,
                        "attempt": a.attempt,
                        "first_try": a.first_try,
                        "time": iso(a.created_at),
                    }
                    for a in s.scalars(select(Answer).where(Answer.learner_id == learner_id).order_by(Answer.id))
                ],
                "completed": [
                    {"page": c.page, "time": iso(c.created_at)}
                    for c in s.scalars(select(Completion).where(Completion.learner_id == learner_id))
                ],
                "assessments": [
                    {
                        "right": a.right,
                        "total": a.total,
                        "percent": a.percent,
                        "passed": a.passed,
                        "topics": a.topics,
                        "course_version": a.course_version,
                        "verify_code": a.verify_code,
                        "time": iso(a.created_at),
                    }
                    for a in s.scalars(select(Assessment).where(Assessment.learner_id == learner_id))
                ],
            }

    # ---------------------------------------------------------------- deleting

    def delete_learner(self, learner_id: str) -> bool:
        with self.session() as s:
            for model in (Answer, Completion, Assessment):
                s.execute(delete(model).where(model.learner_id == learner_id))
            return s.execute(delete(Learner).where(Learner.id == learner_id)).rowcount > 0

    def delete_group(self, code: str) -> bool:
        group = self.group(code)
        if group is None:
            return False
        with self.session() as s:
            ids = select(Learner.id).where(Learner.group_id == group.id)
            for model in (Answer, Completion, Assessment):
                s.execute(delete(model).where(model.learner_id.in_(ids)))
            s.execute(delete(Learner).where(Learner.group_id == group.id))
            s.execute(delete(Group).where(Group.id == group.id))
        return True

    def purge(self, days: int) -> int:
        """Delete records older than `days` days (the retention setting); returns how many went."""
        if days <= 0:
            return 0
        cutoff = now() - dt.timedelta(days=days)
        gone = 0
        with self.session() as s:
            for model in (Answer, Completion, Assessment):
                gone += s.execute(delete(model).where(model.created_at < cutoff)).rowcount
            active = select(Answer.learner_id).union(select(Completion.learner_id), select(Assessment.learner_id))
            gone += s.execute(delete(Learner).where(Learner.created_at < cutoff, Learner.id.not_in(active))).rowcount
            used = select(Learner.group_id).where(Learner.group_id.is_not(None))
            gone += s.execute(delete(Group).where(Group.created_at < cutoff, Group.id.not_in(used))).rowcount
        return gone
