"""The content notice (start page, trainer's index) routes a trainee's own stalking exactly as the referral
engine does: 112 first, then Veilig Thuis for the (family) dependency relations, the police for all others."""

import pytest

from stalking_course.content import load_yaml
from stalking_course.content.referral import advise, relations

# How the notice names each relation in running text. The ROUTING is not written here: it comes from the
# engine. A relation added to data/referral.yaml without a word here fails the first test.
WORDS = {
    "nl": {
        "partner": "partner",
        "ex-partner": "ex-partner",
        "suspected-ex-partner": "vermoed",
        "family": "familielid",
        "household": "huisgenoot, huisvriend",
        "carer": "verzorger",
        "colleague": "collega",
        "manager": "leidinggevende",
        "neighbour": "buur",
        "acquaintance": "kennis",
        "stranger": "onbekende",
        "unknown": "onbekend account",
    },
    "en": {
        "partner": "partner",
        "ex-partner": "ex-partner",
        "suspected-ex-partner": "suspect",
        "family": "family member",
        "household": "household member, friend of the household",
        "carer": "carer",
        "colleague": "colleague",
        "manager": "manager",
        "neighbour": "neighbour",
        "acquaintance": "acquaintance",
        "stranger": "stranger",
        "unknown": "unknown account",
    },
}
PHONE = {"112": "{{emergency_number}}", "veilig-thuis": "{{veilig_thuis_phone}}", "police": "{{police_phone}}"}


def notice(lang):
    return load_yaml("ui.yaml")[lang]["notice_text"]


def paragraph_of(service, lang):
    found = [i for i, p in enumerate(notice(lang)) if PHONE[service] in p]
    assert len(found) == 1, f"{lang}: the notice gives the number of {service} in exactly one paragraph"
    return found[0]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_relation_of_the_engine_has_a_word_in_the_notice(lang):
    assert set(WORDS[lang]) == set(relations())


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_notice_sends_each_relation_where_the_engine_does(lang):
    paragraphs = notice(lang)
    for relation in relations():
        service = advise(relation).service
        here = paragraphs[paragraph_of(service, lang)]
        other = paragraphs[paragraph_of("police" if service == "veilig-thuis" else "veilig-thuis", lang)]
        for word in WORDS[lang][relation].split(", "):
            assert word in here, f"{lang}: {relation} ({word!r}) should be with {service}"
            if word not in ("partner",):  # 'partner' is part of 'ex-partner': checked by the word above
                assert word not in other, f"{lang}: {relation} ({word!r}) also named with the other service"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_notice_says_112_first_whoever_the_stalker_is(lang):
    assert all(advise(r, True).service == "112" for r in relations())
    first = paragraph_of("112", lang)
    assert first < paragraph_of("veilig-thuis", lang) and first < paragraph_of("police", lang)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_notice_says_an_aangifte_is_always_possible(lang):
    assert "aangifte" in notice(lang)[paragraph_of("police", lang)].lower()


def test_the_notice_no_longer_sends_all_stalking_to_veilig_thuis(data_copy):
    """The old notice ('Bel Veilig Thuis' for any stalking, the police only as a non-emergency number) fails."""
    import yaml

    path = data_copy / "ui.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["nl"]["notice_text"] = [
        "Heb je zelf te maken met stalking? Bel Veilig Thuis via {{veilig_thuis_phone}}. Bij direct gevaar: bel "
        "{{emergency_number}}. De politie is zonder spoed bereikbaar via {{police_phone}}."
    ]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(AssertionError):
        test_the_notice_sends_each_relation_where_the_engine_does("nl")
