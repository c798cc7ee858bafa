"""The case exercises in the trainer's material: static case slides for the offline decks, and printable
case cards without answers (slides/build/<lang>/case-cards.html).

Everything comes from data/cases.yaml through stalking_course.cases (the same loader the case widget uses)
and the referral engine; the interface text from data/cases.yaml (ui) and data/slides.yaml (ui).
"""
from __future__ import annotations

from html import escape

from .slides import Static, _kicker, _letter, _page, _page_label, texts

PARTS = ("signals", "referral", "advice")


def _parts(the_case, lang: str) -> dict:
    """Per part of a case: its options as [(text, right, feedback)] and the hint, from the case module."""
    from . import cases

    cu = cases.ui(lang)
    right = the_case.referral()
    referral = [(cases.referral_label(o, lang), o == (right.service, right.then), "")
                for o in cases.referral_options()]
    return {
        "signals": ([(c.text[lang], c.correct, c.feedback[lang]) for c in the_case.signals], cu["signals_hint"]),
        "referral": (referral, cu["referral_hint"]),
        "advice": ([(c.text[lang], c.correct, c.feedback[lang]) for c in the_case.advice], cu["advice_hint"]),
    }


def _number(the_case) -> tuple:
    from . import cases

    group = cases.group_cases(the_case.group)
    return group.index(the_case) + 1, len(group)


def _head(the_case, lang: str, tag: str = "p") -> str:
    from . import cases

    cu = cases.ui(lang)
    n, total = _number(the_case)
    return (f'<p class="deck-kicker case-tag"><strong>{escape(cu["fictional"])}</strong> · '
            f'{escape(cu["case_of"].format(n=n, total=total))}</p>'
            f'<h2 class="case-title">{escape(the_case.title[lang])}</h2>'
            f'<{tag} class="case-story">{escape(the_case.story[lang])}</{tag}>')


def case_static(case_id: str, lang: str) -> Static:
    """The case on its own slide (story and the three questions), then per question a question slide and
    an answer slide (feedback on every option in the notes), like a quiz question."""
    from . import cases

    t, cu = texts(lang), cases.ui(lang)
    the_case = cases.case(case_id)
    steps = "".join(f"<li>{escape(cu[part + '_heading'])}</li>" for part in PARTS)
    inline = (f'<div class="deck-case" data-case="{escape(case_id)}">{_head(the_case, lang)}'
              f'<p class="case-question"><strong>{escape(cu["what_would_you_do"])}</strong></p>'
              f'<ul class="deck-steps">{steps}</ul></div>')
    kicker = _kicker(f'{cu["fictional"]} · {the_case.title[lang]}')
    slides = []
    advice = the_case.referral()
    for part, (options, hint) in _parts(the_case, lang).items():
        heading = cu[part + "_heading"]
        compact = " deck-compact" if len(options) > 5 else ""
        listed = "".join(f'<li><span class="deck-letter">{_letter(i)}</span> {escape(text)}</li>'
                         for i, (text, _right, _fb) in enumerate(options))
        question = (f'<div class="deck-question deck-case-question" data-case="{escape(case_id)}" data-part="{part}">'
                    f'{kicker}<h2>{escape(heading)}</h2><p class="deck-hint">{escape(hint)}</p>'
                    f'<ol class="deck-options{compact}">{listed}</ol></div>')
        marked = []
        for i, (text, right, _fb) in enumerate(options):
            yes, no = (t["keys_in_story"], t["keys_not_in_story"]) if part == "signals" else (t["right_label"], t["wrong_label"])
            mark = f"✔ {yes}" if right else f"✘ {no}"
            marked.append(f'<li class="{"deck-right" if right else "deck-wrong"}"><span class="deck-letter">{_letter(i)}</span> '
                          f'<span class="deck-mark">{escape(mark)}:</span> {escape(text)}</li>')
        extra = ""
        if part == "referral":
            danger = the_case.danger[lang] if the_case.danger else cu["no_danger"]
            extra = (f'<p class="deck-explanation">{escape(advice.explanation[lang])} '
                     f'<strong>{escape(cu["danger"])}</strong> {escape(danger)}</p>')
        key = "".join(_letter(i) for i, (_t, right, _f) in enumerate(options) if right)
        answer = (f'<div class="deck-answer deck-case-answer" data-case="{escape(case_id)}" data-part="{part}" data-key="{key}">'
                  f'{kicker}<h2>{escape(t["case_answer_heading"].format(part=heading))}</h2>'
                  f'<ol class="deck-options{compact}">{"".join(marked)}</ol>{extra}</div>')
        if part == "referral":
            feedback = (f"<li>{escape(cu['stalker_is'].format(relation=_relation(the_case, lang)))}</li>"
                        f"<li>{escape(advice.explanation[lang])}</li>")
        else:
            feedback = "".join(f"<li>{_letter(i)} {'✔' if right else '✘'} {escape(fb)}</li>"
                               for i, (_text, right, fb) in enumerate(options))
        slides += [(question, f"<p>{escape(t['case_question_notes'])}</p>"),
                   (answer, f"<p>{escape(t['case_answer_notes'])}</p><ul>{feedback}</ul>")]
    return Static(inline, slides)


def _relation(the_case, lang: str) -> str:
    from .content.referral import relation_label

    return relation_label(the_case.relation, lang)


def case_preview(case_id: str, lang: str) -> Static:
    """For the speaker view of the live presentation: the case as the live slide shows it, no answers."""
    from . import cases

    return Static(f'<div class="deck-case">{_head(cases.case(case_id), lang)}</div>')


def case_cards_html(lang: str, built: str = "") -> str:
    """Printable case cards: every case on a page of its own, with the three questions and their options,
    and without any answer. Every card says that the case is fictional."""
    from . import cases
    from .content.course import course

    t, cu = texts(lang), cases.ui(lang)
    blocks = []
    for exercise in course().exercises:
        group = [c for c in cases.cases() if c.group == exercise.id]
        if not group:
            continue
        label = escape(_page_label(exercise, lang))
        for the_case in group:
            questions = []
            for part, (options, hint) in _parts(the_case, lang).items():
                items = "".join(f'<li><span class="card-box" aria-hidden="true">☐</span> {escape(text)}</li>'
                                for text, _right, _fb in options)
                questions.append(f'<section class="card-part"><h3>{escape(cu[part + "_heading"])}</h3>'
                                 f'<p class="card-hint">{escape(hint)}</p><ul class="card-options">{items}</ul></section>')
            blocks.append(
                f'<article class="case-card" data-case="{escape(the_case.id)}" lang="{lang}">'
                f'<p class="card-exercise">{label}</p>{_head(the_case, lang)}'
                f'<p class="card-fictional"><strong>{escape(cu["fictional"])}.</strong> {escape(t["cards_fictional_note"])}</p>'
                f'<p class="case-question"><strong>{escape(cu["what_would_you_do"])}</strong></p>{"".join(questions)}</article>')
    built_line = f'<p class="built">{escape(t["built"].format(date=built))}</p>' if built else ""
    body = (f'<div class="no-print"><p><a href="index.html">← {escape(t["back"])}</a></p>'
            f'<h1>{escape(t["cards_title"])}</h1><p>{escape(t["cards_intro"])}</p>{built_line}</div>'
            + "".join(blocks))
    return _page(lang, f"{t['cards_title']} – {t['material_title']}", body, quick_exit=False)
