"""The referral engine against the rules of ../shared/FACTS.md, on every relation, with and without danger."""
import pytest

from stalking_course.content.referral import advise, relations

DEPENDENCY = ["partner", "ex-partner", "suspected-ex-partner", "family", "household", "carer"]
OTHER = ["colleague", "manager", "neighbour", "acquaintance", "stranger", "unknown"]

# (relation, life-threatening) -> (service, then): written out from FACTS.md, not computed.
TABLE = {**{(r, False): ("veilig-thuis", None) for r in DEPENDENCY},
         **{(r, True): ("112", "veilig-thuis") for r in DEPENDENCY},
         **{(r, False): ("police", None) for r in OTHER},
         **{(r, True): ("112", "police") for r in OTHER}}


def test_the_engine_knows_exactly_the_relations_of_the_issue():
    assert sorted(relations()) == sorted(DEPENDENCY + OTHER)


@pytest.mark.parametrize("relation,danger", sorted(TABLE), ids=lambda v: str(v))
def test_every_situation(relation, danger):
    advice = advise(relation, life_threatening=danger)
    assert (advice.service, advice.then) == TABLE[(relation, danger)]
    for lang in ("nl", "en"):
        assert advice.explanation[lang].strip()


def test_danger_explains_that_112_comes_first_whatever_the_relationship():
    advice = advise("colleague", life_threatening=True)
    assert "112" in advice.explanation["nl"] and "112" in advice.explanation["en"]
    assert advice.contact() == "112" and advice.contact(advice.then) == "0900-8844"


def test_veilig_thuis_is_reached_on_its_national_number():
    assert advise("ex-partner").contact() == "0800-2000"


@pytest.mark.parametrize("bad", ["boss", "", "Ex-Partner", None, "ex partner"])
def test_an_unknown_relation_names_the_accepted_values(bad):
    with pytest.raises(ValueError) as err:
        advise(bad)
    for name in DEPENDENCY + OTHER:
        assert name in str(err.value)


def test_a_suspected_ex_partner_is_enough_for_veilig_thuis_and_the_unknown_account_says_so():
    """Seed: 'Heeft u een vermoeden dat er sprake is van ex-partner stalking...' -> Veilig Thuis."""
    assert advise("suspected-ex-partner").service == "veilig-thuis"
    from stalking_course.content.referral import relation_label
    assert "(ex-)partner" in relation_label("unknown", "nl") and "(ex-)partner" in relation_label("unknown", "en")


@pytest.mark.parametrize("relation", DEPENDENCY + OTHER)
def test_every_explanation_says_an_aangifte_is_possible_too(relation):
    """Veilig Thuis or the police is the referral; an aangifte with the police is never excluded."""
    for lang in ("nl", "en"):
        assert "aangifte" in advise(relation).explanation[lang].lower()
