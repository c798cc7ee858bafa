"""The referral guide on the start page (guide.py), driven as a trainee would, and phone numbers as tel: links
everywhere the course shows them (content.link_phones, fill_html, show_html)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from stalking_course.content import LANGS, fact, ui
from stalking_course.content.referral import advise, relation_label, relations
from stalking_course.elements.guide import ReferralGuide, show_referral_guide
from stalking_course.render.phones import fill_html, link_phones, phone_link, tel_href


def text(html: str) -> str:
    """What a reader sees: inline tags vanish, block tags separate."""
    inline = re.sub(r"</?(a|strong|em|span|b)\b[^>]*>", "", html)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline))).strip()


def tel_links(html: str) -> list:
    return re.findall(r'<a class="course-tel" href="(tel:[^"]+)">([^<]+)</a>', html)


@pytest.fixture(params=LANGS)
def lang(request):
    return request.param


@pytest.fixture
def guide(lang):
    return ReferralGuide(lang)


EMERGENCY = fact("emergency_number").value["nl"]


# ---- the dropdown


def test_the_dropdown_starts_on_a_choose_placeholder(guide, lang):
    assert guide.relation.label == {"nl": "Kies…", "en": "Choose…"}[lang] == ui(lang)["guide_choose"]
    assert guide.relation.index == 0
    assert [label for label, _ in guide.relation.options[1:]] == [
        relation_label(r, lang, short=True) for r in relations()
    ]
    assert all(len(label) <= 40 for label, _ in guide.relation.options), "a closed dropdown cannot wrap on a phone"
    assert guide.relation.description == ui(lang)["guide_relation"], "the dropdown is labelled"
    assert ui(lang)["guide_prompt"] in text(guide.answer.value)


def test_the_dropdown_takes_the_full_width(guide):
    # no fixed width: course.css stretches it to the box (100% plus ipywidgets' margin ran 4 px off a phone)
    assert guide.relation.layout.width == "auto"
    assert "course-guide-relation" in guide.relation._dom_classes


# ---- life-threatening first, whoever the stalker is


def test_only_life_threatening_ticked_shows_112_at_once(guide, lang):
    guide.danger.value = True
    shown = text(guide.answer.value)
    assert ui(lang)["guide_prompt"] not in shown, "it does not ask for the stalker first"
    assert f"{ui(lang)['guide_first']} {advise(relations()[0], True).service_name(lang)}" in shown
    assert ("tel:" + EMERGENCY, EMERGENCY) in tel_links(guide.answer.value)
    assert ui(lang)["guide_then_choose"] in shown
    assert "⚠" in shown and "course-guide-danger" in guide.answer.value


@pytest.mark.parametrize("relation", relations())
def test_after_choosing_a_relation_112_comes_first_then_the_engines_referral(relation):
    guide = ReferralGuide("nl")
    guide.choose(relation, life_threatening=True)
    a = advise(relation, True)
    items = re.findall(r"<li>(.*?)</li>", guide.answer.value)
    assert len(items) == 2
    assert text(items[0]) == f"Eerst: {a.service_name('nl')}"
    assert text(items[1]).startswith(f"Daarna: {a.service_name('nl', a.then)}")
    assert a.explanation["nl"] in text(guide.answer.value)


@pytest.mark.parametrize("relation", relations())
def test_without_danger_the_guide_shows_the_engines_referral(relation):
    guide = ReferralGuide("en")
    guide.choose(relation)
    a = advise(relation, False)
    items = re.findall(r"<li>(.*?)</li>", guide.answer.value)
    assert len(items) == 1 and text(items[0]).startswith(a.service_name("en"))
    assert (tel_href(a.contact()), a.contact()) in tel_links(items[0])


def test_unticking_danger_and_going_back_to_the_placeholder_asks_again(guide, lang):
    guide.choose("colleague", life_threatening=True)
    guide.choose(None, life_threatening=False)
    assert text(guide.answer.value) == ui(lang)["guide_prompt"]


def test_112_is_not_followed_by_its_number_a_second_time(guide, lang):
    guide.choose("stranger", life_threatening=True)
    first = text(re.findall(r"<li>(.*?)</li>", guide.answer.value)[0])
    assert first.count(EMERGENCY) == 1, first
    assert f"({EMERGENCY})" not in first


def test_show_referral_guide_returns_the_guide(lang):
    g = show_referral_guide(lang)
    assert isinstance(g, ReferralGuide)


# ---- phone numbers as tel: links


def test_a_phone_number_links_to_its_digits_and_shows_as_the_data_gives_it():
    vt = fact("veilig_thuis_phone").value["nl"]
    assert phone_link(vt) == f'<a class="course-tel" href="{tel_href(vt)}">{vt}</a>'
    assert tel_href(vt) == "tel:" + re.sub(r"\D", "", vt)
    assert tel_href(EMERGENCY) == f"tel:{EMERGENCY}"


def test_fill_html_escapes_the_text_and_links_every_phone_fact(lang):
    html = fill_html("<b>x</b> & {{veilig_thuis_phone}}, {{police_phone}} or {{emergency_number}}.", lang)
    assert html.startswith("&lt;b&gt;x&lt;/b&gt; &amp; ")
    assert [n for _, n in tel_links(html)] == [
        fact(k).value[lang] for k in ("veilig_thuis_phone", "police_phone", "emergency_number")
    ]


def test_link_phones_leaves_other_numbers_attributes_and_existing_links_alone():
    vt = fact("veilig_thuis_phone").value["nl"]
    html = (
        f'<p title="{EMERGENCY}">In 2017: 2.840 zaken, {EMERGENCY}% and 1{EMERGENCY}; '
        f'<a href="https://x">{EMERGENCY}</a> <svg><text>{EMERGENCY}</text></svg> &#{EMERGENCY}; {vt}1</p>'
    )
    assert link_phones(html) == html


def test_the_link_renders_in_markdown_too():
    """Markdown cells: the same text (inline HTML) becomes a working link, and escaped text stays text."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    md = fill_html("Bel **Veilig Thuis**: {{veilig_thuis_phone}} <script>", "nl")
    html = markdown2html_mistune(md)
    vt = fact("veilig_thuis_phone").value["nl"]
    assert f'href="{tel_href(vt)}"' in html and f">{vt}</a>" in html
    assert "<strong>Veilig Thuis</strong>" in html and "<script>" not in html


def test_every_html_output_gets_tel_links(monkeypatch):
    """show_html (fact cards, the content notice, the resources page) makes the numbers tappable."""
    from stalking_course.elements import base as pagekit

    shown = []
    monkeypatch.setattr(pagekit, "show", lambda obj: shown.append(obj.data))
    from stalking_course.elements.facts import show_facts

    show_facts("veilig_thuis_phone", "emergency_number", lang="nl")
    links = tel_links(shown[-1])
    assert (tel_href(fact("veilig_thuis_phone").value["nl"]), fact("veilig_thuis_phone").value["nl"]) in links
    assert ("tel:" + EMERGENCY, EMERGENCY) in links


@pytest.mark.parametrize("relation", relations())
def test_the_answer_repeats_the_whole_choice_in_words(relation):
    """A closed dropdown cannot wrap: on a phone a long label is readable in the answer."""
    guide = ReferralGuide("nl")
    guide.choose(relation)
    assert text(guide.answer.value).startswith(ui("nl")["guide_chosen"].format(relation=relation_label(relation, "nl")))


def test_text_from_the_data_is_escaped_in_the_answer(data_copy):
    from helpers import edit_yaml

    def hostile(d):
        d["relations"]["colleague"]["label"]["nl"] = "<img src=x onerror=alert(1)> collega"

    edit_yaml(data_copy / "referral.yaml", hostile)
    guide = ReferralGuide("nl")
    guide.choose("colleague")
    assert "<img" not in guide.answer.value and "&lt;img src=x onerror=alert(1)&gt; collega" in guide.answer.value


# ---- the trainer's decks: the referral table instead of the guide


def test_a_deck_shows_the_referral_table_instead_of_the_guide(lang):
    from stalking_course.elements.registry import Call, hook

    call = Call("guide", "show_referral_guide", (lang,))
    for preview in (False, True):
        static = hook("guide", "static")(call, lang, preview=preview)
        assert static.slides == [] and static.inline.startswith('<table class="deck-guide">')
        rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", static.inline)
        assert [unescape(label) for label, _ in rows] == [relation_label(r, lang) for r in relations()]
        for (_label, cell), relation in zip(rows, relations()):
            assert text(cell) == f"{advise(relation).service_name(lang)} ({advise(relation).contact()})"
        assert advise(relations()[0], True).explanation[lang] in unescape(static.inline)
    assert hook("guide", "answer_key")(call, None, lang) is None
    assert hook("guide", "validate")() == len(relations())
