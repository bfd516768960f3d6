"""Generated Markdown: golden pages, determinism, incremental writes, escaping."""
from __future__ import annotations

import os
from pathlib import Path

from html.parser import HTMLParser

import markdown
import pytest

from conftest import KB_FIXTURE, run_cli
from kb import pipeline

GOLDEN = Path(__file__).resolve().parent / "golden"


def generate(root: Path) -> dict[str, str]:
    result = pipeline.check(root)
    assert result.ok, [str(d) for d in result.diagnostics]
    return pipeline.generate(result, history={})[1]


def test_pages_match_golden_markdown():
    pages = generate(KB_FIXTURE)
    if os.environ.get("UPDATE_GOLDEN"):
        pipeline.write_pages(pages, GOLDEN)
    expected = {p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8") for p in GOLDEN.rglob("*.md")}
    assert sorted(pages) == sorted(expected)
    for path, content in pages.items():
        assert content == expected[path], f"{path} differs from tests/golden/{path} (UPDATE_GOLDEN=1 to accept)"


def test_output_is_deterministic(kb_copy):
    first = generate(kb_copy)
    # Touching files and re-reading them must not change a byte.
    for path in (kb_copy / "entries").rglob("*.yaml"):
        os.utime(path)
    assert generate(kb_copy) == first


def test_build_writes_only_changed_pages_and_removes_deleted(kb_copy, tmp_path):
    out = tmp_path / "pages"
    first = run_cli("build", "--out", str(out), root=kb_copy)
    assert first.returncode == 0, first.stdout
    total = len(list(out.rglob("*.md")))
    assert f"{total} pages generated" in first.stdout and f"{total} written" in first.stdout
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*.md")}

    again = run_cli("build", "--out", str(out), root=kb_copy)
    assert f"0 written, 0 removed, {total} unchanged" in again.stdout
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.md")} == mtimes

    outlet = kb_copy / "entries/actors/outlet-two.yaml"
    outlet.write_text(outlet.read_text().replace("name: Outlet Two", "name: Outlet 2"))
    changed = run_cli("build", "--out", str(out), root=kb_copy)
    # Its own page, the actors index, the incident and the two narratives that
    # list it, the source page that lists it among the entries citing it,
    # the timeline, the overview map, and the debunk whose ClaimReview names
    # the claim's authors.
    assert f"9 written, 0 removed, {total - 9} unchanged" in changed.stdout

    (kb_copy / "entries/debunks/claim-false.yaml").unlink()
    removed = run_cli("build", "--out", str(out), root=kb_copy)
    assert removed.returncode == 0
    assert not (out / "debunks/claim-false.md").exists()
    assert "1 removed" in removed.stdout


def test_failed_check_writes_nothing(kb_copy, tmp_path):
    out = tmp_path / "pages"
    run_cli("build", "--out", str(out), root=kb_copy)
    before = {p: p.read_bytes() for p in out.rglob("*.md")}
    (kb_copy / "entries/actors/actor-one.yaml").write_text("id: actor-one\nname: [unclosed\n")
    result = run_cli("build", "--out", str(out), root=kb_copy)
    assert result.returncode == 1
    assert "no pages written" in result.stdout
    assert {p: p.read_bytes() for p in out.rglob("*.md")} == before


@pytest.mark.parametrize("field, hostile", [
    ("name", "[click](javascript:alert(1))"),
    ("name", "**bold** `code` {: onclick=alert(1) }"),
    ("aliases", ["<img src=x onerror=alert(1)>"]),
])
def test_plain_text_fields_cannot_inject_markdown(kb_copy, field, hostile):
    import yaml
    path = kb_copy / "entries/actors/actor-one.yaml"
    data = yaml.safe_load(path.read_text())
    data[field] = hostile
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    result = pipeline.check(kb_copy)
    if not result.ok:  # HTML or a script link in a plain field is refused outright
        assert {d.code for d in result.diagnostics} <= {"E301", "E302"}
        return
    page = pipeline.generate(result)[1]["actors/actor-one.md"]
    body = page.split("\n---\n", 1)[1]  # the front matter is YAML, not Markdown
    html = markdown.markdown(body, extensions=["attr_list", "admonition", "tables", "toc"])
    attributes = Attributes()
    attributes.feed(html)
    assert not [v for k, v in attributes.found if k == "href" and v.lower().startswith("javascript")]
    assert not [k for k, _ in attributes.found if k.startswith("on")]
    assert "img" not in attributes.tags
    assert "<strong>bold</strong>" not in html and "<code>code</code>" not in html


class Attributes(HTMLParser):
    """Collects every tag and attribute of a page, as a browser would parse them."""

    def __init__(self):
        super().__init__()
        self.found, self.tags = [], set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.found.extend((k, v or "") for k, v in attrs)


def test_exclamation_before_a_citation_stays_text(kb_copy):
    path = kb_copy / "entries/narratives/variant.yaml"
    path.write_text(path.read_text().replace("explainer: The variant adds a twist [@post-b].",
                                             "explainer: The variant adds a twist![@post-b]"))
    page = generate(kb_copy)["narratives/variant.md"]
    html = markdown.markdown(page.split("\n---\n", 1)[1], extensions=["attr_list", "admonition", "tables"])
    assert "<img" not in html
    assert 'twist!<a href="#ref-1" rel="noopener noreferrer">[1]</a>' in html


def test_map_layout_places_boxes_and_edges_on_the_grid():
    """Columns by kind, the page's entry first, at most MAX_PER_COLUMN boxes a column, edges between box sides."""
    from kb import maps

    focus = maps.Node("actor", "actors", "a0", "Actor zero", True)
    other_actor = maps.Node("actor", "actors", "a1", "Actor one")
    incidents = [maps.Node("incident", "incidents", f"i{k}", f"Incident {k}") for k in range(30)]
    nodes = [other_actor, *incidents, focus]
    edges = [(focus, other_actor), *((focus, i) for i in incidents), (incidents[0], other_actor)]
    import xml.etree.ElementTree as ET

    svg = ET.fromstring(maps.svg(nodes, edges, "Map", "../../").replace(' xmlns="http://www.w3.org/2000/svg"', ""))

    assert (svg.get("width"), svg.get("height")) == ("440", str(maps.TOP + 25 * (maps.BOX_H + maps.GAP_Y)))
    lines = [(line.get("x1"), line.get("y1"), line.get("x2"), line.get("y2")) for line in svg.iter("line")]
    assert len(lines) == 1 + maps.MAX_PER_COLUMN + 1
    assert lines[0] == ("0", "57.0", "0", "101.0")  # same column: left side to left side
    assert lines[4] == ("200", "57.0", "240", "189.0")  # to the fourth incident
    assert lines[-1] == ("200", "101.0", "240", "57.0")  # drawn from the left box whichever end comes first
    boxes = {a.get("href"): (a.find("rect").get("x"), a.find("rect").get("y"), a.find("text").get("x"), a.find("text").get("y"))
             for a in svg.iter("a")}
    assert boxes["../../actors/a0/"] == ("0", "40", "8", "62.0")
    assert boxes["../../actors/a1/"] == ("0", "84", "8", "106.0")
    assert boxes["../../incidents/i0/"] == ("240", "40", "248", "62.0")
    assert "../../incidents/i24/" not in boxes
    more = [t for t in svg.iter("text") if t.get("class") == "kb-map-more"]
    assert [(t.get("x"), t.get("y"), t.text) for t in more] == [("248", "1118.0", "and 6 more")]


def test_plain_drops_citations_link_syntax_and_markup_characters():
    from kb.text import plain

    assert plain("A claim [@src-1, p. 4] and [a link](https://example.org) with *stars*.") == \
        "A claim and a link with stars."
    assert plain("![an image](https://example.org/x.png)  spread\n widely [@src-2]") == "an image spread widely"
    # Text without citations or links goes through the same way.
    assert plain("No markup here,  just [brackets] (and parentheses) #1") == "No markup here, just [brackets] (and parentheses) 1"


def test_citations_number_sources_in_order_of_first_appearance():
    from markupsafe import Markup

    from kb.views import Citations, SourceDetails

    cites = Citations(lambda source_id: SourceDetails(link=source_id, publisher="", date="", url=None))
    text = cites.text("Said twice [@a] and [@b, p. 2] and again [@a].")
    assert isinstance(text, Markup)
    link = '<a href="#ref-{0}" rel="noopener noreferrer">[{0}]</a>'
    assert text == (f'<div class="kb-text">\n<p>Said twice {link.format(1)} and {link.format(2)} '
                    f'and again {link.format(1)}.</p>\n</div>')
    listed = cites.cite_all(["c", {"source": "b", "locator": "p. 2"}, {"source": "b"}])
    assert isinstance(listed, Markup) and listed == r"[\[3\]](#ref-3)[\[2\]](#ref-2)[\[4\]](#ref-4)"
    assert cites.cite_all(None) == "" and isinstance(cites.cite_all([]), Markup)
    assert cites.cite_value("a") == r"[\[1\]](#ref-1)" and isinstance(cites.cite_value("a"), Markup)
    assert [(number, locator, link) for number, link, _publisher, _date, locator, _url, _host in cites.references()] == \
        [(1, "", "a"), (2, "p. 2", "b"), (3, "", "c"), (4, "", "b")]


def test_chronological_orders_by_partial_date_then_id():
    """Year-only dates come before months of that year, months before their days; ties by id."""
    from kb.dates import parse_date
    from kb.entries import Entry
    from kb.graph import chronological, incident_date
    from kb.schema import load_schema

    kind = load_schema().kinds["incident"]
    dated = [("b", "2020-01-05"), ("a", "2020"), ("c", "2019-12-31"), ("e", "2020-01"), ("d", "2020-01"), ("f", 2021)]
    incidents = [Entry(kind=kind, path=f"entries/incidents/{i}.yaml", data={"id": i, "date": d}) for i, d in dated]
    ordered = chronological(incidents)
    assert [e.id for e in ordered] == ["c", "a", "d", "e", "b", "f"]
    assert ordered == sorted(incidents, key=lambda e: (incident_date(e), e.id))
    assert parse_date("2020") < parse_date("2020-01") < parse_date("2020-01-05")
