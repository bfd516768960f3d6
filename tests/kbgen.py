"""Entries made from the schema, for the hostile and property-based tests.

Everything here walks kb/schema.py, so a field added to the schema is
covered by those tests without editing them.
"""
from __future__ import annotations

from dataclasses import dataclass

import yaml

from kb.schema import Field, Kind, Schema

# Field types whose value is free text that ends up on a page.
TEXT_TYPES = ("str", "text")


@dataclass(frozen=True)
class Slot:
    """One place in an entry that holds free text (or a URL)."""

    kind: str
    path: tuple  # field names and list indexes, e.g. ("roles", 0, "title")
    type: str  # "str", "text" or "url"

    @property
    def name(self) -> str:
        return ".".join(str(p) for p in self.path)


def slots(schema: Schema, types=TEXT_TYPES) -> list[Slot]:
    """Every text-like place of every kind, nested objects and list items included."""
    found = []
    for kind in schema.kinds.values():
        for field in kind.fields:
            found.extend(Slot(kind.name, path, ftype) for path, ftype in _walk(field, (field.name,)) if ftype in types)
    return found


def _walk(field: Field, path: tuple):
    if field.type == "list":
        yield from _walk(field.items, path + (0,))
    elif field.type == "object":
        for sub in field.fields:
            yield from _walk(sub, path + (sub.name,))
    elif field.type == "cite":
        yield path + ("locator",), "str"  # {source: id, locator: ...}
    else:
        yield path, field.type


@dataclass(frozen=True)
class Targets:
    """Ids that references in a generated entry may point to."""

    ids: dict  # kind name -> list of ids
    own_id: str = ""

    def pick(self, kind: str) -> str:
        return next(i for i in self.ids[kind] if i != self.own_id)


def minimal_value(field: Field, targets: Targets):
    """A valid value for a field: required parts only."""
    simple = {"str": "Plain text", "text": "Plain text.", "slug": "plain-slug", "date": "2020-01-02",
              "url": "https://example.org/", "bool": False}
    if field.type in simple:
        return simple[field.type]
    if field.type == "enum":
        return field.values[0]
    if field.type == "ref":
        return targets.pick(field.to)
    if field.type == "cite":
        return targets.pick("source")
    if field.type == "list":
        return [minimal_value(field.items, targets)]
    return {sub.name: minimal_value(sub, targets) for sub in field.fields if sub.required}


def minimal_entry(kind: Kind, entry_id: str, targets: Targets) -> dict:
    targets = Targets(targets.ids, entry_id)
    data = {"id": entry_id}
    for field in kind.fields[1:]:
        if field.required:
            data[field.name] = minimal_value(field, targets)
    return data


def set_slot(data: dict, kind: Kind, slot: Slot, value, targets: Targets) -> None:
    """Puts a value at a slot, creating the containers on the way with valid contents."""
    targets = Targets(targets.ids, data["id"])
    field, container, key = kind.field(slot.path[0]), data, slot.path[0]
    for step in slot.path[1:]:
        if isinstance(container, dict) and container.get(key) in (None, "", []):
            container[key] = minimal_value(field, targets)
        if field.type == "cite":  # the next step is the locator of a citation
            if not isinstance(container[key], dict):
                container[key] = {"source": container[key]}
        else:
            field = field.items if field.type == "list" else field.subfield(step)
        container, key = container[key], step
    container[key] = value


def dump(data: dict) -> str:
    """YAML text of an entry, one scalar per line where it fits."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6, default_flow_style=False)


def line_of(text: str, path: tuple) -> int:
    """The line a validator should report for the value at path, read with PyYAML itself."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    line = node.start_mark.line + 1
    for step in path:
        if isinstance(step, int):
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            key, node = next((k, v) for k, v in node.value if k.value == step)
            line = key.start_mark.line + 1
    return line
