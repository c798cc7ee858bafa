"""The answer keys of the trainer's material (slides/build/<lang>/answer-keys.html): every question bank,
the signal exercises and the cases, with the right answers, the explanations and the feedback on every
option, from data/ through the loaders the widgets use. For the trainer, not to hand out (it says so)."""
from __future__ import annotations

from html import escape

from .content import ContentError, fill, load_yaml
from .content import ui as course_ui
from .slides import _built, _letter, _page, _page_label, calls, read_notebook, texts, _source


def _banks_by_page() -> list:
    """[(page or None, bank id)] in course order: the banks each page asks, then banks no page names."""
    from .content.course import course
    from .content.questions import bank_ids

    known, seen, order = set(bank_ids()), set(), []
    for page in course().pages:
        for cell in read_notebook(page.path("nl")).cells:
            if cell.cell_type != "code":
                continue
            for function, args in calls(_source(cell)):
                bank_id = "final-assessment" if function == "show_final_assessment" else (
                    args[0] if function == "show_quiz" and args else None)
                if bank_id in known and bank_id not in seen:
                    seen.add(bank_id)
                    order.append((page, bank_id))
    order += [(None, b) for b in sorted(known - seen)]
    return order


def _bank_title(page, bank_id: str, lang: str) -> str:
    t = texts(lang)
    if page is None:
        return t["keys_bank_unused"].format(bank=bank_id)
    title = t["keys_bank_heading"].format(title=_page_label(page, lang))
    final = bank_id == "final-assessment" and t["keys_final"].lower() not in title.lower()
    return f"{title} – {t['keys_final']}" if final else title


def _bank_html(page, bank_id: str, lang: str) -> str:
    from .content.questions import bank

    t, cu = texts(lang), course_ui(lang)
    heading = _bank_title(page, bank_id, lang)
    items = []
    for n, q in enumerate(bank(bank_id), 1):
        key = "".join(_letter(i) for i in sorted(q.correct))
        options = "".join(
            f'<li class="{"key-right" if o.correct else "key-wrong"}"><span class="key-letter">{_letter(i)}</span> '
            f'<span class="key-mark">{"✔ " + escape(t["right_label"]) if o.correct else "✘ " + escape(t["wrong_label"])}:</span> '
            f'{escape(o.text[lang])}<br><span class="key-feedback">{escape(o.feedback[lang])}</span></li>'
            for i, o in enumerate(q.options))
        label = t["keys_correct"] if len(q.correct) == 1 else t["keys_correct_many"]
        kind = t["keys_type_single"] if q.type == "single" else t["keys_type_multiple"]
        items.append(
            f'<li class="key-question" id="{escape(bank_id)}--{escape(q.id)}" data-bank="{escape(bank_id)}" '
            f'data-question="{escape(q.id)}" data-key="{key}">'
            f'<p class="key-text"><strong>{escape(t["keys_question"].format(n=n))}</strong> ({escape(kind)}): '
            f'{escape(q.text[lang])}</p>'
            f'<p class="key-answer">{escape(label)}: <strong>{", ".join(key)}</strong></p>'
            f'<ol class="key-options">{options}</ol>'
            f'<p class="key-explanation"><strong>{escape(cu["explanation"])}:</strong> {escape(q.explanation[lang])}</p></li>')
    return (f'<section class="key-bank" id="bank-{escape(bank_id)}" aria-labelledby="h-{escape(bank_id)}">'
            f'<h2 id="h-{escape(bank_id)}">{escape(heading)}</h2><ol class="key-questions">{"".join(items)}</ol></section>')


def _signals_html(lang: str) -> str:
    try:
        from .elements import signals

        ids = signals.exercise_ids()
    except (ImportError, ContentError, AttributeError):
        return ""
    t = texts(lang)
    blocks = []
    for exercise_id in ids:
        ex = signals.exercise(exercise_id)
        items = "".join(
            f'<li class="{"key-right" if item.signal else "key-wrong"}" data-signal="{str(item.signal).lower()}">'
            f'<span class="key-mark">{"✔ " + escape(t["keys_signal_yes"]) if item.signal else "✘ " + escape(t["keys_signal_no"])}:</span> '
            f'{escape(item.text[lang])}<br><span class="key-feedback">{escape(item.feedback[lang])}</span></li>'
            for item in ex.items)
        blocks.append(f'<div class="key-exercise" id="signals-{escape(exercise_id)}"><p>{escape(ex.intro[lang])}</p>'
                      f'<ol class="key-options">{items}</ol></div>')
    if not blocks:
        return ""
    return (f'<section class="key-bank" id="signals" aria-labelledby="h-signals"><h2 id="h-signals">'
            f'{escape(t["keys_signals_heading"])}</h2>{"".join(blocks)}</section>')


def _localised(value, lang: str, where: str):
    """A {nl, en} value in one language (facts filled in), or None when it is not bilingual text."""
    if isinstance(value, dict) and isinstance(value.get(lang), (str, list)) and set(value) <= {"nl", "en"}:
        text = value[lang]
        if isinstance(text, list):
            return [fill(str(t), lang, "data/cases.yaml", where) for t in text]
        return fill(text, lang, "data/cases.yaml", where)
    return None


def _generic_html(value, lang: str, where: str, depth: int = 0) -> str:
    """Any case field as HTML: bilingual text, lists (options marked right or wrong), nested mappings."""
    text = _localised(value, lang, where)
    if isinstance(text, str):
        return f"<p>{escape(text)}</p>"
    if isinstance(text, list):
        return "<ul>" + "".join(f"<li>{escape(t)}</li>" for t in text) + "</ul>"
    t = texts(lang)
    if isinstance(value, list):
        items = []
        for i, item in enumerate(value):
            inner = _generic_html(item, lang, f"{where}[{i}]", depth + 1)
            if not inner:
                continue
            flag = next((item[k] for k in ("correct", "signal", "right") if isinstance(item, dict) and isinstance(item.get(k), bool)), None)
            mark = "" if flag is None else (f'<span class="key-mark">{"✔ " + escape(t["right_label"]) if flag else "✘ " + escape(t["wrong_label"])}:</span> ')
            cls = "" if flag is None else f' class="{"key-right" if flag else "key-wrong"}"'
            items.append(f"<li{cls}>{mark}{inner}</li>")
        return f"<ul>{''.join(items)}</ul>" if items else ""
    if isinstance(value, dict):
        parts = []
        for key, sub in value.items():
            if key in ("correct", "signal", "right") or (key == "id" and depth > 0):
                continue
            inner = _generic_html(sub, lang, f"{where}.{key}", depth + 1)
            if inner:
                parts.append(f"<dt>{escape(str(key).replace('_', ' '))}</dt><dd>{inner}</dd>")
        return f"<dl>{''.join(parts)}</dl>" if parts else ""
    if isinstance(value, bool) or value is None:
        return ""
    return f"<p>{escape(str(value))}</p>"


def _case_referral(case: dict, lang: str) -> str:
    """When a case names the relation (and danger to life), the referral engine's answer."""
    from .content.referral import advise, relations

    relation = next((case.get(k) for k in ("relation", "relationship", "stalker") if isinstance(case.get(k), str)), None)
    if relation not in relations():
        return ""
    danger = next((bool(case.get(k)) for k in ("life_threatening", "danger", "life-threatening") if k in case), False)
    a = advise(relation, danger)
    steps = f"{a.service_name(lang)} ({a.contact()})"
    if a.then:
        steps += f" → {a.service_name(lang, a.then)} ({a.contact(a.then)})"
    t = texts(lang)
    return (f'<p class="key-answer" data-referral="{escape(a.service)}">{escape(t["keys_case_referral"])}: '
            f'<strong>{escape(steps)}</strong></p><p>{escape(a.explanation[lang])}</p>')


def _cases_html(lang: str) -> str:
    """Every case of data/cases.yaml with its answers: the signs in the story, the referral engine's answer
    and the good advice, each with its feedback (stalking_course.cases; read generically when that module
    is missing or does not load)."""
    t = texts(lang)
    heading = f'<h2 id="h-cases">{escape(t["keys_cases_heading"])}</h2>'
    try:
        from . import cases as case_module

        all_cases = case_module.cases()
    except ImportError:
        return f'<section class="key-bank" id="cases" aria-labelledby="h-cases">{heading}{_generic_cases_html(lang)}</section>'
    except ContentError as error:
        if error.field == "file":
            return (f'<section class="key-bank" id="cases" aria-labelledby="h-cases">{heading}'
                    f'<p>{escape(t["keys_cases_none"])}</p></section>')
        raise
    from .content.course import course
    from .content.referral import relation_label

    cu = case_module.ui(lang)
    groups = []
    for case in all_cases:
        if case.group not in groups:
            groups.append(case.group)
    blocks = []
    for group in groups:
        try:
            title = _page_label(course().page(group), lang)
        except KeyError:
            title = group
        blocks.append(f"<h3>{escape(title)}</h3>")
        for n, case in enumerate([c for c in all_cases if c.group == group], 1):
            advice = case.referral()
            service = advice.service + (f"+{advice.then}" if advice.then else "")
            referral = case_module.referral_label((advice.service, advice.then), lang)
            danger = case.danger[lang] if case.danger else cu["no_danger"]

            def choices(items, yes, no):
                return "".join(
                    f'<li class="{"key-right" if c.correct else "key-wrong"}" data-correct="{str(c.correct).lower()}">'
                    f'<span class="key-mark">{"✔ " + escape(yes) if c.correct else "✘ " + escape(no)}:</span> '
                    f'{escape(c.text[lang])}<br><span class="key-feedback">{escape(c.feedback[lang])}</span></li>'
                    for c in items)

            blocks.append(
                f'<article class="key-case" id="case-{escape(case.id)}" data-case="{escape(case.id)}" data-referral="{escape(service)}">'
                f'<h4>{escape(cu["case_of"].format(n=n, total=len([c for c in all_cases if c.group == group])))}: '
                f'{escape(case.title[lang])}</h4><p><em>{escape(cu["fictional"])}.</em> {escape(case.story[lang])}</p>'
                f'<p>{escape(cu["stalker_is"].format(relation=relation_label(case.relation, lang)))} '
                f'{escape(cu["danger"])} {escape(danger)}</p>'
                f'<p class="key-subheading"><strong>{escape(cu["signals_heading"])}</strong></p>'
                f'<ol class="key-options">{choices(case.signals, t["keys_in_story"], t["keys_not_in_story"])}</ol>'
                f'<p class="key-subheading"><strong>{escape(cu["referral_heading"])}</strong></p>'
                f'<p class="key-answer">{escape(t["keys_case_referral"])}: <strong>{escape(referral)}</strong></p>'
                f'<p class="key-explanation">{escape(advice.explanation[lang])}</p>'
                f'<p class="key-subheading"><strong>{escape(cu["advice_heading"])}</strong></p>'
                f'<ol class="key-options">{choices(case.advice, t["right_label"], t["wrong_label"])}</ol></article>')
    body = "".join(blocks) or f"<p>{escape(t['keys_cases_none'])}</p>"
    return f'<section class="key-bank" id="cases" aria-labelledby="h-cases">{heading}{body}</section>'


def _generic_cases_html(lang: str) -> str:
    """data/cases.yaml read without its module: every field of every case, in one language."""
    t = texts(lang)
    try:
        data = load_yaml("cases.yaml")
    except ContentError as error:
        if error.field == "file":
            return f"<p>{escape(t['keys_cases_none'])}</p>"
        raise
    cases = data.get("cases", [])
    if isinstance(cases, dict):
        cases = [dict(v, id=k) if isinstance(v, dict) else {"id": k, "text": v} for k, v in cases.items()]
    blocks = []
    for n, case in enumerate(cases if isinstance(cases, list) else [], 1):
        if not isinstance(case, dict):
            continue
        case_id = str(case.get("id", n))
        title = _localised(case.get("title"), lang, f"cases.{case_id}.title") or case_id
        rest = {k: v for k, v in case.items() if k not in ("id", "title")}
        blocks.append(f'<article class="key-case" id="case-{escape(case_id)}" data-case="{escape(case_id)}">'
                      f'<h3>{n}. {escape(title)}</h3>{_case_referral(case, lang)}'
                      f'{_generic_html(rest, lang, f"cases.{case_id}")}</article>')
    return "".join(blocks) or f"<p>{escape(t['keys_cases_none'])}</p>"


def answer_keys_html(lang: str, built: str = "") -> str:
    """The answer keys of one language: every question bank, the signal exercises and the cases."""
    t = texts(lang)
    banks = [_bank_html(page, bank_id, lang) for page, bank_id in _banks_by_page()]
    contents = "".join(f'<li><a href="#bank-{escape(b)}">{escape(_bank_title(p, b, lang))}</a></li>'
                       for p, b in _banks_by_page())
    body = (f'<p><a href="index.html">← {escape(t["back"])}</a></p><h1>{escape(t["keys_title"])}</h1>'
            f'<p class="keys-intro">{escape(t["keys_intro"])} <a href="case-cards.html">{escape(t["cards_title"])}</a>.</p>'
            f'<nav aria-label="{escape(t["keys_contents"])}"><ol>{contents}'
            f'<li><a href="#signals">{escape(t["keys_signals_heading"])}</a></li>'
            f'<li><a href="#cases">{escape(t["keys_cases_heading"])}</a></li></ol></nav>'
            + "".join(banks) + _signals_html(lang) + _cases_html(lang)
            + f'<p class="keys-maintainers">{escape(t["keys_maintainers"])}</p>{_built(t, built)}')
    return _page(lang, f"{t['keys_title']} – {t['material_title']}", body, quick_exit=False)
