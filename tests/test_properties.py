"""Property-based tests: random entry sets drawn from the schema.

Valid sets always check clean, build, link only to pages that exist and
build the same bytes twice. Broken sets give diagnostics sorted by file and
line, without duplicates, each pointing at a line that exists.
"""
from __future__ import annotations

import datetime as dt
import posixpath
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from kb import pipeline
from kb.schema import Field, load_schema
from kb.markup import is_allowed_link, links_in
from kb.render import make_environment
from kb.text import CITATION, bracket_problem, find_invisible, find_raw_html
from kb.validate import slug_problem
from kbgen import dump

SCHEMA = load_schema()
TODAY = dt.date.today()
# One Jinja environment for every example's pages: its templates compile once.
ENV = make_environment()
# No shrinking: each example writes a knowledge base to disk, and shrinking a
# failure took minutes; the unshrunk example is printed and is small anyway.
SETTINGS = settings(max_examples=30, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# -- strategies ------------------------------------------------------------------------

slugs = (st.lists(st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=6), min_size=1, max_size=3)
         .map("-".join).filter(lambda s: slug_problem(s) is None and not s.startswith("former-")))

MARKDOWN_SPECIALS = list("*_[]()#!|{}\\`~<>&\"'-+.:@=/")
characters = st.one_of(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
    st.sampled_from(MARKDOWN_SPECIALS),
)


def acceptable(text: str) -> bool:
    """Text a contributor may write: something visible, no HTML, no script links, no stray citations."""
    return (bool(text.strip()) and not any(find_raw_html(text)) and find_invisible(text) is None
            and bracket_problem(text) is None
            and all(tag == "a" and is_allowed_link(url) for tag, url in links_in(text))
            and not CITATION.search(text))


# A line ending in '<' would open a tag with the next paragraph's first letter.
plain_lines = st.text(characters, min_size=1, max_size=40).filter(lambda t: acceptable(t) and not re.search(r"<\s*/?\s*$", t))


@st.composite
def dates(draw, earliest=dt.date(1991, 1, 1), latest=TODAY):
    day = draw(st.dates(min_value=earliest, max_value=latest))
    return day, draw(st.sampled_from([day.isoformat(), day.isoformat()[:7], str(day.year)]))


class Draw:
    """Draws a valid value for each field of the schema, given the ids that exist."""

    def __init__(self, draw, ids: dict, kind: str, index: int):
        self.draw, self.ids, self.kind, self.index = draw, ids, kind, index
        # A source that cites itself is refused (E202).
        self.sources = [s for s in ids["source"] if kind != "source" or s != ids[kind][index]]

    def value(self, field: Field):
        return getattr(self, f"_{field.type}")(field)

    def _str(self, field):
        return self.draw(plain_lines)

    def _text(self, field):
        paragraphs = self.draw(st.lists(plain_lines, min_size=1, max_size=3))
        citations = [st.sampled_from(self.sources).map(lambda s: f"[@{s}]"),
                     st.tuples(st.sampled_from(self.sources), plain_lines.filter(lambda t: "]" not in t))
                     .map(lambda p: f"[@{p[0]}, {p[1].strip()}]")] if self.sources else []
        extras = self.draw(st.lists(st.one_of(*citations, st.just("[a link](https://example.org/a_(b)?c=1&d=2)")),
                                    max_size=3))
        return "\n\n".join(p + (" " + e if e else "") for p, e in zip(paragraphs, extras + [""] * len(paragraphs)))

    def _slug(self, field):
        return self.draw(slugs)

    def _date(self, field):
        return self.draw(dates())[1]

    def _url(self, field):
        path = self.draw(st.text("abcdefghijklmnopqrstuvwxyz0123456789-_.~()'%", max_size=12))
        return f"https://example.org/{path}"

    def _bool(self, field):
        return self.draw(st.booleans())

    def _enum(self, field):
        return self.draw(st.sampled_from(field.values))

    def _ref(self, field):
        # References to the entry's own kind go only to earlier entries: no cycles.
        pool = self.ids[field.to][: self.index] if field.to == self.kind else self.ids[field.to]
        return self.draw(st.sampled_from(pool)) if pool else None

    def _cite(self, field):
        source = self.draw(st.sampled_from(self.sources))
        if self.draw(st.booleans()):
            return source
        return {"source": source, "locator": self.draw(plain_lines)}

    def _list(self, field):
        items = [self.value(field.items) for _ in range(self.draw(st.integers(1 if field.required else 0, 3)))]
        kept, seen = [], set()
        for item in items:
            if item is None:
                continue
            if field.items.type in ("ref", "cite"):
                # The same reference twice in one list is an error (E204).
                key = (item.get("source"), item.get("locator")) if isinstance(item, dict) else (item, None)
                if key in seen:
                    continue
                seen.add(key)
            kept.append(item)
        return kept or None

    def _object(self, field):
        data = self.fields(field.fields)
        if {"start", "end"} <= set(data):  # a period must not end before it starts
            data["start"], data["end"] = sorted((data["start"], data["end"]), key=_date_key)
        return data if all(data.get(f.name) is not None for f in field.fields if f.required) else None

    def fields(self, fields) -> dict:
        data = {}
        for field in fields:
            if field.required or self.draw(st.booleans()):
                value = self.value(field)
                if value is not None:
                    data[field.name] = value
        return data


def _date_key(text: str):
    parts = [int(p) for p in text.split("-")]
    return tuple(parts + [0] * (3 - len(parts)))


@st.composite
def entry_sets(draw) -> dict[str, dict]:
    """{'entries/<folder>/<id>.yaml': data} for a random valid knowledge base."""
    counts = {"source": draw(st.integers(1, 3)), "actor": draw(st.integers(1, 3)), "narrative": draw(st.integers(1, 3)),
              "incident": draw(st.integers(0, 3)), "debunk": draw(st.integers(0, 2))}
    pool = draw(st.lists(slugs, min_size=sum(counts.values()), max_size=sum(counts.values()), unique=True))
    ids, start = {}, 0
    for kind, count in counts.items():
        ids[kind], start = pool[start:start + count], start + count
    files = {}
    for kind_name, kind in SCHEMA.kinds.items():
        for index, entry_id in enumerate(ids[kind_name]):
            drawer = Draw(draw, ids, kind_name, index)
            data = {"id": entry_id, **drawer.fields([f for f in kind.fields[1:] if f.name != "former_ids"])}
            if draw(st.booleans()):
                data["former_ids"] = [f"former-{entry_id}"]
            if "end_date" in data:
                data["date"], data["end_date"] = sorted((data["date"], data["end_date"]), key=_date_key)
            if data.get("quotes") or data.get("single_source"):  # the editorial rule (E310), met as a contributor would
                data["single_source"], data["single_source_reason"] = True, "Only one analysis records it."
            files[f"entries/{kind.folder}/{entry_id}.yaml"] = data
    return files


def write(root: Path, files: dict[str, dict]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(data), encoding="utf-8")


# -- properties ---------------------------------------------------------------------------

PAGE_LINK = re.compile(r"\]\(((?:\.\./)*[^)\s#:]+\.md)(#[^)\s]*)?\)")
ANCHOR_LINK = re.compile(r"\]\(#(ref-\d+[a-z]*)\)")


def unresolved_links(pages: dict[str, str]) -> list[str]:
    broken = []
    for page, text in pages.items():
        for match in PAGE_LINK.finditer(text):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), match.group(1)))
            if target not in pages and not (ROOT / "docs" / target).is_file():
                broken.append(f"{page} -> {match.group(1)}")
        for anchor in ANCHOR_LINK.findall(text):
            if f"{{: #{anchor} }}" not in text:
                broken.append(f"{page} -> #{anchor}")
    return broken


@SETTINGS
@given(entry_sets())
def test_random_valid_sets_build_with_every_link_resolving_deterministically(files):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write(root, files)
        result = pipeline.check(root)
        assert result.ok, [str(d) for d in result.diagnostics]
        pages = pipeline.generate(result, history={}, env=ENV)[1]
        again = pipeline.generate(pipeline.check(root), history={}, env=ENV)[1]
    entry_pages = {f"{rel.split('/')[1]}/{rel.split('/')[2][:-5]}.md" for rel in files}
    assert entry_pages <= set(pages)
    assert unresolved_links(pages) == []
    assert pages == again


# Ways to break one entry: name -> function(data) returning the broken data.
def drop_id(data):
    return {k: v for k, v in data.items() if k != "id"}


BREAKS = {
    "drop-id": drop_id,
    "unknown-field": lambda data: {**data, "colour": "blue"},
    "wrong-type": lambda data: {**data, "tags": "not-a-list"},
    "impossible-date": lambda data: {**data, "corrections": [{"date": "2023-02-30", "text": "x"}]},
    "missing-reference": lambda data: {**data, "tags": ["fine"], "corrections": [{"date": "2020", "text": "[@nowhere-at-all]"}]},
    "raw-html": lambda data: {**data, "corrections": [{"date": "2020", "text": "<b>x</b>"}]},
    "bad-id": lambda data: {**data, "id": "Not An Id"},
}
TEXT_BREAKS = {
    "duplicate-key": lambda text: text + text.splitlines()[0] + "\n",
    "syntax-error": lambda text: text + "broken: [unclosed\n",
    "tab-indent": lambda text: text + "tags:\n\t- x\n",
}


@SETTINGS
@given(entry_sets(), st.data())
def test_random_broken_sets_report_sorted_unique_diagnostics_at_real_lines(files, data):
    names = sorted(files)
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write(root, files)
        for rel in chosen:
            breaks = data.draw(st.lists(st.sampled_from(sorted(BREAKS)), min_size=1, max_size=2, unique=True))
            broken = files[rel]
            for name in breaks:
                broken = BREAKS[name](broken)
            text = dump(broken)
            if data.draw(st.booleans()):
                text = TEXT_BREAKS[data.draw(st.sampled_from(sorted(TEXT_BREAKS)))](text)
            (root / rel).write_text(text, encoding="utf-8")
        result = pipeline.check(root)
        lengths = {rel: len((root / rel).read_text(encoding="utf-8").splitlines()) for rel in names}
    shown = [(d.path, d.line) for d in result.diagnostics]
    assert shown == sorted(shown)
    assert len(set(result.diagnostics)) == len(result.diagnostics)
    assert len({str(d) for d in result.diagnostics}) == len(result.diagnostics)
    assert set(chosen) <= {d.path for d in result.diagnostics}, "every broken file is reported"
    for d in result.diagnostics:
        assert d.path in lengths and 1 <= d.line <= max(lengths[d.path], 1), str(d)
        assert "\n" not in str(d)
