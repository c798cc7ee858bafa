"""Where to turn (data/resources.yaml): the organisations and sources of the resources page.

The file's structure is content/schemas/resources.schema.json. This module adds the rules that span files
or groups: `facts` are keys of data/facts.yaml, and an id is used once over all groups. Contact details are
never typed in the file: a resource names the facts that hold them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .facts import facts, fill_both
from .loader import LANGS, ContentError, cached, check_unique_ids, display_name, field_path, load_yaml
from .text import ui

NAME = "resources.yaml"


@dataclass(frozen=True)
class Resource:
    id: str
    name: dict  # {nl, en}, facts filled in
    purpose: dict  # {nl, en}: what it is for (the file's `for`)
    facts: tuple  # keys of data/facts.yaml: its contact details, shown with their sources
    links: tuple  # ({url, text}, ...)
    source: str  # where the course knows it from ("" for the course's own promises)


@cached(NAME, "facts.yaml")
def resources() -> dict:
    """Group id -> its resources, checked, in the order of the data file."""
    data = load_yaml(NAME, schema="resources")
    shown = display_name(NAME)
    known = facts()
    check_unique_ids([r for group in data["groups"].values() for r in group], shown, "groups")
    groups = {}
    for group, entries in data["groups"].items():
        items = []
        for i, entry in enumerate(entries):
            where = field_path(["groups", group, i], data)
            for key in entry.get("facts") or ():
                if key not in known:
                    raise ContentError(shown, f"{where}.facts", f"unknown fact {key!r} (see data/facts.yaml)")
            items.append(
                Resource(
                    entry["id"],
                    fill_both(entry["name"], shown, f"{where}.name"),
                    fill_both(entry["for"], shown, f"{where}.for"),
                    tuple(entry.get("facts") or ()),
                    tuple(entry.get("links") or ()),
                    entry.get("source") or "",
                )
            )
        groups[group] = tuple(items)
    return groups


def group(group_id: str) -> tuple:
    """The resources of one group ("help", "information")."""
    found = resources()
    if group_id not in found:
        raise ContentError(display_name(NAME), f"groups.{group_id}", f"missing (known groups: {', '.join(found)})")
    return found[group_id]


def validate() -> int:
    """Load and check data/resources.yaml and its interface text; how many resources."""
    for lang in LANGS:
        ui(lang, "resources")
    return sum(len(items) for items in resources().values())
