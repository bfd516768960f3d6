"""Open data: the linked graph as JSON and CSV files, for download with the site.

Every file is built from the same Graph the pages come from, so the data
and the pages cannot disagree. Relationships are found by walking each
entry against the schema (ref and cite fields, inline [@source] citations),
which keeps them complete when a field is added to the schema.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass

from .dates import parse_date
from .history import Dates
from .entries import Entry
from .graph import Graph, Reference
from .schema import Field, Schema
from .site import Site

LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
# Columns every per-kind CSV has after the schema's fields.
EXTRA_COLUMNS = ("page", "created", "updated")
RELATIONSHIP_COLUMNS = ("from_kind", "from_id", "relation", "to_kind", "to_id", "role", "locator")


@dataclass(frozen=True)
class Relationship:
    source: Entry
    relation: str  # the field holding the reference, without list positions: actors.actor
    to_kind: str
    to_id: str
    role: str = ""
    locator: str = ""

    def row(self) -> tuple[str, ...]:
        return (self.source.kind.name, self.source.id, self.relation, self.to_kind, self.to_id,
                self.role, self.locator)


def iso(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


# -- values ------------------------------------------------------------------

def field_value(field: Field, value):
    """An entry's value as plain JSON data; dates always as YYYY[-MM[-DD]] text."""
    if value is None or value == "":
        return None
    if field.type == "date":
        return parse_date(value).iso()
    if field.type == "list" and isinstance(value, list):
        return [field_value(field.items, item) for item in value]
    if field.type == "object" and isinstance(value, dict):
        return mapping_value(field.fields, value)
    if field.type == "cite" and isinstance(value, dict):
        return {k: v for k, v in value.items() if v is not None}
    return value


def mapping_value(fields, data: dict) -> dict:
    values = {f.name: field_value(f, data.get(f.name)) for f in fields}
    return {name: value for name, value in values.items() if value is not None}


def fields_of(entry: Entry) -> dict:
    return mapping_value(entry.kind.fields, entry.data)


# -- relationships -------------------------------------------------------------

def relationships_of(entry: Entry, references: list[Reference]) -> list[Relationship]:
    """Every reference the entry makes, in field order, without duplicates."""
    found = [Relationship(entry, ref.relation, ref.target_kind, ref.target, ref.role, ref.locator)
             for ref in references]
    return list({rel.row(): rel for rel in found}.values())


def all_relationships(graph: Graph, schema: Schema) -> list[Relationship]:
    return [rel for kind in schema.kinds.values() for entry in graph.all(kind.name)
            for rel in relationships_of(entry, graph.references[entry.path])]


# -- kb.json -------------------------------------------------------------------

def kb_document(graph: Graph, schema: Schema, history: dict[str, Dates], site: Site,
                relations: list[Relationship]) -> dict:
    """The whole knowledge base: each entry with its fields, references and backlinks."""
    backlinks: dict[tuple[str, str], list[Relationship]] = {}
    for rel in relations:
        backlinks.setdefault((rel.to_kind, rel.to_id), []).append(rel)
    outgoing: dict[tuple[str, str], list[Relationship]] = {}
    for rel in relations:
        outgoing.setdefault((rel.source.kind.name, rel.source.id), []).append(rel)
    entries = []
    for kind in schema.kinds.values():
        for entry in graph.all(kind.name):
            key = (kind.name, entry.id)
            created, updated = history[entry.path]
            entries.append({
                "kind": kind.name, "id": entry.id, "title": entry.title,
                "page": site.absolute(site.page(entry)), "file": entry.path,
                "created": iso(created), "updated": iso(updated),
                "fields": fields_of(entry),
                "references": [_reference(graph, rel) for rel in outgoing.get(key, [])],
                "backlinks": [_backlink(rel) for rel in backlinks.get(key, [])],
            })
    return {
        "title": site.name,
        "license": LICENSE,
        "updated": dataset_updated(history, graph),
        "counts": {kind.name: len(graph.all(kind.name)) for kind in schema.kinds.values()},
        "entries": entries,
    }


def _reference(graph: Graph, rel: Relationship) -> dict:
    target = graph.get(rel.to_kind, rel.to_id)
    item = {"relation": rel.relation, "kind": rel.to_kind, "id": rel.to_id, "title": target.title}
    return _with_detail(item, rel)


def _backlink(rel: Relationship) -> dict:
    item = {"relation": rel.relation, "kind": rel.source.kind.name, "id": rel.source.id,
            "title": rel.source.title}
    return _with_detail(item, rel)


def _with_detail(item: dict, rel: Relationship) -> dict:
    if rel.role:
        item["role"] = rel.role
    if rel.locator:
        item["locator"] = rel.locator
    return item


def dataset_updated(history: dict[str, Dates], graph: Graph) -> str:
    """The last change of any entry; the files change only when the data does."""
    changes = [history[e.path][1] for e in graph.entries.values()]
    return iso(max(changes)) if changes else iso(dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc))


def to_json(document, compact: bool = False) -> str:
    if compact:  # without indent, json uses its C encoder: several times faster on large exports
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# -- CSV -------------------------------------------------------------------------

def cell(value) -> str:
    """One CSV cell: text as is, booleans as true/false, lists and mappings as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# A spreadsheet reads a cell starting with one of these as a formula
# (=HYPERLINK(...) sends the sheet's data elsewhere); OWASP's advice is a
# leading apostrophe, which spreadsheets show as text and hide.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(header, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180: comma, double quotes, CRLF
    writer.writerow(header)
    writer.writerows([inert(value) for value in row] for row in rows)
    return buffer.getvalue()


def kind_csv(kind_name: str, graph: Graph, schema: Schema, history: dict[str, Dates], site: Site) -> str:
    kind = schema.kinds[kind_name]
    rows = []
    for entry in graph.all(kind_name):
        values = fields_of(entry)
        created, updated = history[entry.path]
        rows.append([cell(values.get(name)) for name in kind.field_names]
                    + [site.absolute(site.page(entry)), iso(created), iso(updated)])
    return to_csv([*kind.field_names, *EXTRA_COLUMNS], rows)


def relationships_csv(relations: list[Relationship]) -> str:
    return to_csv(RELATIONSHIP_COLUMNS, [rel.row() for rel in relations])
