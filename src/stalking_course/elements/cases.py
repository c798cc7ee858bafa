"""Case exercises ("Wat zou jij doen? / What would you do?"): a fictional story, then three steps.

The trainee (1) ticks the signs of stalking in the story, (2) chooses where to refer and (3) ticks the
advice to give, then presses Check. The browser only ever receives the story and the labels of the
choices: which signs are in the story, which advice is good and where to refer live in the kernel, and
feedback is sent only after Check. Feedback is always a word and a symbol (never colour alone), in the
quiz's look (course-question-box, course-msg-*, course-feedback).

The referral is never written in the case: the referral engine (stalking_course.referral.advise) answers
from the case's relation and whether life is in danger, and its explanation is the feedback. Phone numbers
come from data/facts.yaml through the engine.

Data: data/cases.yaml, both languages side by side. Schema (checked on every load):

    ui: {nl: {...}, en: {...}}         interface text of this widget, the same keys in both languages
    advice_library:                    advice that several cases offer, by id
      advice-id: {text: {nl, en}, correct: true | false, feedback: {nl, en}}
    cases:
      - id: kebab-case-id              unique
        group: exercise-page-id        the exercise page that shows it (an exercise id in data/course.yaml)
        title: {nl, en}
        story: {nl, en}                the fictional situation; the page says above it that it is fictional
        relation: partner | ex-partner | family | household | carer | colleague | manager | neighbour |
                  acquaintance | stranger | unknown      (the relations of data/referral.yaml)
        victim: woman | man            who is stalked, and who stalks (lets tests and trainers see that
        stalker: woman | man | unknown   the cases show both; shown nowhere on the page)
        life_threatening: true | false
        danger: {nl, en}               why life is (not) in danger; required when life_threatening is true,
                                       otherwise optional (ui.no_danger is shown)
        signals:                       three or more; at least one in the story and one that is not
          - {text: {nl, en}, present: true | false, feedback: {nl, en}}
        advice:                        three or more; at least one good and one wrong
          - advice-id                  from advice_library, or written out in full:
          - {text: {nl, en}, correct: true | false, feedback: {nl, en}}

A case has no other fields: in particular no referral (the engine decides). Text may use {{fact_key}}.
"""
from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from html import escape

from ..content import LANGS, ContentError, check_lang, data_dir, fill, load_yaml
from ..content import ui as course_ui
from .base import Attempts, friendly_errors, show

FILE = "data/cases.yaml"
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
UI_KEYS = ("fictional", "case_of", "what_would_you_do", "signals_heading", "signals_hint", "referral_heading",
           "referral_hint", "advice_heading", "advice_hint", "missing", "missing_signals", "missing_referral",
           "missing_advice", "all_right", "parts_right", "missed_one", "missed_many", "first_then", "stalker_is",
           "hint_relation", "hint_danger_missed", "hint_danger_extra", "right_answer", "danger", "score",
           "no_danger")
CASE_FIELDS = ("id", "group", "title", "story", "relation", "victim", "stalker", "life_threatening", "danger", "signals",
               "advice")
SEXES = ("woman", "man")
REFERRAL_WORDS = ("referral", "refer", "refer_to", "service", "then", "answer")
PARTS = ("signals", "referral", "advice")


@dataclass(frozen=True)
class Choice:
    """A sign (correct = it is in the story) or a piece of advice (correct = good advice)."""
    text: dict
    correct: bool
    feedback: dict


@dataclass(frozen=True)
class Case:
    id: str
    group: str
    title: dict
    story: dict
    relation: str
    victim: str
    stalker: str
    life_threatening: bool
    danger: dict | None
    signals: tuple
    advice: tuple

    @property
    def present_signals(self) -> frozenset:
        return frozenset(i for i, s in enumerate(self.signals) if s.correct)

    @property
    def good_advice(self) -> frozenset:
        return frozenset(i for i, a in enumerate(self.advice) if a.correct)

    def referral(self):
        """The referral engine's answer for this case."""
        from ..content.referral import advise

        return advise(self.relation, self.life_threatening)


# ---------------------------------------------------------------- loading and validation

def _bilingual(mapping, key: str, prefix: str) -> dict:
    """A {nl, en} text with both translations, placeholders filled; errors name '<prefix><key>.<lang>'."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if not isinstance(value, dict):
        raise ContentError(FILE, f"{prefix}{key}", "missing (give the text in nl and en)")
    for lang in LANGS:
        if not isinstance(value.get(lang), str) or not value[lang].strip():
            raise ContentError(FILE, f"{prefix}{key}.{lang}", "missing or empty translation")
    return {lang: fill(value[lang], lang, FILE, f"{prefix}{key}.{lang}") for lang in LANGS}


def _choice(raw, prefix: str, flag: str) -> Choice:
    if not isinstance(raw, dict):
        raise ContentError(FILE, prefix.rstrip("."), f"must be a mapping with text, {flag} and feedback")
    if not isinstance(raw.get(flag), bool):
        raise ContentError(FILE, f"{prefix}{flag}", "missing (true or false)")
    return Choice(_bilingual(raw, "text", prefix), raw[flag], _bilingual(raw, "feedback", prefix))


def _library(data) -> dict:
    raw = data.get("advice_library", {})
    if not isinstance(raw, dict):
        raise ContentError(FILE, "advice_library", "must be a mapping of advice ids to advice")
    library = {}
    for advice_id, entry in raw.items():
        if not ID.match(str(advice_id)):
            raise ContentError(FILE, f"advice_library.{advice_id}", "use lower-case words joined by hyphens")
        library[advice_id] = _choice(entry, f"advice_library.{advice_id}.", "correct")
    return library


def _case(entry, n: int, library: dict, groups: tuple, relations: list) -> Case:
    if not isinstance(entry, dict):
        raise ContentError(FILE, f"cases[{n}]", "must be a mapping")
    cid = entry.get("id")
    if not isinstance(cid, str) or not cid:
        raise ContentError(FILE, f"cases[{n}].id", "missing")
    if not ID.match(cid):
        raise ContentError(FILE, f"case {cid}: id", "use lower-case words joined by hyphens")
    where = f"case {cid}: "
    for key in entry:
        if key in REFERRAL_WORDS:
            raise ContentError(FILE, f"{where}{key}", "a case never names its referral: the referral engine "
                               "(data/referral.yaml) decides from relation and life_threatening")
        if key not in CASE_FIELDS:
            raise ContentError(FILE, f"{where}{key}", f"unknown field; a case has only {', '.join(CASE_FIELDS)}")
    group = entry.get("group")
    if group not in groups:
        raise ContentError(FILE, f"{where}group", f"{group!r} is not an exercise page; use one of {', '.join(groups)}")
    relation = entry.get("relation")
    if relation not in relations:
        raise ContentError(FILE, f"{where}relation", f"unknown relation {relation!r}; use one of {', '.join(relations)}")
    victim, stalker = entry.get("victim"), entry.get("stalker")
    if victim not in SEXES:
        raise ContentError(FILE, f"{where}victim", f"{victim!r}: use one of {', '.join(SEXES)}")
    if stalker not in SEXES + ("unknown",):
        raise ContentError(FILE, f"{where}stalker", f"{stalker!r}: use one of {', '.join(SEXES)}, unknown")
    danger_to_life = entry.get("life_threatening")
    if not isinstance(danger_to_life, bool):
        raise ContentError(FILE, f"{where}life_threatening", "missing (true or false)")
    danger = None
    if danger_to_life or "danger" in entry:
        danger = _bilingual(entry, "danger", where)
    title = _bilingual(entry, "title", where)
    story = _bilingual(entry, "story", where)

    raw_signals = entry.get("signals")
    if not isinstance(raw_signals, list) or len(raw_signals) < 3:
        raise ContentError(FILE, f"{where}signals", "needs a list of at least three signs")
    signals = tuple(_choice(s, f"{where}signals[{i}].", "present") for i, s in enumerate(raw_signals, 1))
    if not any(s.correct for s in signals) or all(s.correct for s in signals):
        raise ContentError(FILE, f"{where}signals", "needs at least one sign that is in the story and one that is not")

    raw_advice = entry.get("advice")
    if not isinstance(raw_advice, list) or len(raw_advice) < 3:
        raise ContentError(FILE, f"{where}advice", "needs a list of at least three pieces of advice")
    advice = []
    for i, item in enumerate(raw_advice, 1):
        if isinstance(item, str):
            if item not in library:
                raise ContentError(FILE, f"{where}advice[{i}]", f"no advice {item!r} in advice_library")
            advice.append(library[item])
        else:
            advice.append(_choice(item, f"{where}advice[{i}].", "correct"))
    if not any(a.correct for a in advice) or all(a.correct for a in advice):
        raise ContentError(FILE, f"{where}advice", "needs at least one good and one wrong piece of advice")
    for kind, items in (("signals", signals), ("advice", advice)):
        texts = [c.text["nl"] for c in items]
        if len(set(texts)) != len(texts):
            raise ContentError(FILE, f"{where}{kind}", "the same text appears twice")
    return Case(cid, group, title, story, relation, victim, stalker, danger_to_life, danger, signals, tuple(advice))


def _ui(data) -> dict:
    section = data.get("ui")
    if not isinstance(section, dict):
        raise ContentError(FILE, "ui", "missing")
    strings = {}
    for lang in LANGS:
        texts = section.get(lang)
        if not isinstance(texts, dict):
            raise ContentError(FILE, f"ui.{lang}", "missing")
        for key in UI_KEYS:
            if not isinstance(texts.get(key), str) or not texts[key].strip():
                raise ContentError(FILE, f"ui.{lang}.{key}", "missing or empty translation")
        strings[lang] = {key: fill(texts[key], lang, FILE, f"ui.{lang}.{key}") for key in UI_KEYS}
    return strings


@functools.lru_cache(maxsize=8)
def _load(key) -> dict:
    from ..content.course import course
    from ..content.referral import relations

    data = load_yaml("cases.yaml")
    strings = _ui(data)
    library = _library(data)
    entries = data.get("cases")
    if not isinstance(entries, list) or not entries:
        raise ContentError(FILE, "cases", "missing (a list of cases)")
    groups = tuple(p.id for p in course().exercises)
    all_cases = tuple(_case(e, n, library, groups, relations()) for n, e in enumerate(entries, 1))
    ids = [c.id for c in all_cases]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ContentError(FILE, f"case {dupes[0]}: id", "used twice")
    return {"ui": strings, "cases": all_cases}


def _data() -> dict:
    folder = data_dir()
    try:
        key = (str(folder),) + tuple((folder / name).stat().st_mtime
                                     for name in ("cases.yaml", "facts.yaml", "referral.yaml", "course.yaml"))
    except FileNotFoundError as missing:
        name = missing.filename.rsplit("/", 1)[-1] if missing.filename else "cases.yaml"
        raise ContentError(f"data/{name}", "file", "does not exist") from None
    return _load(key)


def ui(lang: str) -> dict:
    """This widget's interface text (data/cases.yaml, section ui)."""
    return _data()["ui"][check_lang(lang)]


def cases() -> tuple:
    """Every case, validated, in the order of the data file."""
    return _data()["cases"]


def case(case_id: str) -> Case:
    for c in cases():
        if c.id == case_id:
            return c
    raise ContentError(FILE, f"case {case_id}", "no such case")


def group_cases(group: str) -> list:
    found = [c for c in cases() if c.group == group]
    if not found:
        raise ContentError(FILE, "cases", f"no case has group {group}")
    return found


# ---------------------------------------------------------------- referral choices, from the engine

def referral_options() -> list:
    """Every answer the engine can give, as (service, then): the plain referrals first, then 112-and-then."""
    from ..content.referral import advise, relations

    found = []
    for danger_to_life in (False, True):
        for relation in relations():
            a = advise(relation, danger_to_life)
            if (a.service, a.then) not in found:
                found.append((a.service, a.then))
    return found


def referral_label(option: tuple, lang: str) -> str:
    """'Veilig Thuis (0800-2000)', or 'First 112 (emergency number), then the police (0900-8844)'."""
    from ..content.referral import advise, relations

    service, then = option
    helper = advise(relations()[0])  # any answer: only its service_name() and contact() (data/referral.yaml) are used

    def named(s):
        name, number = helper.service_name(lang, s), helper.contact(s)
        return name if number in name else f"{name} ({number})"

    if then is None:
        text = named(service)
        return text[:1].upper() + text[1:]
    return ui(lang)["first_then"].format(first=named(service), then=named(then))


# ---------------------------------------------------------------- the widget

_numbers = itertools.count(1)  # unique element ids on a page


def _li(mark: str, label: str, text: str, feedback: str) -> str:
    return f"<li>{mark} <em>{escape(label)}: {escape(text)}</em> — {escape(feedback)}</li>"


class CaseView(Attempts):
    """One case: the story, the three steps, a Check button and one feedback area."""

    def __init__(self, the_case: Case, lang: str, number: int = 1, total: int = 1, on_checked=None):
        import ipywidgets as W

        self.case, self.lang, self.on_checked = the_case, check_lang(lang), on_checked
        self.t, self.shared = ui(lang), course_ui(lang)
        self._reset_attempts()
        self.results = {}  # part -> right, after the last real check
        self.options = referral_options()
        right = the_case.referral()
        self.right_referral = self.options.index((right.service, right.then))
        uid = f"course-case-{next(_numbers)}"
        t = self.t

        def heading(part, hint):
            return W.HTML(f'<p class="course-part-heading" id="{uid}-{part}"><strong>{escape(t[part + "_heading"])}</strong></p>'
                          f'<p class="course-question-hint">{escape(t[hint])}</p>')

        self.story = W.HTML(
            f'<div class="course-case-head"><p class="course-case-tag"><span class="course-case-fictional">'
            f'{escape(t["fictional"])}</span> · {escape(t["case_of"].format(n=number, total=total))}</p>'
            f'<h2 class="course-case-title" id="{uid}-title">{escape(the_case.title[lang])}</h2>'
            f'<p class="course-case-story">{escape(the_case.story[lang])}</p>'
            f'<p class="course-case-question"><strong>{escape(t["what_would_you_do"])}</strong></p></div>'
        )
        # Descriptions and option labels are plain text (ipywidgets escapes them).
        self.signal_boxes = [W.Checkbox(value=False, description=s.text[lang], indent=False, layout=W.Layout(width="auto"))
                             for s in the_case.signals]
        signals = W.VBox(self.signal_boxes)
        self.referral = W.RadioButtons(options=[(referral_label(o, lang), i) for i, o in enumerate(self.options)],
                                       value=None, layout=W.Layout(width="auto"))
        self.advice_boxes = [W.Checkbox(value=False, description=a.text[lang], indent=False, layout=W.Layout(width="auto"))
                             for a in the_case.advice]
        advice = W.VBox(self.advice_boxes)
        for chooser in (signals, self.referral, advice):
            chooser.add_class("course-options")
        self.check = W.Button(description=self.shared["check"], tooltip=self.shared["check_tooltip"], button_style="primary")
        self.check.add_class("course-check")
        self.feedback = W.HTML("")
        self.feedback.add_class("course-feedback")
        self.check.on_click(lambda _button: self.check_answer())
        self.widget = W.VBox([self.story, heading("signals", "signals_hint"), signals,
                              heading("referral", "referral_hint"), self.referral,
                              heading("advice", "advice_hint"), advice, self.check, self.feedback])
        self.widget.add_class("course-question-box")
        self.widget.add_class("course-case")

    # -- choosing (the page does this by clicking; tests and trainers' demos call these)

    def select_signals(self, *indexes: int) -> None:
        for i, box in enumerate(self.signal_boxes):
            box.value = i in indexes

    def select_referral(self, index: int | None) -> None:
        self.referral.value = index

    def select_advice(self, *indexes: int) -> None:
        for i, box in enumerate(self.advice_boxes):
            box.value = i in indexes

    def select_right_answer(self) -> None:
        self.select_signals(*self.case.present_signals)
        self.select_referral(self.right_referral)
        self.select_advice(*self.case.good_advice)

    def selection(self) -> tuple:
        return (frozenset(i for i, b in enumerate(self.signal_boxes) if b.value), self.referral.value,
                frozenset(i for i, b in enumerate(self.advice_boxes) if b.value))

    # -- checking

    def check_answer(self) -> None:
        chosen = self.selection()
        signals, referral, advice = chosen
        missing = [key for key, empty in (("missing_signals", not signals), ("missing_referral", referral is None),
                                          ("missing_advice", not advice)) if empty]
        if missing:
            self._last_checked = None
            items = "".join(f"<li>{escape(self.t[k])}</li>" for k in missing)
            self.feedback.value = (f'<div class="course-msg course-msg-info"><p><strong>ℹ {escape(self.t["missing"])}</strong></p>'
                                   f"<ul>{items}</ul></div>")
            return
        if not self._is_new_answer(chosen):
            return
        self.results = {"signals": signals == self.case.present_signals,
                        "referral": referral == self.right_referral,
                        "advice": advice == self.case.good_advice}
        self._record(all(self.results.values()))
        self.feedback.value = self._feedback_html(chosen)
        if self.on_checked:
            self.on_checked()

    def _status(self, right: bool, partly: bool) -> tuple:
        s = self.shared
        if right:
            return "right", f"✔ {s['correct']}"
        if partly:
            return "partly", f"◐ {s['partly']}"
        return "wrong", f"✘ {s['incorrect']}"

    def _part(self, part: str, kind: str, status: str, body: str) -> str:
        return (f'<div class="course-msg course-msg-{kind} course-case-part"><p class="course-status"><strong>{escape(status)}</strong> '
                f'{escape(self.t[part + "_heading"])}</p>{body}</div>')

    def _choices_html(self, part: str, chosen: frozenset, choices: tuple) -> str:
        s, lang = self.shared, self.lang
        right_set = frozenset(i for i, c in enumerate(choices) if c.correct)
        items = [_li("✔" if choices[i].correct else "✘", s["your_choice"], choices[i].text[lang], choices[i].feedback[lang])
                 for i in sorted(chosen)]
        missed = sorted(right_set - chosen)
        extra = ""
        if missed and self.attempts >= 2:  # after a second try, show what is still missing
            items += [_li("○", s["not_chosen_but_correct"], choices[i].text[lang], choices[i].feedback[lang]) for i in missed]
        elif missed:
            text = self.t["missed_one"] if len(missed) == 1 else self.t["missed_many"].format(n=len(missed))
            extra = f"<p>○ {escape(text)}</p>"
        kind, status = self._status(chosen == right_set, bool(chosen & right_set))
        return self._part(part, kind, status, f'<ul>{"".join(items)}</ul>{extra}')

    def _referral_html(self, chosen: int) -> str:
        from ..content.referral import relation_label, source

        t, lang, c = self.t, self.lang, self.case
        engine = c.referral()
        mine = self.options[chosen]
        lines = [f"<p><em>{escape(self.shared['your_choice'])}: {escape(referral_label(mine, lang))}</em></p>"]
        why = [t["stalker_is"].format(relation=relation_label(c.relation, lang)), engine.explanation[lang]]
        danger = f"<p><strong>{escape(t['danger'])}</strong> {escape((c.danger or {}).get(lang) or t['no_danger'])}</p>"
        if chosen == self.right_referral:
            kind, status = self._status(True, False)
            lines += [f"<p>{escape(' '.join(why))}</p>", danger,
                      f'<p class="course-source">{escape(self.shared["source"])}: {escape(source())}</p>']
            return self._part("referral", kind, status, "".join(lines))
        mine_danger, right_danger = mine[0] == "112", c.life_threatening
        mine_usual = mine[1] if mine_danger else mine[0]
        right_usual = engine.then if right_danger else engine.service
        hints = []
        if mine_danger != right_danger:
            hints.append(t["hint_danger_missed"] if right_danger else t["hint_danger_extra"])
        if mine_usual != right_usual:
            hints.append(t["hint_relation"])
        lines += [f"<p>➜ {escape(h)}</p>" for h in hints]
        if self.attempts >= 2:  # after a second try, the engine's answer and why
            answer = referral_label(self.options[self.right_referral], lang)
            lines += [f"<p><strong>{escape(t['right_answer'])}:</strong> {escape(answer)}. {escape(' '.join(why))}</p>", danger]
        kind, status = self._status(False, False)  # one answer: right or not, the hints say what to look at again
        return self._part("referral", kind, status, "".join(lines))

    def _feedback_html(self, chosen: tuple) -> str:
        signals, referral, advice = chosen
        n_right = sum(self.results.values())
        if n_right == len(PARTS):
            head = f'<p class="course-status"><strong>✔ {escape(self.t["all_right"])}</strong></p>'
            kind = "right"
        else:
            symbol = "◐" if n_right else "✘"
            head = (f'<p class="course-status"><strong>{symbol} {escape(self.shared["partly" if n_right else "incorrect"])}</strong> '
                    f'{escape(self.t["parts_right"].format(right=n_right))}</p>')
            kind = "partly" if n_right else "wrong"
        parts = [self._choices_html("signals", signals, self.case.signals), self._referral_html(referral),
                 self._choices_html("advice", advice, self.case.advice)]
        return f'<div class="course-case-feedback"><div class="course-msg course-msg-{kind}">{head}</div>{"".join(parts)}</div>'


class CaseSet:
    """The cases of one exercise page, with a running count of cases solved."""

    def __init__(self, group: str, lang: str):
        import ipywidgets as W

        self.lang = check_lang(lang)
        chosen = group_cases(group)
        self.views = [CaseView(c, lang, n, len(chosen), self._update) for n, c in enumerate(chosen, 1)]
        self.score = W.HTML("")
        self.score.add_class("course-feedback")
        self.score.add_class("course-score")
        self._update()
        self.widget = W.VBox([v.widget for v in self.views] + [self.score])
        self.widget.add_class("course-cases")

    def _update(self) -> None:
        text = ui(self.lang)["score"].format(solved=sum(v.solved for v in self.views), total=len(self.views))
        self.score.value = f'<div class="course-msg course-msg-score"><p><strong>{escape(text)}</strong></p></div>'


@friendly_errors
def show_case(case_id: str, lang: str) -> CaseView:
    """Display one case ("Wat zou jij doen?") in one language."""
    the_case = case(case_id)
    siblings = group_cases(the_case.group)
    view = CaseView(the_case, lang, siblings.index(the_case) + 1, len(siblings))
    show(view.widget)
    return view


@friendly_errors
def show_cases(group: str, lang: str) -> CaseSet:
    """Display every case of one exercise page (a group in data/cases.yaml) in one language."""
    case_set = CaseSet(group, lang)
    show(case_set.widget)
    return case_set
