"""`build_entries.py new KIND ID`: writes a commented template for a new entry.

The template is generated from the schema, so it always lists the current
fields with their docs. Required fields are left blank: `check` then
reports each blank, at its own line, until the contributor fills it in.
Optional fields are commented out, ready to be uncommented.
"""
from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import yaml

from .diagnostics import did_you_mean
from .editor_schemas import modeline
from .schema import Field, Kind, Schema, load_schema
from .validate import SOURCE_FIELDS, slug_problem

WIDTH = 88

TYPE_HINTS = {
    "str": "One line of text.",
    "text": "Markdown text; cite sources inline as [@source-id] or [@source-id, para. 3].",
    "slug": "Lower-case letters, digits and hyphens.",
    "date": 'A date in quotes: "2022-08-01", or "2022-08" or "2022" if that is all the sources give.',
    "url": "A full https:// address.",
    "bool": "true or false.",
    "cite": 'A source id, or {source: source-id, locator: "para. 3"}.',
}


def type_hint(field: Field) -> str:
    if field.type == "enum":
        return "One of: " + ", ".join(field.values) + "."
    if field.type == "ref":
        article = "an" if field.to[0] in "aeiou" else "a"
        return f"The id of {article} {field.to} entry."
    if field.type == "list":
        item = field.items
        if item.type == "object":
            return "A list; each item has the fields below."
        return "A list; each item: " + type_hint(item)[0].lower() + type_hint(item)[1:]
    if field.type == "object":
        return "A group of the fields below."
    return TYPE_HINTS[field.type]


def _need(field: Field) -> str:
    if not field.required:
        return "Optional."
    if field.name in SOURCE_FIELDS and field.type == "list":
        return "Required: at least one."
    return "Required."


def _comment(text: str, indent: str = "") -> list[str]:
    # The '#' stays in column 0 so that yamllint sees comments aligned with their keys.
    return textwrap.wrap(text, WIDTH, initial_indent=f"#{indent} ", subsequent_indent=f"#{indent}   ")


def _subfields(field: Field) -> tuple[Field, ...]:
    if field.type == "object":
        return field.fields
    if field.type == "list" and field.items.type == "object":
        return field.items.fields
    return ()


def field_comment(field: Field) -> list[str]:
    """The explanation above a field: its doc, what to write, whether required."""
    lines = _comment(" ".join(p for p in (field.doc, _need(field), type_hint(field)) if p))
    for sub in _subfields(field):
        need = " (required)" if sub.required else ""
        lines += _comment(f"{sub.name}{need}: {sub.doc} {type_hint(sub)}", "  ")
    return lines


def skeleton(field: Field) -> list[str]:
    """The field's key and, for lists and groups, the shape of one item, all blank."""
    if field.type == "list" and field.items.type == "object":
        subs = [f"    {s.name}:" for s in field.items.fields]
        return [f"{field.name}:", "  - " + subs[0].lstrip()] + subs[1:]
    if field.type == "list":
        return [f"{field.name}:", "  -"]
    if field.type == "object":
        return [f"{field.name}:"] + [f"  {s.name}:" for s in field.fields]
    return [f"{field.name}:"]


def required_lines(field: Field) -> list[str]:
    """Blanks for a required field; `check` reports each until it is filled."""
    if field.type == "text":
        return [f"{field.name}: |"]  # the block form suits paragraphs of Markdown
    if field.type == "object":
        return [f"{field.name}:"] + [f"  {s.name}:" for s in field.fields if s.required]
    return [f"{field.name}:"]


def optional_lines(field: Field) -> list[str]:
    if field.example is not None:
        return [f"# {field.name}: {_flow(field.example)}"]
    return ["# " + line for line in skeleton(field)]


def _flow(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def template(kind: Kind, entry_id: str) -> str:
    lines = [
        modeline(kind),
        *_comment(f"A new {kind.name}: {kind.doc}"),
        "#",
        "# Every field left blank below is required: write its value after the colon;",
        "# after a '|', write the text on the lines below it, indented by two spaces.",
        "# Optional fields are commented out: to use one, delete the '# ' in front of it",
        "# and of its indented lines; delete the ones you do not need.",
        "# Then run `python build_entries.py check`. The guide is CONTRIBUTING.md.",
        f"id: {entry_id}",
    ]
    for field in kind.fields:
        if field.name == "id":
            continue
        lines += ["", *field_comment(field)]
        lines += required_lines(field) if field.required else optional_lines(field)
    return "\n".join(lines) + "\n"


def find_kind(schema: Schema, name: str) -> Kind | None:
    """A kind by its name or its folder (actor or actors)."""
    return schema.kinds.get(name) or schema.kind_of_folder(name)


def problem_with(root: Path, schema: Schema, kind_name: str, entry_id: str) -> str | None:
    kind = find_kind(schema, kind_name)
    if kind is None:
        kinds = ", ".join(schema.kinds)
        return f"unknown kind '{kind_name}'; choose one of: {kinds}{did_you_mean(kind_name, schema.kinds)}"
    problem = slug_problem(entry_id)
    if problem:
        return problem
    target = root / "entries" / kind.folder / f"{entry_id}.yaml"
    if target.exists():
        return f"entries/{kind.folder}/{entry_id}.yaml already exists; edit it, or choose another id"
    for other in schema.kinds.values():
        if (root / "entries" / other.folder / f"{entry_id}.yaml").exists():
            return f"id '{entry_id}' is already used by entries/{other.folder}/{entry_id}.yaml; ids are unique across kinds"
    return None


def main(root: Path, kind_name: str, entry_id: str, schema: Schema | None = None) -> int:
    schema = schema or load_schema()
    problem = problem_with(root, schema, kind_name, entry_id)
    if problem:
        print(f"new: {problem}", file=sys.stderr)
        return 1
    kind = find_kind(schema, kind_name)
    return write_new(root, f"entries/{kind.folder}/{entry_id}.yaml", template(kind, entry_id),
                     "edit it, or choose another id", "Fill in the blank fields")


def write_new(root: Path, shown: str, text: str, if_exists: str, next_step: str) -> int:
    """Writes a new file, never over an existing one, and says what to do next."""
    target = root / shown
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(target, "x", encoding="utf-8", newline="\n") as handle:  # "x": never overwrite
            handle.write(text)
    except FileExistsError:
        print(f"new: {shown} already exists; {if_exists}", file=sys.stderr)
        return 1
    print(f"wrote {shown}")
    print(f"{next_step}, then run: python build_entries.py check")
    return 0


# -- translations ----------------------------------------------------------------


class _TranslationDumper(yaml.SafeDumper):
    """Writes text of several lines as a literal block, as entries are written."""


def _text(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_TranslationDumper.add_representer(str, _text)


def translation_template(entry, language: str) -> str:
    """A translation file to start from: the header, then the English text of
    every translatable field, in the entry's shape, to be replaced."""
    from .translations import translatable

    data = _translatable_part(entry.kind.fields, entry.data, translatable)
    header = ("translation:\n  status: draft  # 'reviewed' once a reviewer has read it against the English\n"
              "  translator: ''  # your name, or the tool that drafted it\n"
              "# Replace each English text below; keep every [@source, locator] as it is.\n")
    body = yaml.dump(data, Dumper=_TranslationDumper, allow_unicode=True, sort_keys=False, width=1000)
    return header + body


def _translatable_part(fields, data: dict, translatable) -> dict:
    part = {}
    for spec in fields:
        value = data.get(spec.name)
        if value in (None, "", []) or not translatable(spec):
            continue
        if spec.type == "object" and isinstance(value, dict):
            value = _translatable_part(spec.fields, value, translatable)
        elif spec.type == "list" and spec.items.type == "object" and isinstance(value, list):
            value = [_translatable_part(spec.items.fields, item, translatable) for item in value]
        if value not in ({}, []):
            part[spec.name] = value
    return part


def start_translation(root: Path, kind_name: str, entry_id: str, language: str,
                      schema: Schema | None = None) -> int:
    """`new KIND ID --translate LANG`: writes entries/<folder>/<id>.<lang>.yaml."""
    from .entries import load_entry
    from .i18n import TRANSLATED

    schema = schema or load_schema()
    kind = find_kind(schema, kind_name)
    if kind is None or language not in TRANSLATED:
        print(f"new: translations are of a kind ({', '.join(schema.kinds)}) into {', '.join(TRANSLATED)}",
              file=sys.stderr)
        return 1
    english = f"entries/{kind.folder}/{entry_id}.yaml"
    entry, _problems = load_entry(str(root / english), english, kind) if (root / english).is_file() else (None, [])
    if entry is None:
        print(f"new: {english} does not exist or cannot be read; translate an existing entry", file=sys.stderr)
        return 1
    return write_new(root, f"entries/{kind.folder}/{entry_id}.{language}.yaml",
                     translation_template(entry, language), "edit it", "Translate each text")
