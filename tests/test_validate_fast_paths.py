"""The entry checker skips work that a cheap look proves unneeded: a regex scan
of text without the characters its pattern needs, a Path built for each
file's id, a second check of an id or date found valid before; the checks
across entries skip the look at each reference that is plainly right, and
the ordering of entries by file name when no two claim the same id.
None of these may change a diagnostic or a reference.
"""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path, PurePosixPath

import pytest

from conftest import KB_FIXTURE
from kb import loader, model, text, validate
from kb.loader import LineDict, LineList
from kb.schema import load_schema

SCHEMA = load_schema()
TODAY = dt.date(2026, 11, 21)

# Pieces that make or nearly make tags, links, definitions and citations.
TEXT_TOKENS = ["<", ">", "b", "/", "!", "?", " ", "  ", "\n", "]", "[", "(", ")", ":", "](", "]:", "[@", "@", ",",
               "javascript:x", "http://a", "HTTPS://b", "<javascript:x>", "src-a", "para. 3", "x", "\t", "é"]


def random_texts(seed: int, count: int):
    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choice(TEXT_TOKENS) for _ in range(rng.randint(0, 24)))


def scanned_html(value):
    return [(m.start(), m.group(0)[:30]) for m in text.RAW_HTML.finditer(value)]


def scanned_links(value, definitions):
    patterns = (text.LINK_TARGET, text.REFERENCE_DEF) if definitions else (text.LINK_TARGET,)
    return [(m.start(1), m.group(1)) for p in patterns for m in p.finditer(value)
            if not m.group(1).lower().startswith(text.SAFE_SCHEMES)]


def scanned_citations(value):
    return [(m.start(), m.group(1), (m.group(2) or "").strip() or None) for m in text.CITATION.finditer(value)]


def test_text_scans_skipped_only_where_they_find_nothing():
    for value in random_texts(seed=7, count=20_000):
        assert list(text.find_raw_html(value)) == scanned_html(value), value
        assert list(text.find_unsafe_links(value)) == scanned_links(value, True), value
        assert list(text.find_unsafe_links(value, definitions=False)) == scanned_links(value, False), value
        assert list(text.find_citations(value)) == scanned_citations(value), value


@pytest.mark.parametrize("path", ["entries/actors/putin.yaml", "putin.yaml", "entries/actors/.yaml",
                                  "entries/actors/putin.yaml.yaml", "entries/actors/a.putin.yaml",
                                  "entries\\actors\\putin.yaml", "entries/actors/Putin.yaml",
                                  "entries/actors/putin\n.yaml", "entries/actors/c:putin.yaml",
                                  "entries/actors/.hidden.yaml", "entries/actors/putin.", "entries/actors/putin",
                                  "entries/actors/..yaml", "/abs/entries/actors/putin.yaml"])
def test_file_id_is_the_path_stem(path):
    entry = model.Entry(kind=SCHEMA.kinds["actor"], path=path, data=LineDict())
    assert entry.file_id == PurePosixPath(path).stem


def _entry(kind: str, fields: dict, path: str | None = None) -> model.Entry:
    data = LineDict()
    for line, (key, value) in enumerate(fields.items(), start=2):
        data[key] = value
        data.key_lines[key] = line
    return model.Entry(kind=SCHEMA.kinds[kind], path=path or f"entries/{SCHEMA.kinds[kind].folder}/{fields['id']}.yaml",
                       data=data)


def _items(*values) -> LineList:
    items = LineList()
    items.extend(values)
    items.item_lines = list(range(10, 10 + len(values)))
    return items


def test_remembered_values_are_only_valid_ones():
    checker = validate.EntryChecker(SCHEMA, TODAY)
    incident = _entry("incident", {"id": "late", "title": "T", "date": "2999-01-01", "summary": "S",
                                   "tags": _items("index", "ok", "ok"), "sources": _items("src-a", "Src-A")})
    first = validate.check_entry(checker, incident)
    again = validate.check_entry(checker, incident)
    fresh = validate.check_entry(validate.EntryChecker(SCHEMA, TODAY), incident)
    assert first == again == fresh
    codes = [d.code for d in first[0]]
    assert codes.count("E303") == 1 and codes.count("E106") == 1 and codes.count("E102") == 1


def test_period_check_planned_only_for_fields_with_start_and_end_dates():
    roles = SCHEMA.kinds["actor"].field("roles").items
    assert validate._FieldsPlan.of(roles.fields).dated_period
    assert not validate._FieldsPlan.of(validate.CITE_FIELDS).dated_period
    checker = validate.EntryChecker(SCHEMA, TODAY)
    role = LineDict()
    role.update({"title": "x", "start": "2020", "end": "2019"})
    actor = _entry("actor", {"id": "a", "name": "A", "actor_type": "person", "roles": _items(role)})
    assert "E303" in [d.code for d in validate.check_entry(checker, actor)[0]]


VALUES = [None, "", 0, 7, True, False, "x", "index", "a" * 81, "Bad_Id", "report-a", "2020-02-30", "2999", "2020",
          "<b>x</b>", "[x](javascript:y)", "[@missing]", "a\nb", "https://example.org", "ftp://x", "originator"]
# Values that are valid in one place and not in another, or valid once and not later.
REPEATED = ["index", "2999", "2999-12", "2020", "report-a", "Report-A", "con", "a" * 81]


def _mutated(rng: random.Random, data: LineDict, fields) -> None:
    """Sets, blanks or removes one field, or adds an unknown one."""
    name = rng.choice([f.name for f in fields] + ["unknown"])
    if name in data and rng.random() < 0.3:
        del data[name]
    else:
        data[name] = rng.choice(VALUES + REPEATED * 3 + [_items(*rng.sample(VALUES + REPEATED, 3))])


def test_shared_checker_reports_as_a_fresh_one():
    """Whatever a checker remembers from earlier entries must not change a later entry's result."""
    files, _ = model.entry_files(KB_FIXTURE / "entries", SCHEMA)
    sources = [(kind, shown, Path(path).read_text(encoding="utf-8")) for path, shown, kind in files]
    rng = random.Random(11)
    shared = validate.EntryChecker(SCHEMA, TODAY)
    for _ in range(3000):
        kind, shown, source = rng.choice(sources)
        data = loader.parse(source)[0]
        for _ in range(rng.randint(1, 3)):
            _mutated(rng, data, kind.fields)
        entry = model.Entry(kind=kind, path=shown, data=data)
        assert validate.check_entry(shared, entry) == validate.check_entry(validate.EntryChecker(SCHEMA, TODAY), entry)


def plainly_checked_collection(entries, references):
    """The checks across entries without their shortcuts: entries sorted by
    file name before claiming ids, every reference looked at in full."""
    by_id: dict = {}
    for entry in sorted(entries, key=lambda e: not validate._named_after_id(e)):
        for line, code, message in validate._unique_ids(entry, by_id):
            yield validate.Diagnostic(entry.path, line, code, message)
    for entry in entries:
        for ref in references.get(entry.path, []):
            problem = validate._reference_problem(entry, ref, by_id, entries)
            if problem is not None:
                yield validate.Diagnostic(entry.path, ref.line, *problem)
    yield from validate._parent_cycles(entries, by_id)


IDS = ["a", "b", "c", "A", "d-1", "Bad_Id"]


def _random_collection(rng: random.Random):
    """Entries of every kind with clashing, former, badly cased and misnamed ids,
    and references of every kind to existing, former, missing and own ids."""
    entries, references = [], {}
    for number in range(rng.randint(1, 8)):
        kind = rng.choice(list(SCHEMA.kinds))
        entry_id = rng.choice(IDS)
        fields = {"id": entry_id}
        if rng.random() < 0.3:
            fields["former_ids"] = _items(*rng.sample(IDS, 2))
        if kind == "narrative" and rng.random() < 0.5:
            fields["parent"] = rng.choice(IDS)
        name = entry_id if rng.random() < 0.7 else rng.choice(IDS) + rng.choice(["", "-x"])
        entry = _entry(kind, fields, path=f"entries/{SCHEMA.kinds[kind].folder}/{name}.yaml")
        if any(e.path == entry.path for e in entries):
            continue
        entries.append(entry)
        references[entry.path] = [validate.Reference(rng.randint(1, 9), f"field{n}", rng.choice(list(SCHEMA.kinds)),
                                                     rng.choice(IDS + [entry_id])) for n in range(rng.randint(0, 6))]
    return entries, references


def test_checks_across_entries_report_as_without_their_shortcuts():
    rng = random.Random(5)
    collided = 0
    for _ in range(20_000):
        entries, references = _random_collection(rng)
        expected = sorted(plainly_checked_collection(entries, references))
        assert sorted(validate.check_collection(entries, references)) == expected
        collided += any(d.code == "E108" for d in expected)
    assert 1000 < collided < 19_000  # both with and without clashing ids
