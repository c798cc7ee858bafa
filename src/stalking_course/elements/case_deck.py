"""The case exercises in the trainer's material: what a deck shows instead of the case widget, the cases'
part of the answer keys, and the printable case cards (without answers).

Everything comes from data/cases.yaml through content/cases.py (the loader the widget uses) and from the
referral engine; the interface text from data/cases.yaml (ui) and data/slides.yaml (ui). The registry calls
`static` and `answer_key` (elements/cases.py exports them); the trainer's case-cards page (trainer/cards.py)
is made of `case_card_html`.
HTML: render/templates/cases/deck_*.html.j2, key_section.html.j2, card.html.j2.
"""

from __future__ import annotations

from ..content import ContentError, ui
from ..content.cases import case, group_cases, position, referral_label, referral_options
from ..content.course import course, page_label
from ..content.referral import relation_label
from ..render import render
from .registry import KeySection, Static

PARTS = ("signals", "referral", "advice")
KEYS_GROUP = 2  # the answer keys list questions (0), then signal exercises (1), then cases


def _letter(i: int) -> str:
    return chr(ord("A") + i)


def _parts(the_case, lang: str) -> dict:
    """Per part of a case: its options as [(text, right, feedback)] and the hint."""
    t = ui(lang, "cases")
    right = the_case.referral()
    referral = [(referral_label(o, lang), o == (right.service, right.then), "") for o in referral_options()]
    return {
        "signals": ([(c.text[lang], c.correct, c.feedback[lang]) for c in the_case.signals], t["signals_hint"]),
        "referral": (referral, t["referral_hint"]),
        "advice": ([(c.text[lang], c.correct, c.feedback[lang]) for c in the_case.advice], t["advice_hint"]),
    }


def _head(the_case, lang: str) -> dict:
    n, total = position(the_case)
    return {"case": the_case, "t": ui(lang, "cases"), "n": n, "total": total, "lang": lang}


def _danger(the_case, lang: str) -> str:
    return the_case.danger[lang] if the_case.danger else ui(lang, "cases")["no_danger"]


# ---------------------------------------------------------------- decks


def case_static(case_id: str, lang: str) -> Static:
    """The case on its own slide (story and the three questions), then per question a question slide and
    an answer slide (feedback on every option in the notes), like a quiz question."""
    k, t = ui(lang, "slides"), ui(lang, "cases")
    the_case = case(case_id)
    inline = render(
        "cases/deck_case.html.j2", headings=[t[part + "_heading"] for part in PARTS], **_head(the_case, lang)
    )
    kicker = f"{t['fictional']} · {the_case.title[lang]}"
    advice = the_case.referral()
    slides = []
    for part, (options, hint) in _parts(the_case, lang).items():
        heading = t[part + "_heading"]
        yes, no = (
            (k["keys_in_story"], k["keys_not_in_story"]) if part == "signals" else (k["right_label"], k["wrong_label"])
        )
        common = {"case_id": case_id, "part": part, "kicker": kicker, "compact": len(options) > 5}
        question = render(
            "cases/deck_question.html.j2",
            heading=heading,
            hint=hint,
            options=[(_letter(i), text) for i, (text, _right, _fb) in enumerate(options)],
            **common,
        )
        explanation = (advice.explanation[lang], t["danger"], _danger(the_case, lang)) if part == "referral" else None
        answer = render(
            "cases/deck_answer.html.j2",
            heading=k["case_answer_heading"].format(part=heading),
            key="".join(_letter(i) for i, (_t, right, _f) in enumerate(options) if right),
            options=[
                (_letter(i), right, f"✔ {yes}" if right else f"✘ {no}", text)
                for i, (text, right, _fb) in enumerate(options)
            ],
            explanation=explanation,
            **common,
        )
        if part == "referral":
            feedback = [
                t["stalker_is"].format(relation=relation_label(the_case.relation, lang)),
                advice.explanation[lang],
            ]
        else:
            feedback = [f"{_letter(i)} {'✔' if right else '✘'} {fb}" for i, (_text, right, fb) in enumerate(options)]
        slides += [
            (question, render("cases/deck_notes.html.j2", intro=k["case_question_notes"], lines=None)),
            (answer, render("cases/deck_notes.html.j2", intro=k["case_answer_notes"], lines=feedback)),
        ]
    return Static(inline, slides)


def case_preview(case_id: str, lang: str) -> Static:
    """For the speaker view of the live presentation: the case as the live slide shows it, no answers."""
    return Static(render("cases/deck_preview.html.j2", **_head(case(case_id), lang)))


def static(call, lang: str, preview: bool = False) -> Static | None:
    """Registry hook: show_case(id) -> the case slides (or the preview); show_cases(group) -> those of each case."""
    if not call.args:
        return None
    if call.function == "show_case":
        return case_preview(call.args[0], lang) if preview else case_static(call.args[0], lang)
    parts = [case_preview(c.id, lang) if preview else case_static(c.id, lang) for c in group_cases(call.args[0])]
    return Static("".join(p.inline for p in parts), [s for p in parts for s in p.slides])


# ---------------------------------------------------------------- answer keys


def _anchor(group: str) -> str:
    """The id of a group's section: the exercise page's id ("cases-referral"), prefixed where it lacks "cases-"."""
    return group if group.startswith("cases-") else f"cases-{group}"


def group_key_html(group: str, lang: str) -> tuple:
    """(title, html) of the answer keys of one exercise page's cases."""
    k, t = ui(lang, "slides"), ui(lang, "cases")
    try:
        title = page_label(course().page(group), lang)
    except KeyError:
        title = group
    items = []
    for n, c in enumerate(group_cases(group), 1):
        advice = c.referral()
        items.append(
            {
                "case": c,
                "n": n,
                "referral_code": advice.service + (f"+{advice.then}" if advice.then else ""),
                "referral": referral_label((advice.service, advice.then), lang),
                "explanation": advice.explanation[lang],
                "relation": relation_label(c.relation, lang),
                "danger": _danger(c, lang),
            }
        )
    return title, render(
        "cases/key_section.html.j2", anchor=_anchor(group), title=title, cases=items, t=t, k=k, lang=lang
    )


def answer_key(call, page, lang: str) -> KeySection | None:
    """Registry hook: one section per exercise page with the answers of all its cases.

    show_cases(group) gives its group's section; a page of show_case(id) calls gets it at the first case of
    the group (the pages show every case of their group, in order: tests/test_cases.py), the others None.
    No data/cases.yaml at all: the section says there are no cases yet."""
    if not call.args:
        return None
    try:
        if call.function == "show_case":
            the_case = case(call.args[0])
            if position(the_case)[0] != 1:
                return None
            group = the_case.group
        else:
            group = call.args[0]
        title, html = group_key_html(group, lang)
    except ContentError as error:
        if error.field != "file":
            raise
        k = ui(lang, "slides")
        title = k["keys_cases_heading"]
        html = render("cases/key_section.html.j2", anchor="cases", title=title, cases=[], t={}, k=k, lang=lang)
        return KeySection("cases", title, html, group=KEYS_GROUP)
    return KeySection(_anchor(group), title, html, group=KEYS_GROUP)


# ---------------------------------------------------------------- printable case cards


def case_card_html(the_case, lang: str) -> str:
    """One printable case card (for the trainer's case-cards page): the case and its three questions with
    tick boxes, without any answer, labelled with its exercise page."""
    t, k = ui(lang, "cases"), ui(lang, "slides")
    parts = [
        (t[part + "_heading"], hint, [text for text, _right, _fb in options])
        for part, (options, hint) in _parts(the_case, lang).items()
    ]
    label = page_label(course().page(the_case.group), lang)
    return render("cases/card.html.j2", parts=parts, label=label, k=k, **_head(the_case, lang))
