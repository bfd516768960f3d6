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


def test_build_writes_only_changed_pages_and_removes_deleted(kb_copy, tmp_path, cli_in_process):
    # The first build through the command line, the others in this process (cli_in_process), for speed.
    out = tmp_path / "pages"
    first = run_cli("build", "--out", str(out), root=kb_copy)
    assert first.returncode == 0, first.stdout
    total = len(list(out.rglob("*.md")))
    assert f"{total} pages generated" in first.stdout and f"{total} written" in first.stdout
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*.md")}

    _code, again, _err = cli_in_process("build", "--out", str(out), root=kb_copy)
    assert f"0 written, 0 removed, {total} unchanged" in again
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.md")} == mtimes

    outlet = kb_copy / "entries/actors/outlet-two.yaml"
    outlet.write_text(outlet.read_text().replace("name: Outlet Two", "name: Outlet 2"))
    _code, changed, _err = cli_in_process("build", "--out", str(out), root=kb_copy)
    # Its own page, the actors index, the incident and the two narratives that
    # list it, the source page that lists it among the entries citing it,
    # the timeline and the incidents index (whose actor filters name it), the
    # overview, and the debunk whose ClaimReview names the claim's authors.
    assert f"10 written, 0 removed, {total - 10} unchanged" in changed

    (kb_copy / "entries/debunks/claim-false.yaml").unlink()
    code, removed, _err = cli_in_process("build", "--out", str(out), root=kb_copy)
    assert code == 0
    assert not (out / "debunks/claim-false.md").exists()
    assert "1 removed" in removed


def test_failed_check_writes_nothing(kb_copy, tmp_path, cli_in_process):
    out = tmp_path / "pages"
    cli_in_process("build", "--out", str(out), root=kb_copy)
    before = {p: p.read_bytes() for p in out.rglob("*.md")}
    (kb_copy / "entries/actors/actor-one.yaml").write_text("id: actor-one\nname: [unclosed\n")
    code, said, _err = cli_in_process("build", "--out", str(out), root=kb_copy)
    assert code == 1
    assert "no pages written" in said
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


def test_map_is_a_tree_of_whole_labels_grouped_by_kind():
    """The entry on top, one group per kind, every title whole (wrapped, never cut), one branch per box."""
    import xml.etree.ElementTree as ET

    from kb import maps

    focus = maps.Node("actor", "actors", "a0", "Actor zero", True)
    long_title = "An incident with a title far longer than one line of a box can hold, wrapped at words"
    incidents = [maps.Node("incident", "incidents", f"i{k}", long_title if k == 0 else f"Incident {k}") for k in range(30)]
    narrative = maps.Node("narrative", "narratives", "n0", "Narrative zero")
    svg = ET.fromstring(maps.svg(focus, {"narrative": [narrative], "incident": incidents}, "Map", "../../")
                        .replace(' xmlns="http://www.w3.org/2000/svg"', ""))

    assert svg.get("viewBox").startswith(f"0 0 {maps.WIDTH} ")
    boxes = {a.get("href"): " ".join(t.text for t in a.iter("tspan")) for a in svg.iter("a")}
    assert list(boxes)[:2] == ["../../actors/a0/", "../../narratives/n0/"]
    assert boxes["../../incidents/i0/"] == long_title
    assert len([t for t in svg.find(".//a[@href='../../incidents/i0/']").iter("tspan")]) > 1
    assert len(boxes) == 1 + 1 + maps.MAX_PER_GROUP
    headings = [t.text for t in svg.iter("text") if t.get("class") == "kb-map-heading"]
    assert headings == ["Narratives (1)", "Incidents (30)"]
    assert [t.text for t in svg.iter("text") if t.get("class") == "kb-map-more"] == ["and 6 more, listed above"]
    branches = list(svg.iter("line"))
    assert len(branches) == 1 + maps.MAX_PER_GROUP + 1  # one per box, and the trunk
    assert all(int(r.get("x")) + int(r.get("width")) <= maps.WIDTH for r in svg.iter("rect"))


def test_plain_drops_citations_link_syntax_and_markup_characters():
    from kb.text import plain

    assert plain("A claim [@src-1, p. 4] and [a link](https://example.org) with *stars*.") == \
        "A claim and a link with stars."
    assert plain("![an image](https://example.org/x.png)  spread\n widely [@src-2]") == "an image spread widely"
    # Text without citations or links goes through the same way.
    assert plain("No markup here,  just [brackets] (and parentheses) #1") == "No markup here, just [brackets] (and parentheses) 1"


def test_citations_number_documents_and_letter_the_places_cited_in_them():
    from markupsafe import Markup

    from kb.views import Citations, SourceDetails

    cites = Citations(lambda source_id: SourceDetails(link=source_id, publisher="", date="", url=None))
    text = cites.text("Said twice [@a] and [@b, p. 2] and again [@a], then [@b, p. 5].")
    assert isinstance(text, Markup)
    link = '<a href="#ref-{0}" rel="noopener noreferrer">[{0}]</a>'
    assert text == (f'<div class="kb-text">\n<p>Said twice {link.format(1)} and {link.format("2a")} '
                    f'and again {link.format(1)}, then {link.format("2b")}.</p>\n</div>')
    listed = cites.cite_all(["c", {"source": "b", "locator": "p. 2"}, {"source": "b"}, "c"])
    # In reference order, each once, apart.
    assert isinstance(listed, Markup) and listed == r"[\[2\]](#ref-2) [\[2a\]](#ref-2a) [\[3\]](#ref-3)"
    assert cites.cite_all(None) == "" and isinstance(cites.cite_all([]), Markup)
    assert cites.cite_value("a") == r"[\[1\]](#ref-1)" and isinstance(cites.cite_value("a"), Markup)
    assert [(r["number"], r["link"], [(p["label"], p["locator"]) for p in r["places"]]) for r in cites.references()] == \
        [(1, "a", []), (2, "b", [("2a", "p. 2"), ("2b", "p. 5")]), (3, "c", [])]


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


def test_about_page_names_only_the_publisher_and_contact_that_are_configured(kb_copy):
    """No invented organisation: unset values are left out of the page."""
    from kb import pipeline
    from kb.site import Site

    result = pipeline.check(kb_copy)
    bare = pipeline.generate(result, history={}, site=Site())[1]["about.md"]
    assert "published by" not in bare and "mailto:" not in bare
    named = pipeline.generate(result, history={}, site=Site(publisher="Example Media Lab", contact="kb@example.org",
                                                             repo_url="https://example.org/repo"))[1]
    assert "published by Example Media Lab" in named["about.md"]
    assert "(<mailto:kb@example.org>)" in named["about.md"]
    report = next(text for path, text in named.items() if path.startswith("actors/") and not path.endswith("index.md"))
    assert "https://example.org/repo/issues/new?template=report-error.yml&" in report
