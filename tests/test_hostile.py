"""Hostile and broken entries, as a stranger's pull request may bring them.

Every one must give exact `path:line: CODE message` diagnostics and exit 1
without a traceback, and must leave the pages of the previous build byte
for byte as they were. Markup injected into any text field of any kind must
be refused by `check` or come out inert in the built HTML.
"""
from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import KB_FIXTURE, ROOT, run_cli
from kb import pipeline
from kb.schema import load_schema
from kbgen import Targets, dump, line_of, minimal_entry, set_slot, slots

SCHEMA = load_schema()


# -- reading built HTML --------------------------------------------------------

DANGEROUS_TAGS = {"script", "iframe", "frame", "object", "embed", "base"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href", "srcset"}
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")


class MarkupAudit(HTMLParser):
    """Collects what could run in a browser: scripts, handlers, script URLs, frames."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple] = []
        self.problems: list[str] = []
        self._script: list | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            # Browsers ignore whitespace and control characters inside a scheme.
            squeezed = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name in URL_ATTRIBUTES and squeezed.startswith(UNSAFE_SCHEMES):
                self.problems.append(f"<{tag} {name}={value[:40]}>")
        if tag == "script":
            self._script = [dict(attrs), ""]  # judged when it ends
        elif tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")

    def handle_data(self, data):
        if self._script is not None:
            self._script[1] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append(tuple(self._script))
            self._script = None


def audit(html: str) -> MarkupAudit:
    parser = MarkupAudit()
    parser.feed(html)
    parser.close()
    return parser


def foreign_scripts(page: Path, site: Path, scripts, theme_inline: set[str]) -> list[str]:
    """Scripts that are neither the theme's inline ones, nor data, nor files of the site itself."""
    foreign = []
    for attrs, text in scripts:
        src, kind = attrs.get("src"), attrs.get("type") or ""
        if src is not None:
            remote = re.match(r"^([a-z][a-z0-9+.-]*:|//)", src.strip(), re.IGNORECASE)
            target = (site / src.lstrip("/")) if src.startswith("/") else (page.parent / src)
            if remote or not target.resolve().is_relative_to(site.resolve()):
                foreign.append(f"<script src={src[:60]}>")
        elif kind.endswith("json"):
            try:  # a payload that closed the script early would leave broken JSON
                json.loads(text)
            except ValueError:
                foreign.append(f"<script type={kind}> that is not valid JSON: {text[:60]}")
        elif text[:20] not in theme_inline:
            foreign.append(f"<script>{text[:60]}")
    return foreign


def unsafe_markup(site: Path) -> dict[str, list[str]]:
    """Problems per page of a built site; the home page's inline scripts are the theme's own."""
    theme_inline = {text[:20] for attrs, text in audit((site / "index.html").read_text(encoding="utf-8")).scripts
                    if not attrs}
    found = {}
    for page in sorted(site.rglob("*.html")):
        result = audit(page.read_text(encoding="utf-8"))
        problems = result.problems + foreign_scripts(page, site, result.scripts, theme_inline)
        if problems:
            found[page.relative_to(site).as_posix()] = problems
    # The search box shows the index's titles and text as text, never as markup
    # (tests/browser/test_search.py); what it makes a link of is each page's address.
    fragments = sorted((site / "pagefind" / "fragment").glob("*.pf_fragment"))
    for fragment in fragments:
        url = json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd"):])["url"]
        if not re.fullmatch(r"/[\w./-]*", url):
            found[f"search:{fragment.name}"] = [f"result link {url!r}"]
    if not fragments:
        found["search"] = ["no search index"]
    return found


# -- fixture sites ---------------------------------------------------------------

def site_copy(target: Path) -> Path:
    """A copy of the fixture site whose configurations (every language's) work from anywhere."""
    shutil.copytree(KB_FIXTURE, target)
    for config in target.glob("mkdocs*.yml"):
        config.write_text(config.read_text(encoding="utf-8").replace("../../../", f"{ROOT.as_posix()}/"),
                          encoding="utf-8")
    return target


def mkdocs_build(root: Path, out: Path, **env_vars: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **env_vars)
    env.pop("KB_ROOT", None)
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"),
                           "-d", str(out)], capture_output=True, text=True, env=env, timeout=600)


def fixture_targets() -> Targets:
    ids = {kind.name: sorted(p.stem for p in (KB_FIXTURE / "entries" / kind.folder).glob("*.yaml"))
           for kind in SCHEMA.kinds.values()}
    return Targets(ids)


# -- markup injection into every text field -----------------------------------------

# name -> (payload, whether it holds an HTML tag that check must refuse)
PAYLOADS = {
    "script-tag": ("<script>alert(1)</script>", True),
    "img-onerror": ("<img src=x onerror=alert(1)>", True),
    "iframe": ('<iframe src="https://evil.example/"></iframe>', True),
    "spaced-tag": ("< script >alert(1)</ script>", True),
    "comment-then-script": ("<!-- x --><script>alert(1)</script>", True),
    "md-javascript-link": ("[x](javascript:alert(1))", False),
    "md-javascript-image": ("![x](javascript:alert(1))", False),
    "md-javascript-upper": ("[x]( JAVASCRIPT:alert(1) )", False),
    "md-javascript-angle": ("[x](<javascript:alert(1)>)", True),
    "md-javascript-entity": ("[x](java&#115;cript:alert(1))", False),
    "md-vbscript-link": ("[x](vbscript:msgbox(1))", False),
    "md-data-link": ("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", False),
    "md-data-html-link": ("[x](data:text/html,<script>alert(1)</script>)", True),
    "reference-definition": ("[x]: javascript:alert(1)", False),
    "autolink": ("<javascript:alert(1)>", True),
    "attribute-list": ('**x**{: onclick="alert(1)" }', False),
    "attribute-list-bare": ("x {: onclick=alert(1) }", False),
    "named-entities": ("&lt;script&gt;alert(1)&lt;/script&gt;", False),
    "numeric-entities": ("&#60;script&#62;alert(1)&#60;/script&#62;", False),
    "quote-breakout": ('x" onmouseover="alert(1)" y="', False),
    "single-quote-breakout": ("x' onmouseover='alert(1)' y='", False),
}
# Payloads only Markdown text fields can hold (several lines).
TEXT_PAYLOADS = {
    "reference-link": ("See [x][evil].\n\n[evil]: javascript:alert(1)\n", False),
    "reference-link-next-line": ("See [x][evil].\n\n[evil]:\n    javascript:alert(1)\n", False),
    "block-attribute-list": ("A paragraph.\n{: onclick=\"alert(1)\" }\n", False),
    "heading-attribute-list": ("# Heading {: onclick=\"alert(1)\" }\n\nText.\n", False),
    "raw-html-block": ("Text.\n\n<div onclick=\"alert(1)\">\nx\n</div>\n", True),
    # Issue 20: definitions the old regexes missed, and a tracking pixel.
    "definition-in-quote": ("See [x].\n\n> [x]: javascript:alert(document.domain)\n", True),
    "definition-in-list": ("See [x].\n\n- [x]: javascript:alert(2)\n", True),
    "definition-in-ordered-list": ("See [x].\n\n1. [x]: javascript:alert(3)\n", True),
    "definition-in-admonition": ("See [x].\n\n!!! note\n    [x]: javascript:alert(4)\n", True),
    "definition-after-cr": ("See [e].\r\r[e]: javascript:alert(5)", True),
    "tracking-pixel": ("![pixel](https://evil.example/pixel.png?reader=1)", True),
}
URL_PAYLOADS = {
    "url-javascript": ("javascript:alert(1)", True),
    "url-data": ("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", True),
    "url-tag": ('https://example.org/"><script>alert(1)</script>', False),
    "url-quote": ('https://example.org/x"onmouseover="alert(1)"', False),
    "url-markdown": ("https://example.org/)[x](javascript:alert(1)", False),
}


class InjectionRun:
    """Writes one entry per kind and payload with the payload in every text slot."""

    def __init__(self, root: Path):
        self.root = root
        self.placed: dict[tuple[str, int], tuple] = {}  # (file, line) -> (slot, payload name, must refuse)
        targets = fixture_targets()
        for kind in SCHEMA.kinds.values():
            kind_slots = slots(SCHEMA, ("str", "text", "url"))
            payloads = {**PAYLOADS, **TEXT_PAYLOADS, **URL_PAYLOADS}
            for name, (payload, must_refuse) in payloads.items():
                chosen = [s for s in kind_slots if s.kind == kind.name and self._fits(s, name)]
                if not chosen:
                    continue
                data = minimal_entry(kind, f"{kind.name}-{name}", targets)
                for slot in chosen:
                    set_slot(data, kind, slot, payload, targets)
                text = dump(data)
                shown = f"entries/{kind.folder}/{data['id']}.yaml"
                (root / shown).write_text(text, encoding="utf-8")
                for slot in chosen:
                    self.placed[(shown, line_of(text, slot.path))] = (slot, name, must_refuse)

    @staticmethod
    def _fits(slot, name) -> bool:
        if slot.type == "url":
            return name in URL_PAYLOADS
        return name in PAYLOADS or (name in TEXT_PAYLOADS and slot.type == "text")

    def disarm(self, diagnostics) -> None:
        """Replaces each refused payload by plain text, so the rest can be built."""
        targets = fixture_targets()
        refused = {(d.path, d.line) for d in diagnostics}
        by_file: dict[str, list] = {}
        for (shown, line), (slot, _name, _must) in self.placed.items():
            if (shown, line) in refused:
                by_file.setdefault(shown, []).append(slot)
        for shown, refused_slots in by_file.items():
            path = self.root / shown
            import yaml
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            kind = SCHEMA.kind_of_folder(shown.split("/")[1])
            for slot in refused_slots:
                set_slot(data, kind, slot, "https://example.org/" if slot.type == "url" else "Plain text", targets)
            path.write_text(dump(data), encoding="utf-8")


def injection_run(root: Path) -> tuple:
    """Every payload put into every text field of a fixture copy at root, what
    check said of it, what it says once the refused payloads are replaced by
    plain text, and the English site built from that: (run, first check,
    second check, build, site folder). The conftest's `injection` fixture
    makes it once per session, for these tests and the browser's."""
    site_copy(root)
    run = InjectionRun(root)
    first = pipeline.check(root)
    run.disarm(first.diagnostics)
    second = pipeline.check(root)
    site = root / "site"
    build = mkdocs_build(root, site) if second.ok else None
    return run, first, second, build, site


def test_injection_covers_every_text_field_of_every_kind(injection):
    run = injection[0]
    covered = {(slot.kind, slot.name) for slot, _name, _must in run.placed.values()}
    expected = {(s.kind, s.name) for s in slots(SCHEMA, ("str", "text", "url"))}
    assert covered == expected
    assert len(run.placed) > 500


def test_refused_payloads_are_reported_at_their_line_as_markup(injection):
    run, first = injection[0], injection[1]
    unexpected = [str(d) for d in first.diagnostics if (d.path, d.line) not in run.placed
                  or d.code not in ({"E105"} if run.placed[(d.path, d.line)][0].type == "url"
                                    else {"E301", "E302", "E304", "E109"})]
    assert unexpected == []


def test_every_html_tag_and_bad_url_is_refused(injection):
    run, first = injection[0], injection[1]
    refused = {(d.path, d.line) for d in first.diagnostics}
    let_through = sorted(f"{where[0]}:{where[1]} {slot.name} ({name})" for where, (slot, name, must) in run.placed.items()
                         if must and where not in refused)
    assert let_through == []


def test_markdown_links_to_script_urls_are_refused_in_every_text_field(injection):
    run, first = injection[0], injection[1]
    refused = {(d.path, d.line) for d in first.diagnostics}
    inline = {name for name, (payload, _must) in PAYLOADS.items() if re.search(r"\]\(\s*(?!https?:)", payload)}
    let_through = sorted(f"{where[0]}:{where[1]} {slot.name} ({name})" for where, (slot, name, _must) in run.placed.items()
                         if (name in inline or (slot.type == "text" and "javascript:" in TEXT_PAYLOADS.get(name, ("",))[0]))
                         and where not in refused)
    assert let_through == []


def test_what_check_lets_through_builds_to_inert_html(injection):
    _run, _first, second, build, site = injection
    assert second.ok, [str(d) for d in second.diagnostics]
    assert build.returncode == 0, build.stderr[-3000:]
    assert unsafe_markup(site) == {}
    # The payloads are there as text, so the audit looked at the right pages.
    page = (site / "actors" / "actor-quote-breakout" / "index.html").read_text(encoding="utf-8")
    assert "onmouseover=&#34;alert(1)" in page or "onmouseover=&quot;alert(1)" in page


# -- broken and hostile files: exact diagnostics, previous pages untouched ------------

HOSTILE = Path(__file__).resolve().parent / "hostile"
SUMMARY = re.compile(r"^\d+ problems? in \d+ files?$")
ACTOR = "id: {id}\nname: Someone\nactor_type: person\ndescription: Somebody.\n"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built_base(tmp_path_factory):
    """The fixture knowledge base with its pages built once, as a previous run left them."""
    base = tmp_path_factory.mktemp("built") / "kb"
    shutil.copytree(KB_FIXTURE, base)
    result = run_cli("build", "--out", str(base / "pages"), root=base)
    assert result.returncode == 0, result.stdout
    return base, snapshot(base / "pages")


@pytest.fixture
def built_copy(built_base, tmp_path):
    base, pages = built_base
    copy = tmp_path / "kb"
    shutil.copytree(base, copy)
    assert pages, "the previous build left no pages to protect"
    return copy, pages


def assert_refused(cli, root: Path, pages_before: dict, expected: list[str]) -> None:
    """`build` refuses the entries at root with exactly the expected lines and
    leaves the pages as they were; cli runs build_entries.py (run_cli or the
    conftest's cli_in_process)."""
    code, out, err = cli("build", "--out", str(root / "pages"), root=root)
    lines = out.splitlines()
    assert lines[:-2] == expected
    assert SUMMARY.match(lines[-2]) and lines[-1] == "no pages written"
    assert code == 1
    assert err == ""
    assert snapshot(root / "pages") == pages_before


def command_line(*args, root: Path) -> tuple[int, str, str]:
    done = run_cli(*args, root=root)
    return done.returncode, done.stdout, done.stderr


FIXTURES = sorted(HOSTILE.glob("*.yaml"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_hostile_fixture_is_refused_and_pages_survive(fixture, built_copy, cli_in_process):
    """In this process, for speed; the made cases below go through the command line."""
    from test_check import read_header

    root, pages = built_copy
    place, expected = read_header(fixture)
    target = root / place
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(fixture.read_bytes())
    assert_refused(cli_in_process, root, pages, expected)


# Cases that are binary, huge or more than one file, made in code: name -> function
# that writes them into a knowledge base and returns the expected diagnostics.
def ten_megabytes(root: Path) -> list[str]:
    data = (ACTOR.format(id="huge") + "aliases:\n  - " + "x" * 10_000_000 + "\n").encode()
    (root / "entries/actors/huge.yaml").write_bytes(data)
    return [f"entries/actors/huge.yaml:1: E001 file is {len(data):,} bytes; entries are limited to 1,000,000"]


def latin1_bytes(root: Path) -> list[str]:
    (root / "entries/actors/latin.yaml").write_bytes(ACTOR.format(id="latin").replace("Someone", "Caf\xe9").encode("latin-1"))
    return ["entries/actors/latin.yaml:2: E001 bytes that are not UTF-8 (byte 0xe9); save the file as UTF-8"]


def utf16(root: Path) -> list[str]:
    (root / "entries/actors/wide.yaml").write_bytes(ACTOR.format(id="wide").encode("utf-16"))
    return ["entries/actors/wide.yaml:1: E001 bytes that are not UTF-8 (byte 0xff); save the file as UTF-8"]


def byte_order_mark(root: Path) -> list[str]:
    (root / "entries/actors/marked.yaml").write_bytes(b"\xef\xbb\xbf" + ACTOR.format(id="marked").encode())
    return ["entries/actors/marked.yaml:1: E001 file starts with a byte-order mark; save it as UTF-8 without BOM"]


def crlf(root: Path) -> list[str]:
    (root / "entries/actors/windows.yaml").write_bytes(ACTOR.format(id="windows").replace("\n", "\r\n").encode())
    return ["entries/actors/windows.yaml:1: E001 Windows (CRLF) or CR line ends; save the file with Unix (LF) line ends"]


def nul_byte(root: Path) -> list[str]:
    (root / "entries/actors/nul-byte.yaml").write_bytes(ACTOR.format(id="nul-byte").replace("Someone", "Some\0one").encode())
    return ["entries/actors/nul-byte.yaml:2: E001 invisible character U+0000, which YAML refuses or reads as a line break; remove it"]


def line_separator(root: Path) -> list[str]:
    (root / "entries/actors/separated.yaml").write_text(ACTOR.format(id="separated") + "aliases: [\"a\u2028b\"]\n", encoding="utf-8")
    return ["entries/actors/separated.yaml:5: E001 invisible character U+2028, which YAML refuses or reads as a line break; remove it"]


def empty_file(root: Path) -> list[str]:
    (root / "entries/actors/nothing.yaml").write_bytes(b"")
    return ["entries/actors/nothing.yaml:1: E006 file is empty; an entry is a mapping of fields"]


def deep_flow_nesting(root: Path) -> list[str]:
    # Deep enough to overflow the C stack of a recursive parser.
    (root / "entries/actors/abyss.yaml").write_text(ACTOR.format(id="abyss") + "aliases: " + "[" * 100_000 + "]" * 100_000 + "\n")
    return ["entries/actors/abyss.yaml:5: E005 nesting deeper than 32 levels"]


def case_only_collision(root: Path) -> list[str]:
    (root / "entries/actors/putin.yaml").write_text(ACTOR.format(id="putin"))
    (root / "entries/actors/Putin.yaml").write_text(ACTOR.format(id="putin"))
    return ["entries/actors/Putin.yaml:1: E107 id 'putin' does not match the file name 'Putin.yaml'",
            "entries/actors/Putin.yaml:1: E108 id 'putin' is already used by entries/actors/putin.yaml"]


def upper_case_id_and_file(root: Path) -> list[str]:
    (root / "entries/actors/putin.yaml").write_text(ACTOR.format(id="putin"))
    (root / "entries/actors/Putin.yaml").write_text(ACTOR.format(id="Putin"))
    return ["entries/actors/Putin.yaml:1: E106 'id': 'Putin' is not a valid id: use lower-case ASCII letters, digits and single hyphens",
            "entries/actors/Putin.yaml:1: E108 id 'Putin' is already used by entries/actors/putin.yaml"]


def symlink_outside(root: Path) -> list[str]:
    outside = root.parent / "outside.yaml"
    outside.write_text(ACTOR.format(id="passwd"))
    (root / "entries/actors/passwd.yaml").symlink_to(outside)
    return ["entries/actors/passwd.yaml:1: E010 symbolic link that points outside entries/; entries must be regular files"]


def symlink_folder_outside(root: Path) -> list[str]:
    outside = root.parent / "elsewhere"
    outside.mkdir()
    (outside / "smuggled.yaml").write_text(ACTOR.format(id="smuggled"))
    (root / "entries/actors/elsewhere").symlink_to(outside, target_is_directory=True)
    return ["entries/actors/elsewhere:1: E010 symbolic link that points outside entries/; entries must be regular files"]


def symlink_loop(root: Path) -> list[str]:
    (root / "entries/actors/loop.yaml").symlink_to("loop.yaml")
    return ["entries/actors/loop.yaml:1: E010 symbolic link that loops; entries must be regular files"]


def control_character_in_file_name(root: Path) -> list[str]:
    (root / "entries/actors/two\nlines.yaml").write_text(ACTOR.format(id="two-lines"))
    return ["entries/actors/two\\nlines.yaml:1: E010 file name contains control characters; rename it to <id>.yaml"]


def three_narrative_cycle(root: Path) -> list[str]:
    for name, parent in (("ring-a", "ring-b"), ("ring-b", "ring-c"), ("ring-c", "ring-a")):
        (root / f"entries/narratives/{name}.yaml").write_text(
            f"id: {name}\ntitle: {name}\nsummary: One of three.\nparent: {parent}\nexplainer: Round [@report-a].\nsources: [report-a]\n")
    return ["entries/narratives/ring-a.yaml:4: E203 parent narratives form a cycle: ring-a -> ring-b -> ring-c -> ring-a",
            "entries/narratives/ring-b.yaml:4: E203 parent narratives form a cycle with 'ring-a' (listed at entries/narratives/ring-a.yaml)",
            "entries/narratives/ring-c.yaml:4: E203 parent narratives form a cycle with 'ring-a' (listed at entries/narratives/ring-a.yaml)"]


MADE = [ten_megabytes, latin1_bytes, utf16, byte_order_mark, crlf, nul_byte, line_separator, empty_file,
        deep_flow_nesting, case_only_collision, upper_case_id_and_file, symlink_outside, symlink_folder_outside,
        symlink_loop, control_character_in_file_name, three_narrative_cycle]


@pytest.mark.parametrize("make", MADE, ids=[m.__name__ for m in MADE])
def test_made_hostile_case_is_refused_and_pages_survive(make, built_copy):
    root, pages = built_copy
    expected = make(root)
    assert_refused(command_line, root, pages, expected)


def test_file_system_is_case_sensitive_here(tmp_path):
    # The case-collision cases need two files that differ only in case.
    (tmp_path / "a.yaml").write_text("1")
    (tmp_path / "A.yaml").write_text("2")
    assert len(list(tmp_path.iterdir())) == 2


# -- the MkDocs build: a hostile entry fails it and the last good site stays ----------

def test_mkdocs_build_with_a_hostile_entry_fails_and_keeps_the_last_site(tmp_path):
    root = site_copy(tmp_path / "kb")
    site = tmp_path / "site"
    first = mkdocs_build(root, site)
    assert first.returncode == 0, first.stderr[-3000:]
    before = snapshot(site)
    (root / "entries/actors/intruder.yaml").write_text(ACTOR.format(id="intruder").replace("Somebody.", "<script>alert(1)</script>"))
    second = mkdocs_build(root, site)
    assert second.returncode != 0
    assert "entries/actors/intruder.yaml:4: E301 'description' contains raw HTML (<script>); use Markdown instead" in second.stderr
    assert "Traceback" not in second.stderr
    assert snapshot(site) == before
    # Without Pagefind's indexer (pagefind's documented PAGEFIND_BINARY_PATH
    # pointing nowhere) the build fails and says what to install.
    (root / "entries/actors/intruder.yaml").unlink()
    third = mkdocs_build(root, tmp_path / "elsewhere", PAGEFIND_BINARY_PATH=str(tmp_path / "no-pagefind"))
    assert third.returncode != 0
    assert "search: Pagefind could not index" in third.stderr and "pip install -r requirements.txt" in third.stderr
    assert "Traceback" not in third.stderr


def make_build(root: Path, site: Path, languages: str = "ru kk") -> subprocess.CompletedProcess:
    """`make build` of the site at root into site; languages: the other
    languages built beside English (fewer where a test is about the swap only)."""
    # -o: never reinstall the virtualenv from inside a test.
    return subprocess.run(["make", "-C", str(ROOT), "-o", ".venv/.installed", "build",
                           f"SITE={site}", f"MKDOCS_CONFIG={root / 'mkdocs.yml'}", f"LANGS={languages}"],
                          capture_output=True, text=True, timeout=600)


def test_make_build_swaps_in_a_new_site_only_when_the_build_succeeds_and_recovers_an_interrupted_swap(tmp_path):
    root = site_copy(tmp_path / "kb")
    site = tmp_path / "site"
    first = make_build(root, site)
    assert first.returncode == 0, first.stderr[-3000:]
    before = snapshot(site)
    assert {"index.html", "ru/index.html", "kk/index.html"} <= set(before)
    # A broken link fails the strict build after MkDocs has started writing.
    (root / "docs" / "index.md").write_text("# Home\n\n[gone](missing-page.md)\n", encoding="utf-8")
    second = make_build(root, site)
    assert second.returncode != 0
    assert "missing-page.md" in second.stderr
    assert snapshot(site) == before
    (root / "docs" / "index.md").write_text("# Home again\n", encoding="utf-8")
    third = make_build(root, site, languages="")
    assert third.returncode == 0, third.stderr[-3000:]
    assert "Home again" in (site / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kb", "site"]
    # A swap interrupted between its two renames (by SIGTERM, say) leaves the
    # last good site at site.old; the next build puts it back, even if it fails.
    site.rename(tmp_path / "site.old")
    (root / "docs" / "index.md").write_text("# Home\n\n[gone](missing-page.md)\n", encoding="utf-8")
    fourth = make_build(root, site, languages="")
    assert fourth.returncode != 0
    assert "Home again" in (site / "index.html").read_text(encoding="utf-8")
    assert not (tmp_path / "site.old").exists()


def test_pages_rendered_without_the_check_are_still_inert(tmp_path):
    """Defence in depth: the payloads check refuses are rendered inert too."""
    import markdown
    import yaml

    root = site_copy(tmp_path / "kb")
    InjectionRun(root)
    refused = pipeline.check(root, SCHEMA)
    as_if_clean = pipeline.CheckResult(refused.entries, [], refused.references, root)
    pages = pipeline.generate(as_if_clean, history={})[1]
    found = {}
    for name, text in pages.items():
        if not name.endswith(".md"):
            continue
        front, body = text[4:].split("\n---\n", 1) if text.startswith("---\n") else ("", text)
        meta = yaml.safe_load(front) or {}
        # The theme prints these two into the head without escaping.
        head = f'<title>{meta.get("title", "")}</title><meta name="description" content="{meta.get("description", "")}">'
        html = markdown.markdown(body, extensions=["admonition", "attr_list", "tables", "toc"])
        result = audit(head + html)
        if result.problems or result.scripts:
            found[name] = result.problems + [str(s)[:80] for s in result.scripts]
    assert found == {}
