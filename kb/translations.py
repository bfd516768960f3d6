"""Translations of entries: entries/<kind>/<id>.<lang>.yaml beside the English entry.

A translation file holds only the fields the schema marks `translate: true`
(lists and objects in the English entry's shape, items in the same order),
and a `translation` header saying who made it and whether it was reviewed.
Everything else (ids, dates, references, sources) is the English entry's.
The check reports a translated field the English entry does not have, a
field that is not translated text, a translatable field missing, a list of
another length, and citations that differ from the English text's.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from .diagnostics import Diagnostic, did_you_mean
from .entries import Entry
from .schema import Field
from .text import find_citations
from .validate import EntryChecker
from .yamlfile import LineDict, LineList

HEADER = "translation"
STATUSES = ("draft", "reviewed")
HEADER_FIELDS = (
    Field(name="status", type="enum", required=True, values=STATUSES,
          doc="draft: machine-assisted or not yet reviewed; reviewed: read against the English by the reviewer."),
    Field(name="reviewer", type="str", doc="Who reviewed the translation (required when reviewed)."),
    Field(name="translator", type="str", doc="Who made the translation, or the tool that drafted it."),
)


@dataclass
class Translation:
    """One entry's text in one language."""

    language: str
    path: str  # entries/<folder>/<id>.<lang>.yaml
    data: LineDict

    @property
    def status(self) -> str:
        header = self.data.get(HEADER)
        return header.get("status") if isinstance(header, dict) else "draft"

    @property
    def reviewer(self) -> str | None:
        header = self.data.get(HEADER)
        return header.get("reviewer") if isinstance(header, dict) else None


def translatable(spec: Field) -> bool:
    """Whether a field, or anything in it, is given in each language."""
    if spec.translate:
        return True
    if spec.type == "list" and spec.items is not None:
        return translatable(spec.items)
    return spec.type == "object" and any(translatable(f) for f in spec.fields)


def check_translation(checker: EntryChecker, translation: Translation, entry: Entry) -> list[Diagnostic]:
    """The problems of a translation file against its English entry."""
    found = list(_header(checker, translation.data))
    found += _mapping(checker, entry.kind.fields, translation.data, entry.data, "", top=True)
    return [Diagnostic(translation.path, line, code, message) for line, code, message in found]


def _header(checker: EntryChecker, data: LineDict):
    header = data.get(HEADER)
    if header is None:
        yield data.line, "E400", f"missing '{HEADER}' header: add `{HEADER}: {{status: draft, translator: ...}}`"
        return
    yield from checker.value(Field(name=HEADER, type="object", fields=HEADER_FIELDS), header,
                             data.line_of(HEADER), HEADER, data)
    if isinstance(header, LineDict) and header.get("status") == "reviewed" and not header.get("reviewer"):
        yield header.line_of("status"), "E400", "a reviewed translation names its reviewer ('reviewer: ...')"


def _mapping(checker, fields, data: LineDict, english: dict, prefix: str, top: bool = False):
    known = {f.name: f for f in fields if translatable(f)}
    for key in data:
        if top and key == HEADER:
            continue
        spec = known.get(key)
        path, line = f"{prefix}{key}", data.line_of(key)
        if spec is None:
            every = {f.name for f in fields}
            why = "is not translated text (it is the English entry's in every language)" if key in every else \
                f"is not a field{did_you_mean(str(key), known)}"
            yield line, "E401", f"'{path}' {why}; remove it from the translation"
        elif english.get(key) in (None, "", []):
            yield line, "E402", f"'{path}' is not in the English entry; translate only what it has"
        else:
            yield from _value(checker, spec, data[key], english[key], line, path, data)
    for name, spec in known.items():
        if name not in data and _has_text(spec, english.get(name)):
            yield data.line, "E403", f"'{prefix}{name}' is missing: the English entry has it"


def _has_text(spec: Field, value) -> bool:
    """Whether the English value holds any text to translate (an attribution
    with a status and no note holds none)."""
    if value in (None, "", []):
        return False
    if spec.type == "object" and isinstance(value, dict):
        return any(_has_text(f, value.get(f.name)) for f in spec.fields if translatable(f))
    if spec.type == "list" and isinstance(value, list) and spec.items is not None and spec.items.type == "object":
        return any(_has_text(spec.items, item) for item in value)
    return True


def _value(checker, spec: Field, value, english, line: int, path: str, parent):
    if spec.type == "list" and isinstance(value, LineList) and isinstance(english, list):
        if len(value) != len(english):
            yield line, "E404", f"'{path}' has {len(value)} items; the English entry has {len(english)}, in the same order"
            return
        for index, (item, original) in enumerate(zip(value, english)):
            yield from _value(checker, spec.items, item, original, value.line_of(index), f"{path}[{index + 1}]", None)
    elif spec.type == "object" and isinstance(value, LineDict) and isinstance(english, dict):
        yield from _mapping(checker, spec.fields, value, english, f"{path}.")
    else:
        yield from checker.value(spec, value, line, path, parent)
        if spec.type == "text" and isinstance(value, str) and isinstance(english, str) and \
                _citations(value) != _citations(english):
            yield line, "E405", f"'{path}' cites other sources than the English text; keep every [@source, locator] as it is"


def _citations(text: str) -> Counter:
    return Counter((source, locator or "") for _offset, source, locator in find_citations(text))


def localized(entry: Entry, translation: Translation | None) -> Entry:
    """The entry with its translated text in place of the English."""
    if translation is None:
        return entry
    return Entry(kind=entry.kind, path=entry.path, data=_overlay(entry.data, translation.data, entry.kind.fields))


def _overlay(english: LineDict, translated: dict, fields) -> LineDict:
    merged = LineDict(english.line)
    merged.update(english)
    merged.key_lines, merged.block_starts = english.key_lines, english.block_starts
    for spec in fields:
        if spec.name in translated and translatable(spec):
            merged[spec.name] = _overlay_value(spec, english.get(spec.name), translated[spec.name])
    return merged


def _overlay_value(spec: Field, english, translated):
    if spec.type == "list" and isinstance(english, list) and isinstance(translated, list):
        items = LineList(getattr(english, "line", 1))
        items.extend(_overlay_value(spec.items, e, t) for e, t in zip(english, translated))
        items.item_lines = list(getattr(english, "item_lines", []))
        return items
    if spec.type == "object" and isinstance(english, LineDict) and isinstance(translated, dict):
        return _overlay(english, translated, spec.fields)
    return translated


def stale(entry_dates: tuple[dt.datetime, dt.datetime] | None,
          translation_dates: tuple[dt.datetime, dt.datetime] | None) -> dt.datetime | None:
    """When the English entry last changed, if that was after its translation last changed."""
    if not entry_dates or not translation_dates:
        return None
    return entry_dates[1] if entry_dates[1] > translation_dates[1] else None
