"""The referral engine: where a professional refers a stalking situation.

The rules and the relations come from data/referral.yaml, exactly as ../shared/FACTS.md states them:
life-threatening -> 112 first, whatever the relationship; ex-partner or (family) dependency stalking ->
Veilig Thuis; all other stalking -> police. Lessons, exercises and tests all ask this one function.

The file's structure is content/schemas/referral.schema.json; this module adds the rule that spans files:
every service's contact is a fact in data/facts.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass

from .facts import fact, facts, fill_both
from .loader import LANGS, ContentError, cached, display_name, load_yaml

NAME = "referral.yaml"
SERVICES = ("112", "veilig-thuis", "police")


@dataclass(frozen=True)
class Advice:
    service: str  # "112", "veilig-thuis" or "police"
    then: str | None  # after 112: the service that follows; otherwise None
    explanation: dict  # {"nl": ..., "en": ...}
    relation: str
    life_threatening: bool

    def service_name(self, lang: str, service: str | None = None) -> str:
        return _rules()["services"][service or self.service]["name"][lang]

    def contact(self, service: str | None = None) -> str:
        """The phone number of the service, from data/facts.yaml."""
        return fact(_rules()["services"][service or self.service]["contact"]).value["nl"]


@cached(NAME, "facts.yaml")
def _rules() -> dict:
    """data/referral.yaml checked, with the fact placeholders of names and explanations filled in."""
    data = load_yaml(NAME, schema="referral")
    shown = display_name(NAME)
    services = {}
    for name, service in data["services"].items():
        if service["contact"] not in facts():
            raise ContentError(
                shown, f"services.{name}.contact", f"unknown fact {service['contact']!r} (see data/facts.yaml)"
            )
        services[name] = {
            "name": fill_both(service["name"], shown, f"services.{name}.name"),
            "contact": service["contact"],
        }
    explanations = {
        name: fill_both(rule["explanation"], shown, f"rules.{name}.explanation") for name, rule in data["rules"].items()
    }
    return {
        "source": data["source"],
        "services": services,
        "relations": data["relations"],
        "rules": data["rules"],
        "explanations": explanations,
    }


def validate() -> int:
    """Load and check data/referral.yaml; how many relations it knows."""
    return len(relations())


def source() -> str:
    """Where the referral rules come from."""
    return _rules()["source"]


def relations() -> list:
    """Every relation advise() accepts, in the order of the data file."""
    return list(_rules()["relations"])


def relation_label(relation: str, lang: str, short: bool = False) -> str:
    """What the reader sees for a relation; `short` for a closed dropdown (falls back to the full label)."""
    rel = _rules()["relations"][relation]
    return rel["short" if short and "short" in rel else "label"][lang]


def advise(relation: str, life_threatening: bool = False) -> Advice:
    """Where to refer: 112 first when life is in danger, then Veilig Thuis or the police."""
    data = _rules()
    if relation not in data["relations"]:
        raise ValueError(f"unknown relation {relation!r}; accepted: {', '.join(data['relations'])}")
    group = data["relations"][relation]["group"]
    usual = data["rules"][group]["service"]
    if life_threatening:
        danger = data["explanations"]["life-threatening"]
        follow = data["explanations"][group]
        explanation = {lang: f"{danger[lang]} {follow[lang]}" for lang in LANGS}
        return Advice(data["rules"]["life-threatening"]["service"], usual, explanation, relation, True)
    return Advice(usual, None, dict(data["explanations"][group]), relation, False)
