"""Validators. Each yields (line, code, message); the caller adds the path.

Entry validators look at one entry against the schema, each field type
checked by the function the table CHECKS names; collection validators look
across all entries (ids, references, cycles).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from urllib.parse import urlsplit

from .dates import parse_date
from .diagnostics import Diagnostic, did_you_mean, with_article
from .entries import Entry
from .graph import Reference
from .schema import Field, Schema
from .markup import is_allowed_link, links_in
from .text import bracket_problem, describe_character, find_invisible, find_raw_html
from .yamlfile import LineDict, LineList

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # used with fullmatch: '$' would accept a final newline
MAX_SLUG = 80
# Names that would clash with generated pages or with Windows device files.
RESERVED_IDS = {"index", "tags", "timeline", "data", "assets", "search", "con", "prn", "aux", "nul",
                *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
SOURCE_FIELDS = {"source", "sources"}


def _type_name(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    return {str: "text", int: "a number", float: "a number", type(None): "empty",
            LineDict: "a mapping", LineList: "a list"}.get(type(value), type(value).__name__)


def slug_problem(value) -> str | None:
    if not isinstance(value, str):
        return f"must be an id (lower-case letters, digits, hyphens), not {_type_name(value)}"
    if not SLUG.fullmatch(value):
        return f"'{value}' is not a valid id: use lower-case ASCII letters, digits and single hyphens"
    if len(value) > MAX_SLUG:
        return f"id is longer than {MAX_SLUG} characters"
    if value in RESERVED_IDS:
        return f"'{value}' is a reserved name; choose another id"
    return None


class EntryChecker:
    """Checks one entry's fields against the schema."""

    def __init__(self, schema: Schema, today: dt.date):
        self.schema = schema
        self.today = today

    def check(self, entry: Entry):
        yield from self._mapping(entry.kind.fields, entry.data, "", entry.kind.name)
        yield from _id_matches_file(entry)
        yield from _dates_in_order(entry)

    def _mapping(self, fields, data: LineDict, prefix: str, where: str):
        known = {}
        for spec in fields:
            known.setdefault(spec.name, spec)
        for key in data:
            if key not in known:
                hint = did_you_mean(str(key), known)
                yield data.line_of(key), "E100", f"unknown field '{prefix}{key}' in {where}{hint}"
        for spec in fields:
            value = data.get(spec.name)  # None for a missing key too
            if value is None or value == "":
                if spec.required:
                    # A key left blank (as `new` scaffolds it) is reported at its own line.
                    yield from _missing(spec, prefix, data.line_of(spec.name))
                continue
            yield from self.value(spec, value, data.line_of(spec.name), prefix + spec.name, data)

    def value(self, spec: Field, value, line: int, path: str, parent):
        """The problems of one value of the field's type."""
        if isinstance(value, str):
            problem = _text_problem(spec, value, line, path, parent)
            if problem:
                yield problem
                return  # the other checks would scan, parse or echo what is refused
        yield from CHECKS[spec.type](self, spec, value, line, path, parent)

    def _list(self, spec, value, line, path, parent):
        if not isinstance(value, LineList):
            yield _wrong(line, path, "a list", value)
            return
        if not value and spec.required:
            yield from _missing(spec, "", line)
        for index, item in enumerate(value):
            item_path = f"{path}[{index + 1}]"
            if item is None or item == "":
                yield value.line_of(index), "E102", f"'{item_path}' is empty; fill it in or remove the '-' line"
                continue
            yield from self.value(spec.items, item, value.line_of(index), item_path, None)

    def _object(self, spec, value, line, path, parent):
        if not isinstance(value, LineDict):
            yield _wrong(line, path, "a mapping of fields", value)
            return
        yield from self._mapping(spec.fields, value, f"{path}.", f"'{path}'")
        yield from _period_in_order(spec, value, path)

    def _cite(self, spec, value, line, path, parent):
        if isinstance(value, LineDict):
            yield from self._mapping(CITE_FIELDS, value, f"{path}.", "a citation")
            source = value.get("source")
            line = value.line_of("source")
        else:
            source = value
        if source is not None and not (isinstance(source, str) and slug_problem(source) is None):
            yield line, "E102", f"'{path}' must be a source id or {{source: id, locator: ...}}"

    def _date(self, spec, value, line, path, parent):
        try:
            date = parse_date(value)
        except ValueError as exc:
            yield line, "E104", f"'{path}': {exc}"
            return
        if date.earliest > self.today:
            yield line, "E303", f"'{path}': {date.iso()} is in the future"


def _text_problem(spec: Field, value: str, line: int, path: str, parent):
    """Any text value: no invisible characters, no more than the field's length."""
    found = find_invisible(value)
    if found:
        offset, char = found
        return (_line_in(parent, path, offset, line), "E109",
                f"'{path}' contains {describe_character(char)}, an invisible or control character; remove it")
    if spec.max_length is not None and len(value) > spec.max_length:
        return line, "E110", f"'{path}' is {len(value):,} characters long; at most {spec.max_length:,} are allowed"
    return None


def _line_in(parent, path: str, offset: int, line: int) -> int:
    """The line of a character of a value: exact in a literal block."""
    key = path.rsplit(".", 1)[-1]
    return parent.text_line(key, offset) if isinstance(parent, LineDict) and key in parent else line


def _missing(spec: Field, prefix: str, line: int):
    if spec.name in SOURCE_FIELDS:
        yield line, "E300", f"no source cited: add '{prefix}{spec.name}' with at least one source id"
    else:
        yield line, "E101", f"missing required field '{prefix}{spec.name}'"


def _wrong(line, path, expected, value):
    return line, "E102", f"'{path}' must be {expected}, not {_type_name(value)}"


def _str(checker, spec, value, line, path, parent):
    if not isinstance(value, str):
        yield _wrong(line, path, "text (put it in quotes)", value)
    elif "\n" in value.strip():
        yield line, "E102", f"'{path}' must be a single line"
    elif any(True for _ in find_raw_html(value)):
        yield line, "E301", f"'{path}' contains raw HTML; write plain text"
    else:
        # Escaped on entry pages, but other pages may place plain text where Markdown still applies.
        for _offset, problem in _link_problems(value, path):
            yield line, *problem
            break


def _text(checker, spec, value, line, path, parent):
    if not isinstance(value, str):
        yield _wrong(line, path, "text", value)
        return
    for offset, snippet in find_raw_html(value):
        yield _line_in(parent, path, offset, line), "E301", f"'{path}' contains raw HTML ({snippet}); use Markdown instead"
        return  # one report per field is enough to act on
    problem = bracket_problem(value)
    if problem:
        yield line, "E305", f"'{path}': {problem}; balance or escape them (\\[)"
        return  # the parser would take long on exactly this text
    for offset, (code, message) in _link_problems(value, path):
        yield _line_in(parent, path, offset, line), code, message


def _link_problems(value: str, path: str):
    """(offset, (code, message)) for each link or image the parser finds that a page may not show."""
    for tag, url in links_in(value):
        offset = max(value.find(url), 0)
        if tag == "img":
            yield offset, ("E304", f"'{path}' shows an image from '{url[:40]}'; images are not allowed, link to the page instead")
        elif not is_allowed_link(url):
            yield offset, ("E302", f"'{path}' links to '{url[:40]}'; only http:// and https:// links are allowed")


def _slug(checker, spec, value, line, path, parent):
    problem = slug_problem(value)
    if problem:
        yield line, "E106", f"'{path}': {problem}"


def _url(checker, spec, value, line, path, parent):
    if not isinstance(value, str):
        yield _wrong(line, path, "a URL", value)
        return
    problem = url_problem(value)
    if problem:
        yield line, "E105", f"'{path}': '{value[:60]}' {problem}"


def url_problem(value: str) -> str | None:
    """What is wrong with an address a page links to, or None."""
    try:
        parsed = urlsplit(value)
        host = parsed.hostname or ""
    except ValueError:  # a malformed port or bracketed host
        return "is not an http:// or https:// URL"
    if parsed.scheme not in ("http", "https") or not parsed.netloc or any(c.isspace() for c in value):
        return "is not an http:// or https:// URL"
    if "@" in parsed.netloc:
        # https://www.bbc.co.uk@evil.example/ goes to evil.example.
        return "holds a user name before '@'; write the address without it"
    return host_problem(host)


def host_problem(host: str) -> str | None:
    """A host name that could pass for another: mixed scripts in one label."""
    for label in host.split("."):
        scripts = {unicodedata.name(c, "?").split(" ")[0] for c in label if c.isalpha()}
        if len(scripts) > 1:
            return f"has a host name mixing {' and '.join(x.title() for x in sorted(scripts))} letters ('{label}'); check the address"
    return None


def _bool(checker, spec, value, line, path, parent):
    if not isinstance(value, bool):
        yield _wrong(line, path, "true or false", value)


def _enum(checker, spec, value, line, path, parent):
    if isinstance(value, bool) and str(value).lower() in spec.values:
        yield line, "E103", f"'{path}': write \"{str(value).lower()}\" in quotes (unquoted, YAML reads it as true/false)"
    elif not isinstance(value, str) or value not in spec.values:
        hint = did_you_mean(str(value), spec.values)
        allowed = ", ".join(spec.values)
        yield line, "E103", f"'{path}': '{value}' is not one of: {allowed}{hint}"


def _period_in_order(spec: Field, value: LineDict, path: str):
    """An object with start and end dates (a role) must not end before it starts."""
    start, end = spec.subfield("start"), spec.subfield("end")
    if not (start and end and start.type == end.type == "date"):
        return
    try:
        first, last = parse_date(value["start"]), parse_date(value["end"])
    except (KeyError, ValueError):
        return
    if last.latest < first.earliest:
        yield value.line_of("end"), "E303", f"'{path}.end' {last.iso()} is before '{path}.start' {first.iso()}"


def _id_matches_file(entry: Entry):
    value = entry.data.get("id")
    stem = entry.file_id
    if isinstance(value, str) and value != stem:
        yield entry.line_of("id"), "E107", f"id '{value}' does not match the file name '{stem}.yaml'"
    elif slug_problem(stem) and not isinstance(value, str):
        yield 1, "E106", f"file name '{stem}.yaml': {slug_problem(stem)}"


def _dates_in_order(entry: Entry):
    try:
        start, end = parse_date(entry.data["date"]), parse_date(entry.data["end_date"])
    except (KeyError, ValueError):
        return
    if end.latest < start.earliest:
        yield entry.line_of("end_date"), "E303", f"end_date {end.iso()} is before date {start.iso()}"


# Field type -> the check of a value of that type.
CHECKS = {
    "str": _str, "text": _text, "slug": _slug, "ref": _slug, "date": EntryChecker._date, "url": _url,
    "bool": _bool, "enum": _enum, "cite": EntryChecker._cite, "list": EntryChecker._list,
    "object": EntryChecker._object,
}

CITE_FIELDS = (
    Field(name="source", type="slug", required=True, doc="The id of a source entry."),
    Field(name="locator", type="str", doc="Where in the source: section, paragraph, page or timestamp."),
)


def check_entry(checker: EntryChecker, entry: Entry) -> list[Diagnostic]:
    """The diagnostics of one entry on its own."""
    return [Diagnostic(entry.path, line, code, message) for line, code, message in checker.check(entry)]


def check_collection(entries: list[Entry], references: dict[str, list[Reference]], max_references: int | None = None):
    """Cross-entry checks: unique ids, existing targets, no parent cycles."""
    by_id, collisions = _claimed_ids(entries)
    yield from collisions
    for entry in entries:
        refs = references.get(entry.path, [])
        yield from _reference_count(entry, refs, max_references)
        for ref in refs:
            if not ref.in_text and slug_problem(ref.target):
                continue  # reported by the entry's own checks
            problem = _reference_problem(entry, ref, by_id, entries)
            if problem is not None:
                yield Diagnostic(entry.path, ref.line, *problem)
    cycles = list(_parent_cycles(entries, by_id))
    yield from cycles
    yield from _parent_depths(entries, by_id, {d.path for d in cycles})


def _reference_count(entry: Entry, refs: list[Reference], limit: int | None):
    """Every reference once per field, and no more than the schema allows:
    each becomes a link on a page, and on the page it points at."""
    if limit is not None and len(refs) > limit:
        yield Diagnostic(entry.path, 1, "E205", f"{len(refs):,} references; an entry may make at most {limit:,}")
    seen = set()
    for ref in refs:
        if ref.in_text or not ref.path.endswith("]"):
            continue  # a text may cite a source again; items of a list of objects may share a target
        # The list the reference is an item of: two roles may cite the same
        # source, one role's list may not repeat it.
        listed_in = ref.path.rsplit("[", 1)[0]
        key = (listed_in, ref.target, ref.locator)
        if key in seen:
            yield Diagnostic(entry.path, ref.line, "E204",
                             f"'{ref.path}' repeats {ref.target_kind} '{ref.target}' already listed in '{listed_in}'")
        seen.add(key)


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
    """(code, message) of what is wrong with the reference, or None."""
    target = by_id.get(ref.target)
    if target is None:
        same_kind = [e.id for e in entries if e.kind.name == ref.target_kind]
        return "E200", f"'{ref.path}' refers to {ref.target_kind} '{ref.target}', which does not exist{did_you_mean(ref.target, same_kind)}"
    if target.id != ref.target:
        return "E200", f"'{ref.path}' uses the former id '{ref.target}'; write '{target.id}'"
    if target.kind.name != ref.target_kind:
        return "E201", f"'{ref.path}' must refer to {with_article(ref.target_kind)}, but '{ref.target}' is {with_article(target.kind.name)}"
    if target is entry:
        return "E202", f"'{ref.path}' refers to the entry itself"
    return None


def _parent_cycles(entries, by_id):
    """Each cycle of parents once: the whole cycle at its first member's
    line (by id), and a pointer to it at every other member's line. Every
    narrative is walked once, so a long cycle costs its length, not its square."""
    done: set[str] = set()
    for entry in entries:
        if entry.kind.name != "narrative" or entry.id in done:
            continue
        path, on_path, current = [], {}, entry
        while current is not None and current.id not in done and current.kind.name == "narrative":
            if current.id in on_path:
                yield from _cycle_diagnostics(path[on_path[current.id]:])
                break
            on_path[current.id] = len(path)
            path.append(current)
            parent = current.data.get("parent")
            current = by_id.get(parent) if isinstance(parent, str) and parent != current.id else None
        done.update(on_path)


# Variants of variants: the narrative index nests each level in the one
# above, and pages and readers both lose the thread long before this.
MAX_NARRATIVE_DEPTH = 8


def _parent_depths(entries, by_id, in_cycles: set[str]):
    """A narrative at most MAX_NARRATIVE_DEPTH parents below a top one."""
    for entry in entries:
        if entry.kind.name != "narrative" or entry.path in in_cycles:
            continue
        chain, current = {entry.id}, entry
        while isinstance(current.data.get("parent"), str) and len(chain) <= MAX_NARRATIVE_DEPTH + 1:
            current = by_id.get(current.data["parent"])
            if current is None or current.id in chain:
                break  # a missing parent or a cycle, reported on their own
            chain.add(current.id)
        else:
            if len(chain) > MAX_NARRATIVE_DEPTH + 1:
                yield Diagnostic(entry.path, entry.line_of("parent"), "E206",
                                 f"narrative nested more than {MAX_NARRATIVE_DEPTH} levels below a top-level one; "
                                 "attach it to a broader narrative")


def _cycle_diagnostics(members: list[Entry]):
    start = min(range(len(members)), key=lambda i: members[i].id)
    members = members[start:] + members[:start]
    first = members[0]
    chain = " -> ".join([m.id for m in members] + [first.id])
    yield Diagnostic(first.path, first.line_of("parent"), "E203", f"parent narratives form a cycle: {chain}")
    for member in members[1:]:
        yield Diagnostic(member.path, member.line_of("parent"), "E203",
                         f"parent narratives form a cycle with '{first.id}' (listed at {first.path})")

def host_of(url) -> str:
    """The host an http(s) address really goes to, or ''."""
    if not isinstance(url, str) or url_problem(url):
        return ""
    return urlsplit(url).hostname or ""
