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
from .i18n import TRANSLATED
from .translations import translatable
from .schema import Field, Schema
from .site import Site

LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
# Columns every per-kind CSV has after the schema's fields.
EXTRA_COLUMNS = ("page", "created", "updated")
RELATIONSHIP_COLUMNS = ("from_kind", "from_id", "relation", "to_kind", "to_id", "role", "locator")


@dataclass(frozen=True)
class Version:
    """Which version of the data a file holds: every data file carries it."""

    # The day of the last change to any entry, not the clock's: two builds of
    # the same commit give the same bytes.
    date: str  # YYYY-MM-DD
    updated: str  # the last change, to the second (UTC)
    commit: str | None  # the git commit built; None outside git


def data_version(history: dict[str, Dates], graph: Graph, commit: str | None) -> Version:
    updated = dataset_updated(history, graph)
    return Version(updated[:10], updated, commit)


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


def translated_columns(kind) -> list[tuple[str, str, Field]]:
    """(column, language, field) for each top-level translated field of a kind in each language."""
    return [(f"{spec.name}_{language}", language, spec) for spec in kind.fields if translatable(spec)
            for language in TRANSLATED]


def translations_of(graph: Graph, entry: Entry) -> dict:
    """{language: its state and translated fields} for the entry's translations."""
    found = {}
    for language, translation in sorted(graph.translations.get(entry.path, {}).items()):
        fields = [spec for spec in entry.kind.fields if translatable(spec)]
        state = {"status": translation.status, "fields": mapping_value(fields, translation.data)}
        if translation.reviewer:
            state["reviewer"] = translation.reviewer
        found[language] = state
    return found


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
                relations: list[Relationship], version: Version) -> dict:
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
                "translations": translations_of(graph, entry),
                "references": [_reference(graph, rel) for rel in outgoing.get(key, [])],
                "backlinks": [_backlink(rel) for rel in backlinks.get(key, [])],
            })
    return {
        "title": site.name,
        "license": LICENSE,
        "updated": version.updated,
        "version": version.date,
        "commit": version.commit,
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
    columns = translated_columns(kind)
    for entry in graph.all(kind_name):
        values = fields_of(entry)
        translated = translations_of(graph, entry)
        created, updated = history[entry.path]
        rows.append([cell(values.get(name)) for name in kind.field_names]
                    + [site.absolute(site.page(entry)), iso(created), iso(updated)]
                    + [cell(translated.get(language, {}).get("fields", {}).get(spec.name)) for _c, language, spec in columns])
    return to_csv([*kind.field_names, *EXTRA_COLUMNS, *(column for column, _l, _s in columns)], rows)


def entries_csv(graph: Graph, schema: Schema, history: dict[str, Dates], site: Site) -> str:
    """The index of every entry, which relationships.csv's foreign keys point at."""
    rows = []
    for kind in schema.kinds.values():
        for entry in graph.all(kind.name):
            created, updated = history[entry.path]
            rows.append([kind.name, entry.id, entry.title, site.absolute(site.page(entry)), iso(created), iso(updated)])
    return to_csv(("kind", "id", "title", *EXTRA_COLUMNS), rows)


def relationships_csv(relations: list[Relationship]) -> str:
    return to_csv(RELATIONSHIP_COLUMNS, [rel.row() for rel in relations])
