"""Validators. Each yields (line, code, message); the caller adds the path.

Entry validators look at one entry against the schema; collection
validators look across all entries (ids, references, cycles).
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Callable, NamedTuple
from urllib.parse import urlparse

from .dates import parse_date
from .diagnostics import Diagnostic, did_you_mean, with_article
from .loader import LineDict, LineList
from .model import Entry
from .schema import SCALAR_TYPES, Field, Schema
from .text import find_citations, find_raw_html, find_unsafe_links

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 80
# Names that would clash with generated pages or with Windows device files.
RESERVED_IDS = {"index", "tags", "timeline", "data", "assets", "search", "con", "prn", "aux", "nul",
                *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
SOURCE_FIELDS = {"source", "sources"}


class Reference(NamedTuple):
    """A pointer from an entry to another entry, found while validating.

    A tuple of plain values, which the cycle collector stops tracking after
    one look: a large set has some ten references per entry.
    """

    line: int
    field: str  # dotted path of the field, e.g. actors[2].actor
    target_kind: str
    target: str


# Reference(...) goes through a __new__ written in Python; this builds the same
# tuple in C, for the some ten references of every entry.
_reference = functools.partial(tuple.__new__, Reference)


def _type_name(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    return {str: "text", int: "a number", float: "a number", type(None): "empty",
            LineDict: "a mapping", LineList: "a list"}.get(type(value), type(value).__name__)


def slug_problem(value) -> str | None:
    if not isinstance(value, str):
        return f"must be an id (lower-case letters, digits, hyphens), not {_type_name(value)}"
    if not SLUG.match(value):
        return f"'{value}' is not a valid id: use lower-case ASCII letters, digits and single hyphens"
    if len(value) > MAX_SLUG:
        return f"id is longer than {MAX_SLUG} characters"
    if value in RESERVED_IDS:
        return f"'{value}' is a reserved name; choose another id"
    return None


class EntryChecker:
    """Checks one entry's fields against the schema and collects its references."""

    def __init__(self, schema: Schema, today: dt.date):
        self.schema = schema
        self.today = today
        # The plan of each field list, keyed by the list's identity: the lists
        # belong to the schema (or are constants), which outlive the checker.
        self._plans: dict[int, _FieldsPlan] = {}
        # Values found valid so far: a set cites the same sources and tags over
        # and over, and many entries share a date.
        self._valid_ids: set[str] = set()
        self._valid_dates: set[str] = set()

    def check(self, entry: Entry):
        self.references: list[Reference] = []
        yield from self._mapping(self._plan(entry.kind.fields), entry.data, "", entry.kind.name)
        yield from self._id_matches_file(entry)
        yield from self._dates_in_order(entry)

    def _plan(self, fields) -> _FieldsPlan:
        """The plan of a field list, worked out at its first use by this checker."""
        plan = self._plans.get(id(fields))
        if plan is None:
            plan = self._plans[id(fields)] = _FieldsPlan.of(fields)
        return plan

    def _mapping(self, plan: _FieldsPlan, data: LineDict, prefix: str, where: str):
        known, checks, _ = plan
        if not data.keys() <= known.keys():
            yield from self._unknown_fields(known, data, prefix, where)
        for name, field, check in checks:
            value = data.get(name)  # None for a missing key too
            if value is None or value == "":
                if field.required:
                    # A key left blank (as `new` scaffolds it) is reported at its own line.
                    yield from self._missing(field, prefix, data.line_of(name))
                continue
            yield from check(self, field, value, data.line_of(name), prefix + name, data)

    def _unknown_fields(self, known: dict, data: LineDict, prefix: str, where: str):
        for key in data:
            if key not in known:
                hint = did_you_mean(str(key), known)
                yield data.line_of(key), "E100", f"unknown field '{prefix}{key}' in {where}{hint}"

    def _missing(self, field: Field, prefix: str, line: int):
        if field.name in SOURCE_FIELDS:
            yield line, "E300", f"no source cited: add '{prefix}{field.name}' with at least one source id"
        else:
            yield line, "E101", f"missing required field '{prefix}{field.name}'"

    def _wrong(self, line, path, expected, value):
        return line, "E102", f"'{path}' must be {expected}, not {_type_name(value)}"

    def _str(self, field, value, line, path, parent):
        if not isinstance(value, str):
            yield self._wrong(line, path, "text (put it in quotes)", value)
        elif "\n" in value and "\n" in value.strip():  # strip() copies; most values have no newline at all
            yield line, "E102", f"'{path}' must be a single line"
        elif "<" in value and any(True for _ in find_raw_html(value)):
            yield line, "E301", f"'{path}' contains raw HTML; write plain text"
        elif "](" in value:  # which every inline link has, and hardly any plain value
            # Escaped on entry pages, but other pages may place plain text where Markdown still applies.
            for _offset, target in find_unsafe_links(value, definitions=False):
                yield line, "E302", f"'{path}' links to '{target[:40]}'; only http:// and https:// links are allowed"
                break

    def _text(self, field, value, line, path, parent):
        if not isinstance(value, str):
            yield self._wrong(line, path, "text", value)
            return
        key = path.rsplit(".", 1)[-1]
        where = (lambda offset: parent.text_line(key, offset)) if isinstance(parent, LineDict) and key in parent else (lambda offset: line)
        for offset, snippet in find_raw_html(value):
            yield where(offset), "E301", f"'{path}' contains raw HTML ({snippet}); use Markdown instead"
            break  # one report per field is enough to act on
        for offset, target in find_unsafe_links(value):
            yield where(offset), "E302", f"'{path}' links to '{target[:40]}'; only http:// and https:// links are allowed"
        for offset, source_id, _locator in find_citations(value):
            self.references.append(_reference((where(offset), path, "source", source_id)))

    def _slug_problem(self, value) -> str | None:
        """slug_problem(value), looked up if the value was found valid before."""
        if isinstance(value, str) and value in self._valid_ids:
            return None
        problem = slug_problem(value)
        if problem is None:
            self._valid_ids.add(value)
        return problem

    def _slug(self, field, value, line, path, parent):
        problem = self._slug_problem(value)
        if problem:
            yield line, "E106", f"'{path}': {problem}"

    def _date(self, field, value, line, path, parent):
        if isinstance(value, str) and value in self._valid_dates:  # valid and not in the future
            return
        try:
            date = parse_date(value)
        except ValueError as exc:
            yield line, "E104", f"'{path}': {exc}"
            return
        if date.earliest > self.today:
            yield line, "E303", f"'{path}': {date.iso()} is in the future"
        elif isinstance(value, str):
            self._valid_dates.add(value)

    def _url(self, field, value, line, path, parent):
        if not isinstance(value, str):
            yield self._wrong(line, path, "a URL", value)
            return
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or any(c.isspace() for c in value):
            yield line, "E105", f"'{path}': '{value[:60]}' is not an http:// or https:// URL"

    def _bool(self, field, value, line, path, parent):
        if not isinstance(value, bool):
            yield self._wrong(line, path, "true or false", value)

    def _enum(self, field, value, line, path, parent):
        if isinstance(value, bool) and str(value).lower() in field.values:
            yield line, "E103", f"'{path}': write \"{str(value).lower()}\" in quotes (unquoted, YAML reads it as true/false)"
        elif not isinstance(value, str) or value not in field.values:
            hint = did_you_mean(str(value), field.values)
            allowed = ", ".join(field.values)
            yield line, "E103", f"'{path}': '{value}' is not one of: {allowed}{hint}"

    def _ref(self, field, value, line, path, parent):
        problem = self._slug_problem(value)
        if problem:
            yield line, "E106", f"'{path}': {problem}"
        else:
            self.references.append(_reference((line, path, field.to, value)))

    def _cite(self, field, value, line, path, parent):
        if isinstance(value, LineDict):
            yield from self._mapping(self._plan(CITE_FIELDS), value, f"{path}.", "a citation")
            source = value.get("source")
            line = value.line_of("source")
        else:
            source = value
        if isinstance(source, str) and self._slug_problem(source) is None:
            self.references.append(_reference((line, path, "source", source)))
        elif source is not None:
            yield line, "E102", f"'{path}' must be a source id or {{source: id, locator: ...}}"

    def _list(self, field, value, line, path, parent):
        if not isinstance(value, LineList):
            yield self._wrong(line, path, "a list", value)
            return
        if not value and field.required:
            yield from self._missing(field, "", line)
        items = field.items
        check = _CHECKS[items.type]
        for index, item in enumerate(value):
            item_path = f"{path}[{index + 1}]"
            if item is None or item == "":
                yield value.line_of(index), "E102", f"'{item_path}' is empty; fill it in or remove the '-' line"
                continue
            yield from check(self, items, item, value.line_of(index), item_path, None)

    def _object(self, field, value, line, path, parent):
        if not isinstance(value, LineDict):
            yield self._wrong(line, path, "a mapping of fields", value)
            return
        plan = self._plan(field.fields)
        yield from self._mapping(plan, value, f"{path}.", f"'{path}'")
        if plan.dated_period:
            yield from self._period_in_order(value, path)

    def _period_in_order(self, value: LineDict, path: str):
        """An object with start and end dates (a role) must not end before it starts."""
        try:
            first, last = parse_date(value["start"]), parse_date(value["end"])
        except (KeyError, ValueError):
            return
        if last.latest < first.earliest:
            yield value.line_of("end"), "E303", f"'{path}.end' {last.iso()} is before '{path}.start' {first.iso()}"

    def _id_matches_file(self, entry: Entry):
        value = entry.data.get("id")
        stem = entry.file_id
        if isinstance(value, str) and value != stem:
            yield entry.line_of("id"), "E107", f"id '{value}' does not match the file name '{stem}.yaml'"
        elif slug_problem(stem) and not isinstance(value, str):
            yield 1, "E106", f"file name '{stem}.yaml': {slug_problem(stem)}"

    def _dates_in_order(self, entry: Entry):
        if "end_date" not in entry.data:  # as most entries: spare raising and catching a KeyError
            return
        try:
            start, end = parse_date(entry.data["date"]), parse_date(entry.data["end_date"])
        except (KeyError, ValueError):
            return
        if end.latest < start.earliest:
            yield entry.line_of("end_date"), "E303", f"end_date {end.iso()} is before date {start.iso()}"


# Field type -> EntryChecker method checking a value of that type.
_CHECKS = {name[1:]: function for name, function in vars(EntryChecker).items()
           if name[1:] in SCALAR_TYPES | {"list", "object"}}


class _FieldsPlan(NamedTuple):
    """What checking a mapping against one field list needs, worked out once."""

    known: dict[str, Field]  # by name
    checks: tuple[tuple[str, Field, Callable], ...]  # (name, field, check of its type), in schema order
    dated_period: bool  # has start and end dates, which must be in order

    @classmethod
    def of(cls, fields) -> "_FieldsPlan":
        known: dict[str, Field] = {}
        for f in fields:
            known.setdefault(f.name, f)  # the first of a name, as Field.subfield finds it
        start, end = known.get("start"), known.get("end")
        return cls(known, tuple((f.name, f, _CHECKS[f.type]) for f in fields),
                   bool(start and end and start.type == end.type == "date"))


CITE_FIELDS = (
    Field(name="source", type="slug", required=True, doc="The id of a source entry."),
    Field(name="locator", type="str", doc="Where in the source: section, paragraph, page or timestamp."),
)


def check_entry(checker: EntryChecker, entry: Entry) -> tuple[list[Diagnostic], list[Reference]]:
    """The diagnostics of one entry on its own, and its references to other entries."""
    diagnostics = [Diagnostic(entry.path, line, code, message) for line, code, message in checker.check(entry)]
    return diagnostics, checker.references


def check_collection(entries: list[Entry], references: dict):
    """Cross-entry checks: unique ids, existing targets, no parent cycles."""
    by_id, collisions = _claimed_ids(entries)
    yield from collisions
    # Each entry's kind, under its current id: a reference naming one of
    # those, of that kind, and not the referring entry itself, is right, as
    # _reference_problem would find. Most of the 80,000 in a large set are.
    kind_of = {key: target.kind.name for key, target in by_id.items() if target.id == key}
    for entry in entries:
        own_id = entry.id
        for ref in references.get(entry.path, []):
            if kind_of.get(ref.target) == ref.target_kind and ref.target != own_id:
                continue
            problem = _reference_problem(entry, ref, by_id, entries)
            if problem is not None:
                yield Diagnostic(entry.path, ref.line, *problem)
    yield from _parent_cycles(entries, by_id)


def _claimed_ids(entries: list[Entry]) -> tuple[dict[str, Entry], list[Diagnostic]]:
    """{lower-case id or former id: the entry claiming it}, and the collisions."""
    by_id, collisions = _claim_ids(entries)
    if collisions:
        # Who is blamed depends on the order: an entry whose file is properly
        # named claims its id first, so that a stray 'Putin.yaml' is blamed
        # for colliding with 'putin.yaml', not the reverse. Without a
        # collision the order changes nothing, so the names are compared
        # only when there is one.
        by_id, collisions = _claim_ids(sorted(entries, key=lambda e: not _named_after_id(e)))
    return by_id, collisions


def _claim_ids(entries) -> tuple[dict[str, Entry], list[Diagnostic]]:
    by_id: dict[str, Entry] = {}
    collisions = [Diagnostic(entry.path, line, code, message)
                  for entry in entries for line, code, message in _unique_ids(entry, by_id)]
    return by_id, collisions


def _named_after_id(entry: Entry) -> bool:
    stem = entry.file_id
    return entry.data.get("id") == stem and slug_problem(stem) is None


def _unique_ids(entry: Entry, by_id: dict):
    names = [("id", entry.data.get("id"))] + [("former_ids", f) for f in (entry.data.get("former_ids") or [])]
    for field, value in names:
        if not isinstance(value, str):
            continue
        if value.lower() in by_id and by_id[value.lower()] is not entry:
            other = by_id[value.lower()]
            yield entry.line_of(field), "E108", f"id '{value}' is already used by {other.path}"
        else:
            by_id[value.lower()] = entry


def _reference_problem(entry: Entry, ref: Reference, by_id: dict, entries) -> tuple[str, str] | None:
    """(code, message) of what is wrong with the reference, or None.

    A plain function, not a generator like the other checks: it runs for
    every reference of every entry, some ten each, and finds one problem at most.
    """
    target = by_id.get(ref.target)
    if target is None:
        same_kind = [e.id for e in entries if e.kind.name == ref.target_kind]
        return "E200", f"'{ref.field}' refers to {ref.target_kind} '{ref.target}', which does not exist{did_you_mean(ref.target, same_kind)}"
    if target.id != ref.target:
        return "E200", f"'{ref.field}' uses the former id '{ref.target}'; write '{target.id}'"
    if target.kind.name != ref.target_kind:
        return "E201", f"'{ref.field}' must refer to {with_article(ref.target_kind)}, but '{ref.target}' is {with_article(target.kind.name)}"
    if target is entry:
        return "E202", f"'{ref.field}' refers to the entry itself"
    return None


def _parent_cycles(entries, by_id):
    for entry in entries:
        if entry.kind.name != "narrative":
            continue
        seen, current = [entry.id], entry
        while isinstance(current.data.get("parent"), str):
            current = by_id.get(current.data["parent"])
            if current is None or current is entry and len(seen) == 1:
                break
            if current.id in seen:
                if current is entry:
                    chain = " -> ".join(seen + [entry.id])
                    yield Diagnostic(entry.path, entry.line_of("parent"), "E203", f"parent narratives form a cycle: {chain}")
                break
            seen.append(current.id)
