"""Labels for what a trainee answered, in the trainer's view, "my data" and the group report: page titles,
questions and chosen options from the content (the ids, when the content has changed since), and the
trainer's tables with every count of fewer than SMALL trainees shown as "< 5"."""

from __future__ import annotations

import json

from ..content import ui


def page_title(page_id: str, lang: str) -> str:
    from ..content.course import course

    try:
        return course().page(page_id).title[lang]
    except Exception:  # noqa: BLE001 - a page that no longer exists
        return page_id


def question_label(element: str, question: str, lang: str) -> str:
    kind, _, name = element.partition(":")
    try:
        if kind == "quiz":
            from ..content.questions import bank

            for n, q in enumerate(bank(name), 1):
                if q.id == question:
                    text = q.text[lang]
                    return f"{name} #{n}: {text[:90]}{'…' if len(text) > 90 else ''}"
        if kind == "case":
            from ..elements.cases import case

            return case(name).title[lang]
        if kind == "signals":
            return f"{name}"
    except Exception:  # noqa: BLE001 - the content changed: show the ids
        pass
    return f"{element} / {question}"


def question_order(element: str, question: str) -> tuple:
    """Questions in the order of their bank (the order trainees meet them)."""
    kind, _, name = element.partition(":")
    if kind == "quiz":
        try:
            from ..content.questions import bank

            return element, next(n for n, q in enumerate(bank(name)) if q.id == question), question
        except Exception:  # noqa: BLE001 - a question that no longer exists goes last
            pass
    return element, 10_000, question


def choice_label(element: str, question: str, chosen, lang: str) -> str:
    kind, _, name = element.partition(":")
    try:
        if kind == "quiz":
            from ..content.questions import bank

            q = next(q for q in bank(name) if q.id == question)
            return " + ".join(q.options[i].text[lang] for i in chosen)
        if kind == "case":
            from ..elements.cases import referral_label, referral_options

            return referral_label(referral_options()[chosen[1]], lang)
    except Exception:  # noqa: BLE001
        pass
    return json.dumps(chosen)


def _count(n: int, small: int) -> str:
    return "< 5" if n < small else str(n)


def report_rows(report: dict, lang: str) -> dict:
    """The trainer's tables, with every count of fewer than 5 trainees shown as "< 5"."""
    from ..content.course import course
    from .store import SMALL

    t = ui(lang)
    completion = []
    for p in course().pages:
        if p.kind in ("lesson", "exercise") or p.id == "final-assessment":
            completion.append(
                (
                    p.title[lang],
                    _count(report["started"].get(p.id, 0), SMALL),
                    _count(report["completion"].get(p.id, 0), SMALL),
                )
            )
    questions = []
    for (element, question), entry in sorted(report["questions"].items(), key=lambda kv: question_order(*kv[0])):
        label = question_label(element, question, lang)
        answered = entry["answered"]
        if answered < SMALL:
            questions.append((label, "< 5", "< 5", "< 5"))
            continue
        share = f"{round(100 * entry['right'] / answered)}%"
        wrong = ""
        if entry["wrong"]:
            key, n = max(entry["wrong"].items(), key=lambda kv: (kv[1], kv[0]))
            wrong = f"{choice_label(element, question, json.loads(key), lang)} ({_count(n, SMALL)})"
        questions.append((label, str(answered), share, wrong))
    topics = []
    for p in course().lessons:
        entry = report["topics"].get(p.id)
        if entry is None:
            continue
        if entry["trainees"] < SMALL:
            topics.append((p.title[lang], "< 5", "< 5"))
        else:
            topics.append((p.title[lang], str(entry["trainees"]), f"{round(100 * entry['right'] / entry['total'])}%"))
    assessed = report["assessed"]
    passed = t["progress_tr_passed"].format(passed=_count(report["passed"], SMALL), assessed=_count(assessed, SMALL))
    return {"completion": completion, "questions": questions, "topics": topics, "passed": passed}
