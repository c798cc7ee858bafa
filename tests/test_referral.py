"""The referral engine against the rules of ../shared/FACTS.md, on every relation, with and without danger."""

import pytest

from stalking_course.content.referral import advise, relations

DEPENDENCY = ["partner", "ex-partner", "suspected-ex-partner", "family", "household", "carer"]
OTHER = ["colleague", "manager", "neighbour", "acquaintance", "stranger", "unknown"]

# (relation, life-threatening) -> (service, then): written out from FACTS.md, not computed.
TABLE = {
    **{(r, False): ("veilig-thuis", None) for r in DEPENDENCY},
    **{(r, True): ("112", "veilig-thuis") for r in DEPENDENCY},
    **{(r, False): ("police", None) for r in OTHER},
    **{(r, True): ("112", "police") for r in OTHER},
}


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


# ---- broken data: the error names the file and the field (data/referral.yaml, data/resources.yaml)


def _broken(data_copy, name, change):
    from helpers import edit_yaml
    from stalking_course.content import ContentError

    edit_yaml(data_copy / name, change)
    with pytest.raises(ContentError) as err:
        if name == "referral.yaml":
            relations()
        else:
            from stalking_course.content.resources import resources

            resources()
    assert err.value.file.endswith(f"data/{name}")
    return err.value


@pytest.mark.parametrize(
    "change,field,problem",
    [
        (
            lambda d: d["relations"]["carer"].update(group="friends"),
            "relations.carer.group",
            "must be dependency or other",
        ),
        (lambda d: d["rules"]["other"]["explanation"].pop("en"), "rules.other.explanation.en", "missing"),
        (lambda d: d["services"]["police"].update(contact="no_such_fact"), "services.police.contact", "unknown fact"),
        (
            lambda d: d["services"]["police"]["name"].update(nl="{{no_such_fact}}"),
            "services.police.name.nl",
            "unknown fact",
        ),
        (lambda d: d["rules"]["dependency"].update(service="doctor"), "rules.dependency.service", "must be one of"),
        (lambda d: d.pop("source"), "source", "missing"),
    ],
)
def test_broken_referral_rules_are_named_with_file_and_field(data_copy, change, field, problem):
    error = _broken(data_copy, "referral.yaml", change)
    assert error.field == field and problem in error.problem


@pytest.mark.parametrize(
    "change,field,problem",
    [
        (
            lambda d: d["groups"]["help"][1].update(facts=["no_such_fact"]),
            "groups.help[2] (id veilig-thuis).facts",
            "unknown fact",
        ),
        (
            lambda d: d["groups"]["help"][1]["links"][0].update(url="http://x"),
            "groups.help[2] (id veilig-thuis).links[1].url",
            "must start with https://",
        ),
        (lambda d: d["groups"]["help"][0]["name"].pop("en"), "groups.help[1] (id emergency).name.en", "missing"),
        (lambda d: d["ui"]["nl"].pop("table_caption"), "ui.nl.table_caption", "missing"),
        (lambda d: d["groups"]["information"][0].update(id="police"), "groups (id police)", "used twice"),
    ],
)
def test_broken_resources_are_named_with_file_and_field(data_copy, change, field, problem):
    error = _broken(data_copy, "resources.yaml", change)
    assert error.field == field and problem in error.problem


def test_resource_text_is_escaped_on_the_page(data_copy):
    from helpers import edit_yaml
    from stalking_course.elements.resources import resources_html

    edit_yaml(
        data_copy / "resources.yaml",
        lambda d: d["groups"]["help"][0]["for"].update(en="Danger <script>alert(1)</script>"),
    )
    html = resources_html("help", "en")
    assert "<script>" not in html and "Danger &lt;script&gt;alert(1)&lt;/script&gt;" in html
