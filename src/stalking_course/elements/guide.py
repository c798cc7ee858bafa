"""The interactive referral guide: pick the relationship and whether life is in danger; the referral
engine answers. Used on the start page and in the referral lesson.

Every answer comes from the referral engine (referral.py, data/referral.yaml); this module only shows it.
When only "life-threatening" is ticked, the guide asks the engine about every relation: it answers 112 for
each of them, so 112 shows at once, before the trainee has chosen who the stalker is. Phone numbers are
tel: links (render.phones), shown as data/facts.yaml gives them; a service whose name already holds its
number ("112 (alarmnummer)") is not followed by the number a second time.

The dropdown starts on a "Kies…" / "Choose…" placeholder. Its label sits above it (not beside it), so that on
a phone the select takes the full width (course.css, the block at its end); the answer repeats the whole
choice in words ("Je koos: ..."), because a closed dropdown cannot wrap a label longer than the screen.

HTML: render/templates/guide/. An offline deck shows the referral table instead of the guide (static()).
"""

from __future__ import annotations

from ..content import check_lang, ui
from ..content.referral import advise, relation_label, relations, source
from ..content.referral import validate as validate_rules
from ..render import Markup, render
from ..render.phones import phone_link
from .base import friendly_errors, show
from .registry import Static

CHOOSE = ""  # the placeholder's value: no relation chosen yet


def _tel(number: str) -> Markup:
    return Markup(phone_link(number))


def answer_html(lang: str, relation: str | None, life_threatening: bool) -> str:
    """The guide's answer for a choice (None: the placeholder): the engine's referral, in words and links."""
    t = ui(lang)
    context = {"t": t, "lang": lang, "source": source(), "tel": _tel, "chosen": "", "advice": None}
    if not relation:
        first = _danger_first() if life_threatening else None
        return render(
            "guide/answer.html.j2", state="danger_first" if first else "prompt", **{**context, "advice": first}
        )
    # the whole choice in words: on a phone a long label does not fit in the closed dropdown
    chosen = t["guide_chosen"].format(relation=relation_label(relation, lang))
    return render(
        "guide/answer.html.j2",
        state="chosen",
        **{**context, "advice": advise(relation, life_threatening), "chosen": chosen},
    )


def _danger_first():
    """The engine's answer when life is in danger, if it is the same whoever the stalker is (it is: 112)."""
    answers = {r: advise(r, True) for r in relations()}
    if len({a.service for a in answers.values()}) != 1:
        return None
    return next(iter(answers.values()))


class ReferralGuide:
    def __init__(self, lang: str):
        import ipywidgets as W

        self.lang = check_lang(lang)
        t = ui(lang)
        options = [(t["guide_choose"], CHOOSE)] + [(relation_label(r, lang, short=True), r) for r in relations()]
        self.relation = W.Dropdown(
            options=options,
            value=CHOOSE,
            description=t["guide_relation"],
            style={"description_width": "initial"},
            layout=W.Layout(width="auto"),
        )
        self.relation.add_class("course-guide-relation")
        self.danger = W.Checkbox(
            value=False, description=t["guide_danger"], indent=False, layout=W.Layout(width="auto")
        )
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

    def update(self) -> None:
        self.answer.value = answer_html(self.lang, self.relation.value, self.danger.value)


@friendly_errors
def show_referral_guide(lang: str) -> ReferralGuide:
    guide = ReferralGuide(lang)
    show(guide.widget)
    return guide


# ---------------------------------------------------------------- registry hooks


def validate() -> int:
    """The referral rules (data/referral.yaml); how many relations they know."""
    return validate_rules()


def deck_table_html(lang: str) -> str:
    """The referral guide as a table: every relation the engine knows, and the rule for danger to life."""
    rows = [(relation_label(r, lang), advise(r)) for r in relations()]
    return render(
        "guide/deck_table.html.j2", rows=rows, danger=advise(relations()[0], True), t=ui(lang, "slides"), lang=lang
    )


def static(call, lang: str, preview: bool = False) -> Static:
    """A deck shows the referral table instead of the guide (the live slide and its preview alike)."""
    return Static(deck_table_html(lang))


def answer_key(call, page, lang: str):
    return None  # the guide asks nothing
