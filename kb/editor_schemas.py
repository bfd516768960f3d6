"""Generates a JSON Schema per entry kind from schema/kb.schema.yaml.

Editors (through the yaml-language-server modeline at the top of every
entry) use these to complete field names, show each field's doc and flag
mistakes while typing. They mirror the validator as far as JSON Schema can
express it; what it cannot (references to existing entries, future dates,
unsafe links in Markdown, id equal to the file name) only `check` reports.
"""
from __future__ import annotations

import json
from pathlib import Path

from .diagnostics import with_article
from .schema import Field, Kind, Schema, load_schema
from .validate import CITE_FIELDS, MAX_SLUG, RESERVED_IDS, SLUG

JSON_DIR = Path(__file__).resolve().parent.parent / "schema" / "json"
DRAFT = "http://json-schema.org/draft-07/schema#"

# YYYY, YYYY-MM or YYYY-MM-DD with a real month and a plausible day; the
# validator also knows how many days each month has.
DATE_PATTERN = r"^[1-9][0-9]{3}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
# The same tag-opening rule as kb.text.RAW_HTML.
RAW_HTML_PATTERN = r"<\s*/?\s*[A-Za-z!?]"
# The validator strips surrounding whitespace before looking for a newline.
ONE_LINE_PATTERN = r"^\s*[^\n]*\s*$"
URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+\S*$"


def schema_path(kind: Kind, json_dir: Path = JSON_DIR) -> Path:
    return json_dir / f"{kind.name}.schema.json"


def modeline(kind: Kind) -> str:
    """The first line of every entry file, relative to entries/<folder>/."""
    return f"# yaml-language-server: $schema=../../schema/json/{kind.name}.schema.json"


def slug_schema() -> dict:
    # JSON Schema patterns search, so the anchors make them match in full (ECMA '$' allows no final newline).
    return {"type": "string", "pattern": f"^{SLUG.pattern}$", "maxLength": MAX_SLUG,
            "not": {"enum": sorted(RESERVED_IDS)}}


def _no_html(schema: dict) -> dict:
    return dict(schema, **{"not": {"pattern": RAW_HTML_PATTERN}})


def _scalar(field: Field) -> dict:
    schema = _scalar_type(field)
    if field.max_length is not None and field.type in ("str", "text", "url"):
        schema["maxLength"] = field.max_length
    return schema


def _scalar_type(field: Field) -> dict:
    if field.type == "str":
        return _no_html({"type": "string", "pattern": ONE_LINE_PATTERN})
    if field.type == "text":
        return _no_html({"type": "string"})
    if field.type in ("slug", "ref"):
        return slug_schema()
    if field.type == "date":
        # Unquoted 2014 is a YAML integer; the validator accepts it as a year.
        return {"anyOf": [{"type": "string", "pattern": DATE_PATTERN},
                          {"type": "integer", "minimum": 1000, "maximum": 9999}]}
    if field.type == "url":
        return {"type": "string", "format": "uri", "pattern": URL_PATTERN}
    if field.type == "bool":
        return {"type": "boolean"}
    if field.type == "enum":
        return {"type": "string", "enum": list(field.values)}
    if field.type == "cite":
        return {"anyOf": [slug_schema(), _object(CITE_FIELDS)]}
    raise ValueError(f"no JSON Schema for field type {field.type!r}")


def _object(fields) -> dict:
    return {
        "type": "object",
        "properties": {f.name: field_schema(f) for f in fields},
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
    }


def _describe(field: Field) -> str:
    doc = field.doc
    if field.type == "ref":
        doc = f"{doc} (the id of {with_article(field.to)} entry)".strip()
    elif field.type == "enum":
        doc = f"{doc} One of: {', '.join(field.values)}.".strip()
    return doc


def _bare(field: Field) -> dict:
    if field.type == "list":
        schema = {"type": "array", "items": _bare(field.items)}
        if field.required:
            schema["minItems"] = 1
        return schema
    if field.type == "object":
        return _object(field.fields)
    return _scalar(field)


def field_schema(field: Field) -> dict:
    """The JSON Schema of one field of a mapping, as the validator reads it."""
    schema = _bare(field)
    if field.required and schema.get("type") == "string":
        schema["minLength"] = 1  # the validator reports "" as a missing field
    schema = _optional(field, schema)
    description = _describe(field)
    if description:
        schema = {"description": description, **schema}
    if field.example is not None:
        schema["examples"] = [field.example]
    return schema


def _optional(field: Field, schema: dict) -> dict:
    """The validator skips an optional field left blank (null or empty)."""
    if field.required:
        return schema
    blank = [{"type": "null"}, {"const": ""}]
    if "anyOf" in schema:
        return {"anyOf": [*schema["anyOf"], *blank]}
    return {"anyOf": [schema, *blank]}


def kind_schema(kind: Kind) -> dict:
    body = _object(kind.fields)
    return {
        "$schema": DRAFT,
        "title": f"{kind.name.capitalize()} entry",
        "description": f"{kind.doc} Generated from schema/kb.schema.yaml by `python build_entries.py schemas`; do not edit.",
        **body,
    }


def render(kind: Kind) -> str:
    return json.dumps(kind_schema(kind), indent=2, ensure_ascii=False) + "\n"


def expected_files(schema: Schema | None = None, json_dir: Path = JSON_DIR) -> dict[Path, str]:
    schema = schema or load_schema()
    return {schema_path(kind, json_dir): render(kind) for kind in schema.kinds.values()}


def stale_files(schema: Schema | None = None, json_dir: Path = JSON_DIR) -> list[Path]:
    """Committed schema files that differ from what generation gives."""
    return [path for path, text in expected_files(schema, json_dir).items()
            if not path.is_file() or path.read_text(encoding="utf-8") != text]


def write(schema: Schema | None = None, json_dir: Path = JSON_DIR) -> list[Path]:
    """Writes the schema files that changed; returns them."""
    expected = expected_files(schema, json_dir)
    changed = stale_files(schema, json_dir)
    json_dir.mkdir(parents=True, exist_ok=True)
    for path in changed:
        path.write_text(expected[path], encoding="utf-8")
    return changed
