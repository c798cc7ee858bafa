"""The answer keys page is made of the elements' answer_key hooks (read through the registry): sections by
group, then by page, each once, and the contents list from their anchors and titles. Fast: no notebook runs."""

from __future__ import annotations

from stalking_course.content import LANGS
from stalking_course.content.course import course
from stalking_course.elements import registry
from stalking_course.elements.registry import KeySection
from stalking_course.trainer import keys


def test_sections_come_by_group_then_page_each_once_and_are_in_the_contents():
    for lang in LANGS:
        sections = keys.key_sections(lang)
        assert sections, lang
        groups = [s.group for s in sections]
        assert groups == sorted(groups), f"{lang}: sections by group"
        anchors = [s.anchor for s in sections]
        assert len(anchors) == len(set(anchors)), f"{lang}: a section is listed once"
        html = keys.answer_keys_html(lang)
        nav = html.split("<nav", 1)[1].split("</nav>", 1)[0]
        for section in sections:
            assert f'href="#{section.anchor}"' in nav, (lang, section.anchor)
            assert f'id="{section.anchor}"' in html, (lang, section.anchor)
        banks = [a for a in anchors if a.startswith("bank-")]
        pages = [p.id for p in course().pages]
        asked = [b.removeprefix("bank-") for b in banks if b.removeprefix("bank-") in pages]
        assert asked == sorted(asked, key=pages.index), f"{lang}: banks in the order of the pages"


def test_the_order_is_the_group_first_and_a_shared_section_is_listed_once(monkeypatch):
    groups = {"quiz": 2, "chrome": 0}

    def hook(kind, name):
        if name != "answer_key":
            return None
        # every call of a kind gives the same section: the pages share it
        return lambda call, page, lang: KeySection(
            kind, kind.title(), f'<section id="{kind}"></section>', groups.get(kind, 1)
        )

    monkeypatch.setattr(registry, "hook", hook)
    anchors = [s.anchor for s in keys.key_sections("en")]
    assert anchors[0] == "chrome" and anchors[-1] == "quiz", anchors
    assert len(anchors) == len(set(anchors))
