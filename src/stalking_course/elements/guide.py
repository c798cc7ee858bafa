"""The interactive referral guide: pick the relationship and whether life is in danger; the referral
engine answers. Used on the start page and in the referral lesson.

Every answer comes from the referral engine (referral.py, data/referral.yaml); this module only shows it.
When only "life-threatening" is ticked, the guide asks the engine about every relation: it answers 112 for
each of them, so 112 shows at once, before the trainee has chosen who the stalker is. Phone numbers are
tel: links (content.phone_link), shown as data/facts.yaml gives them; a service whose name already holds its
number ("112 (alarmnummer)") is not followed by the number a second time.

The dropdown starts on a "Kies…" / "Choose…" placeholder. Its label sits above it (not beside it), so that on
a phone the select takes the full width (course.css, the block at its end); the answer repeats the whole
choice in words ("Je koos: ..."), because a closed dropdown cannot wrap a label longer than the screen.
"""
from __future__ import annotations

from html import escape

import ipywidgets as W

from ..content import check_lang, ui
from ..render.phones import fill_html, link_phones, phone_link
from .base import friendly_errors, show
from ..content.referral import advise, relation_label, relations, source

CHOOSE = ""  # the placeholder's value: no relation chosen yet


class ReferralGuide:
    def __init__(self, lang: str):
        self.lang = check_lang(lang)
        t = ui(lang)
        options = [(t["guide_choose"], CHOOSE)] + [(relation_label(r, lang, short=True), r) for r in relations()]
        self.relation = W.Dropdown(options=options, value=CHOOSE, description=t["guide_relation"],
                                   style={"description_width": "initial"}, layout=W.Layout(width="auto"))
        self.relation.add_class("course-guide-relation")
        self.danger = W.Checkbox(value=False, description=t["guide_danger"], indent=False, layout=W.Layout(width="auto"))
        self.answer = W.HTML("")
        self.answer.add_class("course-feedback")
        self.relation.observe(lambda _change: self.update(), names="value")
        self.danger.observe(lambda _change: self.update(), names="value")
        self.widget = W.VBox([self.relation, self.danger, self.answer], layout=W.Layout(width="100%"))
        self.widget.add_class("course-guide")
        self.update()

    def choose(self, relation: str | None, life_threatening: bool = False) -> None:
        """Set the guide as a trainee would (tests and trainers' demos); None is the placeholder."""
        self.danger.value = life_threatening
        self.relation.value = relation or CHOOSE

    def _service(self, advice, service: str | None = None) -> str:
        name, number = advice.service_name(self.lang, service), advice.contact(service)
        if number in name:  # "112 (alarmnummer)": the number is in the name; make that a link, do not repeat it
            return link_phones(f"<strong>{escape(name)}</strong>")
        return f'<strong>{escape(name)}</strong> <span class="course-nowrap">({phone_link(number)})</span>'

    def _danger_first(self):
        """The engine's answer when life is in danger, if it is the same whoever the stalker is (it is: 112)."""
        answers = {r: advise(r, True) for r in relations()}
        if len({a.service for a in answers.values()}) != 1:
            return None
        return next(iter(answers.values()))

    def update(self) -> None:
        t, lang = ui(self.lang), self.lang
        relation = self.relation.value
        if relation == CHOOSE:
            first = self._danger_first() if self.danger.value else None
            if first is None:
                self.answer.value = f'<div class="course-msg course-msg-info"><p>{escape(t["guide_prompt"])}</p></div>'
                return
            self.answer.value = (
                f'<div class="course-msg course-msg-advice course-guide-danger"><p><strong>⚠ '
                f'{fill_html(t["guide_danger_first"], lang, "data/ui.yaml", f"{lang}.guide_danger_first")}</strong></p>'
                f'<ol><li>{escape(t["guide_first"])} {self._service(first)}</li></ol>'
                f'<p>{escape(t["guide_then_choose"])}</p>'
                f'<p class="course-source">{escape(t["source"])}: {escape(source())}</p></div>')
            return
        a = advise(relation, self.danger.value)
        if a.then:
            steps = [f'<li>{escape(t["guide_first"])} {self._service(a)}</li>',
                     f'<li>{escape(t["guide_then"])} {self._service(a, a.then)}</li>']
        else:
            steps = [f"<li>{self._service(a)}</li>"]
        css = " course-guide-danger" if a.life_threatening else ""
        # the whole choice in words: on a phone a long label does not fit in the closed dropdown
        chosen = t["guide_chosen"].format(relation=relation_label(relation, lang))
        self.answer.value = (f'<div class="course-msg course-msg-advice{css}"><p class="course-guide-chosen">{escape(chosen)}</p>'
                             f'<p><strong>➜ {escape(t["guide_refer_to"])}</strong></p>'
                             f'<ol>{"".join(steps)}</ol><p>{link_phones(escape(a.explanation[lang]))}</p>'
                             f'<p class="course-source">{escape(t["source"])}: {escape(source())}</p></div>')


@friendly_errors
def show_referral_guide(lang: str) -> ReferralGuide:
    guide = ReferralGuide(lang)
    show(guide.widget)
    return guide
