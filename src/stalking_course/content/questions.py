"""Question banks: data/questions/<bank>.yaml, both languages side by side.

Schema of a bank (checked on every load):

    questions:
      - id: kebab-case-id            unique in the bank
        type: single | multiple      single: exactly one correct option; multiple: one or more
        topic: lesson-id             optional; the final assessment scores per topic
        text: {nl, en}
        options:                     two or more
          - text: {nl, en}
            correct: true | false
            feedback: {nl, en}       shown when the trainee chose this option
        explanation: {nl, en}        why the right answer is right

Text may use {{fact_key}} placeholders (data/facts.yaml).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from . import LANGS, ContentError, data_dir, fill, load_yaml
from .loader import bilingual, require

ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Option:
    text: dict
    correct: bool
    feedback: dict


@dataclass(frozen=True)
class Question:
    id: str
    bank: str
    type: str
    topic: str
    text: dict
    options: tuple
    explanation: dict

    @property
    def correct(self) -> frozenset:
        return frozenset(i for i, o in enumerate(self.options) if o.correct)


def _localise(value: dict, file: str, field: str) -> dict:
    return {lang: fill(value[lang], lang, file, f"{field}.{lang}") for lang in LANGS}


def _question(entry, bank: str, file: str, n: int) -> Question:
    qid = require(entry, "id", file, f"questions[{n}]", str)
    if not ID.match(qid):
        raise ContentError(file, f"question {qid}: id", "use lower-case words joined by hyphens")
    where = f"question {qid}"
    qtype = require(entry, "type", file, where, str)
    if qtype not in ("single", "multiple"):
        raise ContentError(file, f"{where}: type", "must be single or multiple")
    text = _localise(bilingual(entry, "text", file, where), file, f"{where}: text")
    raw_options = require(entry, "options", file, where, list)
    if len(raw_options) < 2:
        raise ContentError(file, f"{where}: options", "needs at least two options")
    options = []
    for i, opt in enumerate(raw_options, 1):
        owhere = f"{where}: options[{i}]"
        if not isinstance(opt, dict):
            raise ContentError(file, owhere, "must be a mapping with text, correct and feedback")
        if not isinstance(opt.get("correct"), bool):
            raise ContentError(file, f"{owhere}.correct", "missing (true or false)")
        options.append(Option(
            _localise(bilingual(opt, "text", file, owhere), file, f"{owhere}.text"),
            opt["correct"],
            _localise(bilingual(opt, "feedback", file, owhere), file, f"{owhere}.feedback"),
        ))
    n_correct = sum(o.correct for o in options)
    if qtype == "single" and n_correct != 1:
        raise ContentError(file, f"{where}: options", f"a single-choice question needs exactly one correct option, found {n_correct}")
    if qtype == "multiple" and n_correct < 1:
        raise ContentError(file, f"{where}: options", "a multiple-choice question needs at least one correct option")
    explanation = _localise(bilingual(entry, "explanation", file, where), file, f"{where}: explanation")
    topic = entry.get("topic") or bank
    return Question(qid, bank, qtype, topic, text, tuple(options), explanation)


@functools.lru_cache(maxsize=None)
def _bank(bank: str, key) -> tuple:
    file = f"data/questions/{bank}.yaml"
    data = load_yaml(f"questions/{bank}.yaml")
    entries = require(data, "questions", file, "", list)
    questions = [_question(e, bank, file, n) for n, e in enumerate(entries, 1)]
    ids = [q.id for q in questions]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ContentError(file, f"question {sorted(dupes)[0]}: id", "used twice")
    return tuple(questions)


def bank(bank_id: str) -> tuple:
    """The validated questions of one bank."""
    path = data_dir() / "questions" / f"{bank_id}.yaml"
    try:
        key = path.stat().st_mtime
    except FileNotFoundError:
        raise ContentError(f"data/questions/{bank_id}.yaml", "file", "does not exist") from None
    return _bank(bank_id, key)


def bank_ids() -> list:
    return sorted(p.stem for p in (data_dir() / "questions").glob("*.yaml"))
