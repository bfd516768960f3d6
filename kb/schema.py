"""Reads schema/kb.schema.yaml, the single source of truth for entry fields."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "kb.schema.yaml"

SCALAR_TYPES = {"str", "text", "slug", "date", "url", "bool", "enum", "ref", "cite"}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    doc: str = ""
    required: bool = False
    values: tuple[str, ...] = ()
    to: str | None = None
    items: "Field | None" = None
    fields: tuple["Field", ...] = ()
    example: object = None
    translate: bool = False  # reader-facing text that translations give in each language
    value_docs: tuple[tuple[str, str], ...] = ()  # (value, what it means), for the glossary
    max_length: int | None = None  # characters; from the field or its type's default (schema `limits`)

    def subfield(self, name: str) -> "Field | None":
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class Kind:
    name: str
    folder: str
    title_field: str
    doc: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


@dataclass(frozen=True)
class Schema:
    kinds: dict[str, Kind] = field(default_factory=dict)
    date_precision: tuple[tuple[str, str], ...] = ()  # (precision, what it means), for the glossary
    max_references: int | None = None  # references one entry may make (schema `limits`)

    def kind_of_folder(self, folder: str) -> Kind | None:
        return self._kinds_by_folder.get(folder)

    @cached_property
    def _kinds_by_folder(self) -> dict[str, Kind]:
        # Asked once for every entry file: a look-up, not a search of the kinds.
        return {k.folder: k for k in self.kinds.values()}

    @property
    def folders(self) -> list[str]:
        return [k.folder for k in self.kinds.values()]


def _field(name: str, spec: dict, lengths: dict | None = None) -> Field:
    ftype = spec["type"]
    lengths = lengths or {}
    if ftype not in SCALAR_TYPES | {"list", "object"}:
        raise ValueError(f"schema: field {name!r} has unknown type {ftype!r}")
    return Field(
        name=name,
        type=ftype,
        doc=spec.get("doc", ""),
        required=bool(spec.get("required", False)),
        values=tuple(str(v).lower() if isinstance(v, bool) else str(v) for v in spec.get("values", ())),
        to=spec.get("to"),
        items=_field(name, spec["items"], lengths) if "items" in spec else None,
        fields=tuple(_field(n, s, lengths) for n, s in spec.get("fields", {}).items()),
        example=spec.get("example"),
        translate=bool(spec.get("translate", False)),
        value_docs=tuple((str(v).lower() if isinstance(v, bool) else str(v), str(d))
                         for v, d in (spec.get("value_docs") or {}).items()),
        max_length=spec.get("max_length", lengths.get(ftype)),
    )


# The schema is the project's own file, not a contributor's entry, so libyaml's
# loader reads it where PyYAML was built with it (entries go through yamlfile.py).
_SCHEMA_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_schema(path: Path = SCHEMA_PATH) -> Schema:
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_SCHEMA_LOADER)
    limits = raw.get("limits") or {}
    lengths = limits.get("max_length") or {}
    common = [_field(n, s, lengths) for n, s in raw["common"].items()]
    id_field, other_common = common[0], common[1:]
    kinds = {}
    for name, spec in raw["kinds"].items():
        own = [_field(n, s, lengths) for n, s in spec["fields"].items()]
        kinds[name] = Kind(
            name=name,
            folder=spec["folder"],
            title_field=spec["title_field"],
            doc=spec.get("doc", ""),
            fields=tuple([id_field, *own, *other_common]),
        )
    precision = tuple((str(k), str(v)) for k, v in (raw.get("date_precision") or {}).items())
    return Schema(kinds=kinds, date_precision=precision, max_references=limits.get("max_references"))


def glossary_messages(fileobj, keywords, comment_tags, options):
    """A Babel extractor (locales/babel.cfg) of the definitions the glossary
    prints: each kind's `doc`, every `value_docs` and `date_precision`. They
    stay written once, here in the schema, and are translated in the message
    catalogues like the labels they define."""
    raw = yaml.safe_load(fileobj.read().decode("utf-8"))
    for name, spec in raw["kinds"].items():
        yield 0, "_", spec["doc"], [f"glossary: the kind of entry '{name}'"]
        for path, value, doc in _value_docs(spec["fields"], name):
            yield 0, "_", doc, [f"glossary: {path} '{value}'"]
    for precision, doc in (raw.get("date_precision") or {}).items():
        yield 0, "_", doc, [f"glossary: a date's precision '{precision}'"]


def _value_docs(fields: dict, prefix: str):
    """(field path, value, what it means) of every enum among the fields, at any depth."""
    for name, spec in fields.items():
        path = f"{prefix}.{name}"
        for field in (spec, spec.get("items") or {}):
            for value, doc in (field.get("value_docs") or {}).items():
                yield path, str(value).lower() if isinstance(value, bool) else str(value), doc
            yield from _value_docs(field.get("fields") or {}, path)
