"""Describes the exported files: a Frictionless data package and a JSON Schema for kb.json.

Both are derived from schema/kb.schema.yaml, like the validator, so a field
added there appears in the CSV columns, their descriptions and the schema
of kb.json without further edits.
"""
from __future__ import annotations

from .export import LICENSE, Site, Version, translated_columns
from .i18n import LANGUAGE_NAMES, TRANSLATED
from .translations import STATUSES
from .editor_schemas import DRAFT, kind_schema
from .schema import Field, Kind, Schema

# Frictionless Table Schema types of the schema's field types. Dates may be
# partial (2014, 2014-05), which Table Schema's `date` does not allow.
TABLE_TYPES = {"bool": "boolean", "list": "array", "object": "object"}
EXTRA_FIELDS = (
    {"name": "page", "type": "string",
     "description": "The entry's page: an absolute URL when the site's address is configured, else relative to the site root."},
    {"name": "created", "type": "datetime", "description": "When the entry file was first committed (UTC)."},
    {"name": "updated", "type": "datetime", "description": "When the entry file was last changed (UTC)."},
)
# entries.csv: one row per entry of any kind. relationships.csv points at
# entries of every kind, which one Table Schema foreign key cannot express
# towards five files; towards this index, keyed on (kind, id), it can.
ENTRY_INDEX_FIELDS = (
    {"name": "kind", "type": "string", "description": "The entry's kind: source, actor, narrative, incident or debunk.",
     "constraints": {"required": True}},
    {"name": "id", "type": "string", "description": "The entry's id; its row in the kind's own CSV file has the same id.",
     "constraints": {"required": True, "unique": True}},
    {"name": "title", "type": "string", "description": "The entry's title (a source's title, an actor's name...)."},
    *EXTRA_FIELDS,
)
RELATIONSHIP_FIELDS = (
    {"name": "from_kind", "type": "string", "description": "Kind of the entry that makes the reference."},
    {"name": "from_id", "type": "string", "description": "Id of the entry that makes the reference."},
    {"name": "relation", "type": "string",
     "description": "The field that holds the reference, e.g. narratives, actors.actor, sources, or a text field such as summary for an inline citation."},
    {"name": "to_kind", "type": "string", "description": "Kind of the entry referred to."},
    {"name": "to_id", "type": "string", "description": "Id of the entry referred to."},
    {"name": "role", "type": "string", "description": "For an incident's actors: the actor's part (originator, amplifier, target, responder, subject)."},
    {"name": "locator", "type": "string", "description": "For a citation: where in the source (page, paragraph, timestamp)."},
)


def table_field(field: Field) -> dict:
    """One CSV column of a schema field, as a Table Schema field descriptor."""
    described = {"name": field.name, "type": TABLE_TYPES.get(field.type, "string"),
                 "description": column_doc(field)}
    constraints = {}
    if field.required:
        constraints["required"] = True
    if field.type == "enum":
        constraints["enum"] = list(field.values)
    if field.name == "id":
        constraints["unique"] = True
    if constraints:
        described["constraints"] = constraints
    if field.type == "url":
        described["format"] = "uri"
    return described


def translated_fields(kind: Kind) -> list[dict]:
    """The columns giving a kind's translated fields in each language: empty where not translated yet."""
    found = []
    for column, language, spec in translated_columns(kind):
        described = table_field(spec)
        described.pop("constraints", None)
        described.update(name=column, description=f"{LANGUAGE_NAMES[language]} translation: {column_doc(spec)}")
        found.append(described)
    return found


def column_doc(field: Field) -> str:
    doc = field.doc
    if field.type == "date":
        doc += " Written YYYY-MM-DD, YYYY-MM or YYYY."
    elif field.type == "ref":
        doc += f" The id of a {field.to}."
    elif field.type == "text":
        doc += " Markdown; [@source-id, locator] cites a source."
    elif field.type in ("list", "object"):
        doc += " JSON."
    return doc.strip()


def kind_resource(kind: Kind, kinds: dict[str, Kind]) -> dict:
    table = {"fields": [table_field(f) for f in kind.fields] + list(EXTRA_FIELDS) + translated_fields(kind),
             "primaryKey": "id"}
    foreign = [{"fields": f.name, "reference": {"resource": kinds[f.to].folder, "fields": "id"}}
               for f in kind.fields if f.type == "ref"]
    if foreign:
        table["foreignKeys"] = foreign
    return {"name": kind.folder, "path": f"{kind.folder}.csv", "title": kind.folder.capitalize(),
            "description": kind.doc, **_csv_format(), "schema": table}


def _csv_format() -> dict:
    return {"type": "table", "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8"}


def _json_resource(name: str, path: str, description: str) -> dict:
    # "type": "json" says what the file is: without it the frictionless
    # library reads a path ending in .schema.json as a Table Schema
    # (frictionless 5.21, resources/json.py: SchemaResource, datatype "schema").
    return {"name": name, "path": path, "type": "json", "description": description, "format": "json",
            "mediatype": "application/json", "encoding": "utf-8"}


def entry_index_resource() -> dict:
    return {"name": "entries", "path": "entries.csv", "title": "Entries",
            "description": "One row per entry of any kind: the index relationships.csv refers to.", **_csv_format(),
            "schema": {"fields": list(ENTRY_INDEX_FIELDS), "primaryKey": ["kind", "id"]}}


def relationships_resource() -> dict:
    ends = [{"fields": [f"{end}_kind", f"{end}_id"], "reference": {"resource": "entries", "fields": ["kind", "id"]}}
            for end in ("from", "to")]
    return {"name": "relationships", "path": "relationships.csv", "title": "Relationships",
            "description": "One row per reference from one entry to another.", **_csv_format(),
            "schema": {"fields": list(RELATIONSHIP_FIELDS), "foreignKeys": ends}}


def descriptor(schema: Schema, site: Site, version: Version) -> dict:
    """datapackage.json: the files, their columns, the licence, the version and how to cite."""
    resources = [kind_resource(kind, schema.kinds) for kind in schema.kinds.values()]
    resources += [entry_index_resource(), relationships_resource()]
    resources.append(_json_resource("kb", "kb.json", "Every entry with its fields, resolved references and backlinks; described by kb.schema.json."))
    resources.append(_json_resource("stix", "kb.stix.json", "The knowledge base as a STIX 2.1 bundle, for threat-intelligence platforms (OpenCTI, MISP)."))
    resources.append(_json_resource("kb-schema", "kb.schema.json", "JSON Schema of kb.json."))
    resources += [_json_resource(f"{kind.name}-schema", f"schemas/{kind.name}.schema.json",
                                 f"JSON Schema of a {kind.name} entry file (entries/{kind.folder}/<id>.yaml).")
                  for kind in schema.kinds.values()]
    package = {
        # Not tabular-data-package: that profile admits only tables, and the
        # package also lists kb.json, the STIX bundle and the JSON Schemas.
        "profile": "data-package",
        "name": "kz-disinfo-kb",
        "title": site.name,
        "description": "Russian propaganda and disinformation aimed at Kazakhstan: sources, actors, narratives, incidents and debunks, with their relationships.",
        "version": version.date,
        "created": version.updated,
        "licenses": [LICENSE],
        "resources": resources,
    }
    if version.commit:
        package["commit"] = version.commit
    if site.url:
        package["homepage"] = site.url
    return package


# -- JSON Schema of kb.json -------------------------------------------------------

def export_schema(schema: Schema) -> dict:
    """The JSON Schema that kb.json follows."""
    link = {"type": "object", "required": ["relation", "kind", "id", "title"], "additionalProperties": False,
            "properties": {"relation": {"type": "string"}, "kind": {"enum": list(schema.kinds)},
                           "id": {"type": "string"}, "title": {"type": "string"},
                           "role": {"type": "string"}, "locator": {"type": "string"}}}
    stamp = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"}
    return {
        "$schema": DRAFT,
        "title": "Knowledge base export (kb.json)",
        "type": "object",
        "required": ["title", "license", "updated", "version", "commit", "counts", "entries"],
        "additionalProperties": False,
        "definitions": {"link": link, "stamp": stamp,
                        **{kind.name: _entry_schema(kind) for kind in schema.kinds.values()}},
        "properties": {
            "title": {"type": "string"},
            "license": {"type": "object", "required": ["name", "path"]},
            "updated": {"$ref": "#/definitions/stamp"},
            "version": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
            "commit": {"type": ["string", "null"], "pattern": "^[0-9a-f]{40,64}$"},
            "counts": {"type": "object", "additionalProperties": False,
                       "properties": {name: {"type": "integer", "minimum": 0} for name in schema.kinds},
                       "required": list(schema.kinds)},
            "entries": {"type": "array", "items": {"oneOf": [{"$ref": f"#/definitions/{name}"} for name in schema.kinds]}},
        },
    }


def _entry_schema(kind: Kind) -> dict:
    fields = {key: value for key, value in kind_schema(kind).items() if key != "$schema"}
    return {
        "type": "object",
        "required": ["kind", "id", "title", "page", "file", "created", "updated", "fields", "translations",
                     "references", "backlinks"],
        "additionalProperties": False,
        "properties": {
            "kind": {"const": kind.name}, "id": {"type": "string"}, "title": {"type": "string"},
            "page": {"type": "string"}, "file": {"type": "string"},
            "created": {"$ref": "#/definitions/stamp"}, "updated": {"$ref": "#/definitions/stamp"},
            "fields": fields,
            "translations": {
                "type": "object", "additionalProperties": False,
                "properties": {language: {
                    "type": "object", "required": ["status", "fields"], "additionalProperties": False,
                    "properties": {"status": {"enum": list(STATUSES)}, "reviewer": {"type": "string"},
                                   "fields": {"type": "object"}}} for language in TRANSLATED}},
            "references": {"type": "array", "items": {"$ref": "#/definitions/link"}},
            "backlinks": {"type": "array", "items": {"$ref": "#/definitions/link"}},
        },
    }


# -- the generated columns page ------------------------------------------------------

def columns_view(schema: Schema) -> list[dict]:
    """Per CSV file, its columns with type and description, for the Data pages."""
    tables = [kind_resource(kind, schema.kinds) for kind in schema.kinds.values()]
    tables += [entry_index_resource(), relationships_resource()]
    return [{"file": table["path"], "columns": table["schema"]["fields"]} for table in tables]



def columns_page(schema: Schema, translations=None) -> str:
    """The Markdown page listing the columns of every CSV file, its words in
    the language of translations (gettext; English without)."""
    from .render import make_environment

    tables = [{"file": table["file"], "columns": [_column_row(c) for c in table["columns"]]}
              for table in columns_view(schema)]
    _ = (translations.gettext if translations else str)
    return make_environment(translations=translations).get_template("data-columns.md.j2").render(
        title=_("Data: CSV columns"), tables=tables,
        description=_("The columns of every CSV file of the open data, with their types and meaning."))


def _column_row(column: dict) -> dict:
    constraints = column.get("constraints", {})
    return {"name": column["name"], "type": column["type"], "description": column["description"],
            "required": constraints.get("required", False), "choices": ", ".join(constraints.get("enum", []))}
