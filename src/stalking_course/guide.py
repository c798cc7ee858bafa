"""The interactive referral guide: pick the relationship and whether life is in danger; the referral
engine answers. Used on the start page and in the referral lesson."""
from __future__ import annotations

from html import escape

import ipywidgets as W

from .content import check_lang, ui
from .pagekit import friendly_errors, show
from .referral import advise, relation_label, relations, source


class ReferralGuide:
    def __init__(self, lang: str):
        self.lang = check_lang(lang)
        t = ui(lang)
        self.relation = W.Dropdown(options=[(relation_label(r, lang), r) for r in relations()], value=None,
                                   description=t["guide_relation"], style={"description_width": "initial"},
                                   layout=W.Layout(width="auto"))
        self.danger = W.Checkbox(value=False, description=t["guide_danger"], indent=False, layout=W.Layout(width="auto"))
        self.answer = W.HTML(f'<div class="course-msg course-msg-info"><p>{escape(t["guide_prompt"])}</p></div>')
        self.answer.add_class("course-feedback")
        self.relation.observe(lambda _change: self.update(), names="value")
        self.danger.observe(lambda _change: self.update(), names="value")
        self.widget = W.VBox([self.relation, self.danger, self.answer])
        self.widget.add_class("course-guide")

    def update(self) -> None:
        t, lang = ui(self.lang), self.lang
        if self.relation.value is None:
            self.answer.value = f'<div class="course-msg course-msg-info"><p>{escape(t["guide_prompt"])}</p></div>'
            return
        a = advise(self.relation.value, self.danger.value)
        steps = [f'<li><strong>{escape(a.service_name(lang))}</strong> ({escape(a.contact())})</li>']
        if a.then:
            steps.append(f'<li>{escape(t["guide_then"])} <strong>{escape(a.service_name(lang, a.then))}</strong> '
                         f'({escape(a.contact(a.then))})</li>')
        self.answer.value = (f'<div class="course-msg course-msg-advice"><p><strong>➜ {escape(t["guide_refer_to"])}</strong></p>'
                             f'<ol>{"".join(steps)}</ol><p>{escape(a.explanation[lang])}</p>'
                             f'<p class="course-source">{escape(t["source"])}: {escape(source())}</p></div>')


@friendly_errors
def show_referral_guide(lang: str) -> ReferralGuide:
    guide = ReferralGuide(lang)
    show(guide.widget)
    return guide
