"""The referral engine: where a professional refers a stalking situation.

The rules and the relations come from data/referral.yaml, exactly as ../shared/FACTS.md states them:
life-threatening -> 112 first, whatever the relationship; ex-partner or (family) dependency stalking ->
Veilig Thuis; all other stalking -> police. Lessons, exercises and tests all ask this one function.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from . import LANGS, ContentError, data_dir, fact, fill, load_yaml
from .loader import bilingual, require

FILE = "data/referral.yaml"
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


@functools.lru_cache(maxsize=None)
def _rules_cached(key) -> dict:
    data = load_yaml("referral.yaml")
    services = require(data, "services", FILE, "", dict)
    if set(services) != set(SERVICES):
        raise ContentError(FILE, "services", f"must be exactly {', '.join(SERVICES)}")
    for name, service in services.items():
        names = bilingual(service, "name", FILE, f"services.{name}")
        service["name"] = {lang: fill(names[lang], lang, FILE, f"services.{name}.name.{lang}") for lang in LANGS}
        fact(require(service, "contact", FILE, f"services.{name}", str))
    relations = require(data, "relations", FILE, "", dict)
    for name, rel in relations.items():
        if require(rel, "group", FILE, f"relations.{name}", str) not in ("dependency", "other"):
            raise ContentError(FILE, f"relations.{name}.group", "must be dependency or other")
        bilingual(rel, "label", FILE, f"relations.{name}")
        if "short" in rel:  # a shorter label for the guide's dropdown, which cannot wrap on a phone
            bilingual(rel, "short", FILE, f"relations.{name}")
    rules = require(data, "rules", FILE, "", dict)
    explanations = {}
    for name in ("life-threatening", "dependency", "other"):
        rule = require(rules, name, FILE, "rules", dict)
        if require(rule, "service", FILE, f"rules.{name}", str) not in SERVICES:
            raise ContentError(FILE, f"rules.{name}.service", f"must be one of {', '.join(SERVICES)}")
        text = bilingual(rule, "explanation", FILE, f"rules.{name}")
        explanations[name] = {lang: fill(text[lang], lang, FILE, f"rules.{name}.explanation.{lang}") for lang in LANGS}
    source = require(data, "source", FILE, "", str)
    return {"source": source, "services": services, "relations": relations, "rules": rules, "explanations": explanations}


def _rules() -> dict:
    path = data_dir() / "referral.yaml"
    try:
        key = path.stat().st_mtime
    except FileNotFoundError:
        raise ContentError(FILE, "file", "does not exist") from None
    return _rules_cached(key)


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
