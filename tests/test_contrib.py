"""The contributor workflow: scaffold, precise errors and annotations, editor
schemas, the CONTRIBUTING worked example, corrections, and the files under
.github/ that GitHub reads."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema as js
import pytest
import yaml

from conftest import ROOT, run_cli
from kb import editor_schemas as kbjson
from kb import pipeline
from kb.diagnostics import Diagnostic
from kb.yamlfile import decode, parse
from kb.schema import load_schema
from sitecheck import broken_links, parse as parse_html

SCHEMA = load_schema()
KINDS = list(SCHEMA.kinds)
BIN = Path(sys.executable).parent
GITHUB = ROOT / ".github"
FILLED_SOURCE = "filled-source"


# -- helpers -----------------------------------------------------------------

def new(root: Path, kind: str, entry_id: str) -> subprocess.CompletedProcess:
    return run_cli("new", kind, entry_id, root=root)


def blank_value(field) -> str:
    """A valid value for a required field of a scaffold."""
    if field.type == "list":
        return f"[{FILLED_SOURCE}]" if field.items.type == "cite" else "[filled]"
    if field.type == "enum":
        return json.dumps(field.values[0])
    return {
        "str": "Filled in",
        "text": f'"Filled in [@{FILLED_SOURCE}]."',
        "date": '"2020-01-02"',
        "url": "https://example.org/",
        "bool": "true",
        "ref": FILLED_SOURCE,
        "cite": FILLED_SOURCE,
        "slug": "filled",
    }[field.type]


def blank_lines(text: str, kind) -> dict[str, int]:
    """The line of each required field the scaffold left blank."""
    lines = text.split("\n")
    found = {}
    for field in kind.fields:
        if field.required and field.name != "id":
            hits = [n for n, line in enumerate(lines, 1) if re.fullmatch(rf"{field.name}:( \|)?", line)]
            assert len(hits) == 1, f"{kind.name}.{field.name}: expected one blank line, found {hits}"
            found[field.name] = hits[0]
    return found


def fill(path: Path, kind) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    for name, number in blank_lines(text, kind).items():
        lines[number - 1] = f"{name}: {blank_value(kind.field(name))}"
    path.write_text("\n".join(lines), encoding="utf-8")


def scaffold_filled(root: Path, kind: str, entry_id: str) -> Path:
    assert new(root, kind, entry_id).returncode == 0
    path = root / "entries" / SCHEMA.kinds[kind].folder / f"{entry_id}.yaml"
    fill(path, SCHEMA.kinds[kind])
    return path


# -- scaffold ----------------------------------------------------------------

@pytest.fixture(scope="module")
def scaffolds(tmp_path_factory) -> tuple[Path, dict[str, subprocess.CompletedProcess]]:
    """A knowledge base holding one fresh scaffold of each kind (`new KIND new-KIND`), and what `new` printed."""
    root = tmp_path_factory.mktemp("scaffolds")
    return root, {kind: new(root, kind, f"new-{kind}") for kind in KINDS}


def scaffold_path(kind: str) -> str:
    return f"entries/{SCHEMA.kinds[kind].folder}/new-{kind}.yaml"


def test_new_writes_each_kind_and_says_where(scaffolds):
    _root, said = scaffolds
    assert {kind: (done.returncode, done.stdout.splitlines()[:1]) for kind, done in said.items()} == {
        kind: (0, [f"wrote {scaffold_path(kind)}"]) for kind in KINDS}


def test_scaffolds_with_blanks_filled_validate_and_build(scaffolds, tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(scaffolds[0], root)
    for kind in KINDS:
        fill(root / scaffold_path(kind), SCHEMA.kinds[kind])
    scaffold_filled(root, "source", FILLED_SOURCE)  # the source every filled-in citation names
    result = run_cli("check", root=root)
    assert result.returncode == 0, result.stdout
    assert result.stdout.endswith("no problems\n")
    built = run_cli("build", "--out", str(tmp_path / "pages"), root=root)
    assert built.returncode == 0, built.stdout
    for kind in KINDS:
        page = (tmp_path / "pages" / SCHEMA.kinds[kind].folder / f"new-{kind}.md").read_text(encoding="utf-8")
        assert "# Filled in" in page, kind


def test_unfilled_scaffolds_fail_only_on_their_blanks(scaffolds):
    root, _said = scaffolds
    expected = []
    for kind in KINDS:
        shown = scaffold_path(kind)
        text = (root / shown).read_text(encoding="utf-8")
        for name, line in blank_lines(text, SCHEMA.kinds[kind]).items():
            if name == "sources":
                expected.append((shown, line, f"{shown}:{line}: E300 no source cited: add 'sources' with at least one source id"))
            else:
                expected.append((shown, line, f"{shown}:{line}: E101 missing required field '{name}'"))
    check = run_cli("check", root=root)
    assert check.returncode == 1
    body = check.stdout.splitlines()
    assert body[:-1] == [message for _path, _line, message in sorted(expected)]
    assert body[-1] == f"{len(expected)} problems in {len(KINDS)} files"


def test_scaffold_explains_every_field_and_starts_with_the_modeline(scaffolds):
    root, _said = scaffolds
    for kind in SCHEMA.kinds.values():
        text = (root / scaffold_path(kind.name)).read_text(encoding="utf-8")
        assert text.split("\n")[0] == kbjson.modeline(kind)
        for field in kind.fields[1:]:
            # Each field's doc opens the comment block above it.
            assert re.search(rf"^# {re.escape(field.doc.split()[0])}", text, re.M), field.name
            assert re.search(rf"^(# )?{field.name}:", text, re.M), field.name


def test_scaffolds_pass_yamllint(scaffolds):
    result = subprocess.run([str(BIN / "yamllint"), "--strict", "-c", str(ROOT / ".yamllint"), str(scaffolds[0] / "entries")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("args, message", [
    (("actor", "existing-one"), "new: entries/actors/existing-one.yaml already exists; edit it, or choose another id"),
    (("source", "existing-one"), "new: id 'existing-one' is already used by entries/actors/existing-one.yaml; ids are unique across kinds"),
    (("actor", "Bad_Id"), "new: 'Bad_Id' is not a valid id: use lower-case ASCII letters, digits and single hyphens"),
    (("actor", "index"), "new: 'index' is a reserved name; choose another id"),
    (("actr", "someone"), "new: unknown kind 'actr'; choose one of: source, actor, narrative, incident, debunk (did you mean 'actor'?)"),
])
def test_new_refuses_with_a_clear_message(tmp_path, args, message):
    existing = tmp_path / "entries/actors/existing-one.yaml"
    existing.parent.mkdir(parents=True)
    existing.write_text("id: existing-one\n")
    result = new(tmp_path, *args)
    assert result.returncode == 1
    assert result.stderr == message + "\n"
    assert "Traceback" not in result.stderr
    assert existing.read_text() == "id: existing-one\n"
    assert sorted(p.name for p in tmp_path.rglob("*.yaml")) == ["existing-one.yaml"]


def test_new_accepts_the_folder_name_as_kind(tmp_path):
    assert new(tmp_path, "actors", "plural-kind").returncode == 0
    assert (tmp_path / "entries/actors/plural-kind.yaml").is_file()


# -- annotations ---------------------------------------------------------------

def test_annotations_point_at_the_blank_lines(tmp_path):
    new(tmp_path, "actor", "annotated")
    text = (tmp_path / "entries/actors/annotated.yaml").read_text()
    lines = blank_lines(text, SCHEMA.kinds["actor"])
    result = run_cli("check", root=tmp_path, env={"GITHUB_ACTIONS": "true"})
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert annotations == [
        f"::error file=entries/actors/annotated.yaml,line={lines[name]},title=E101::missing required field '{name}'"
        for name in ("name", "actor_type", "description")]
    plain = run_cli("check", root=tmp_path)
    assert not [line for line in plain.stdout.splitlines() if line.startswith("::")]
    forced = run_cli("--github", "check", root=tmp_path)
    assert [line for line in forced.stdout.splitlines() if line.startswith("::")] == annotations


def test_annotations_escape_separators_and_newlines():
    diagnostic = Diagnostic("entries/actors/a,b:c.yaml", 7, "E010", "50% done\nnext line")
    assert diagnostic.github_annotation() == "::error file=entries/actors/a%2Cb%3Ac.yaml,line=7,title=E010::50%25 done%0Anext line"


# -- editor schemas -----------------------------------------------------------

def test_committed_json_schemas_are_in_sync():
    assert kbjson.stale_files() == []
    assert run_cli("schemas", "--check").returncode == 0
    for kind in SCHEMA.kinds.values():
        js.Draft7Validator.check_schema(json.loads(kbjson.schema_path(kind).read_text()))


def test_schemas_command_writes_only_what_changed(tmp_path):
    (tmp_path / "schema").mkdir()
    shutil.copytree(ROOT / "schema/json", tmp_path / "schema/json")
    stale = tmp_path / "schema/json/actor.schema.json"
    stale.write_text("{}\n")
    check = run_cli("schemas", "--check", root=tmp_path)
    assert check.returncode == 1
    assert check.stdout == "schema/json/actor.schema.json: out of date; run `python build_entries.py schemas`\n"
    written = run_cli("schemas", root=tmp_path)
    assert written.stdout == "wrote schema/json/actor.schema.json\n1 JSON Schema file changed\n"
    assert stale.read_text() == (ROOT / "schema/json/actor.schema.json").read_text()


def test_schema_field_specs_have_no_stray_keys():
    # An unquoted comma inside a flow mapping cuts a doc short and adds a stray key.
    raw = yaml.safe_load((ROOT / "schema/kb.schema.yaml").read_text())
    known = {"type", "required", "doc", "values", "value_docs", "to", "items", "fields", "example", "translate",
             "max_length"}
    stray = []

    def walk(name, spec):
        stray.extend(f"{name}: {key}" for key in set(spec) - known)
        for sub, sub_spec in spec.get("fields", {}).items():
            walk(f"{name}.{sub}", sub_spec)
        if "items" in spec:
            walk(f"{name}[]", spec["items"])
    for name, spec in raw["common"].items():
        walk(name, spec)
    for kind, kind_spec in raw["kinds"].items():
        for name, spec in kind_spec["fields"].items():
            walk(f"{kind}.{name}", spec)
    assert stray == []


def entry_files():
    """The English entries (translations, <id>.<lang>.yaml, hold only their text)."""
    return sorted(p for p in (ROOT / "entries").glob("*/*.yaml") if p.name.count(".") == 1)


def validator_for(kind) -> js.Draft7Validator:
    return js.Draft7Validator(json.loads(kbjson.schema_path(kind).read_text()))


def test_every_entry_has_the_modeline_of_its_kind():
    files = entry_files()
    assert files
    wrong = [f.relative_to(ROOT).as_posix() for f in files
             if f.read_text(encoding="utf-8").split("\n", 1)[0] != kbjson.modeline(SCHEMA.kind_of_folder(f.parent.name))]
    assert wrong == []


def test_every_entry_validates_against_its_json_schema():
    problems = []
    for path in entry_files():
        kind = SCHEMA.kind_of_folder(path.parent.name)
        data, _ = parse(decode(path.read_bytes()))
        for error in validator_for(kind).iter_errors(data):
            problems.append(f"{path.relative_to(ROOT)}: {list(error.absolute_path)}: {error.message[:120]}")
    assert problems == []


VALID_DEBUNK = {"id": "a-debunk", "title": "T", "claim": "C", "verdict": "false", "facts": "F [@s].", "sources": ["s"]}
# (change to a valid debunk, whether the validator and the JSON Schema accept it)
AGREEMENT = [
    ({}, True),
    ({"tags": None, "corrections": [{"date": 2021, "text": "Year as a YAML number."}]}, True),
    ({"sources": [{"source": "s", "locator": "p. 3"}]}, True),
    ({"refuted_by": "", "incidents": None}, True),
    ({"verdict": False}, False),
    ({"verdict": "wrong"}, False),
    ({"title": ""}, False),
    ({"title": "Two\nlines"}, False),
    ({"title": "<b>bold</b>"}, False),
    ({"facts": "<script>x</script>"}, False),
    ({"sources": []}, False),
    ({"sources": [{"source": "s", "page": 3}]}, False),
    ({"sources": ["Not_An_Id"]}, False),
    ({"corrections": [{"date": "2021-13-01", "text": "x"}]}, False),
    ({"corrections": [{"date": 999, "text": "x"}]}, False),
    ({"corrections": [{"text": "no date"}]}, False),
    ({"id": "index"}, False),
    ({"verdit": "false"}, False),
]


@pytest.mark.parametrize("change, valid", AGREEMENT, ids=[json.dumps(c) for c, _ in AGREEMENT])
def test_json_schema_agrees_with_the_validator(tmp_path, change, valid):
    data = {**VALID_DEBUNK, **change}
    accepted_by_schema = validator_for(SCHEMA.kinds["debunk"]).is_valid(data)
    entries = tmp_path / "entries"
    (entries / "debunks").mkdir(parents=True)
    (entries / "sources").mkdir()
    (entries / "sources/s.yaml").write_text("id: s\ntitle: S\npublisher: P\npublished: '2020'\nlanguage: en\nsource_type: analysis\n")
    (entries / f"debunks/{data['id']}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    accepted_by_check = pipeline.check(tmp_path).ok
    assert (accepted_by_schema, accepted_by_check) == (valid, valid)


def test_url_and_date_rules_match():
    source = validator_for(SCHEMA.kinds["source"])
    base = {"id": "s", "title": "S", "publisher": "P", "published": "2020-02", "language": "en", "source_type": "analysis"}
    assert source.is_valid({**base, "url": "https://example.org/a?b=1"})
    assert not source.is_valid({**base, "url": "javascript:alert(1)"})
    assert not source.is_valid({**base, "url": "https:///nohost"})
    assert source.is_valid({**base, "published": 2014})
    assert not source.is_valid({**base, "published": "2020-2-1"})


# -- CONTRIBUTING.md ---------------------------------------------------------------

FENCE = re.compile(r"^( *)```yaml\n(.*?)^\1```$", re.M | re.S)


def contributing_blocks() -> list[str]:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    return [re.sub(rf"^{indent}", "", body, flags=re.M) for indent, body in FENCE.findall(text)]


def example_entries() -> dict[str, str]:
    """The worked example: every YAML block that is a whole entry, by its path."""
    found = {}
    for block in contributing_blocks():
        first = block.split("\n", 1)[0]
        kind = next((k for k in SCHEMA.kinds.values() if first == kbjson.modeline(k)), None)
        if kind is not None:
            data = yaml.safe_load(block)
            found[f"entries/{kind.folder}/{data['id']}.yaml"] = block
    return found


@pytest.fixture(scope="session")
def example_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("contributing")
    for rel, block in example_entries().items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(block, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def example_site(example_root, tmp_path_factory) -> Path:
    """The real site's configuration and hand-written pages, built from the example's entries.

    The home page is replaced because it links to the real entries.
    """
    shutil.copytree(ROOT / "docs", example_root / "docs")
    (example_root / "docs/index.md").write_text("# Contributing example\n")
    for folder in ("overrides",):  # paths the real configuration gives relative to itself
        if (ROOT / folder).exists():
            (example_root / folder).symlink_to(ROOT / folder)
    (example_root / "mkdocs.yml").write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\nsite_name: Contributing example\ndocs_dir: docs\n"
        f"hooks:\n  - {ROOT / 'build_entries.py'}\nwatch: []\n")
    out = tmp_path_factory.mktemp("contributing-site")
    # English only: the example has no translations, and its tests read the English pages.
    from sitecheck import build_one

    result = build_one(example_root / "mkdocs.yml", out)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def test_contributing_has_one_worked_example_per_kind():
    kinds = sorted(rel.split("/")[1] for rel in example_entries())
    assert kinds == sorted(k.folder for k in SCHEMA.kinds.values())


def test_every_yaml_block_in_contributing_parses():
    for block in contributing_blocks():
        parse(decode(block.encode("utf-8")))


def test_contributing_example_passes_check(example_root):
    result = run_cli("check", root=example_root)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("5 entries checked") and result.stdout.endswith("no problems\n")


def test_contributing_example_passes_yamllint(example_root):
    result = subprocess.run([str(BIN / "yamllint"), "--strict", "-c", str(ROOT / ".yamllint"), str(example_root / "entries")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def article_text(site: Path, page: str) -> str:
    return " ".join(" ".join(parse_html(site / page / "index.html", article_only=True).text).split())


def test_contributing_example_builds_with_corrections_shown(example_site):
    assert broken_links(example_site, unbuilt=("ru", "kk")) == []
    actor = article_text(example_site, "actors/ivan-primerov")
    assert "Corrections ¶ 2 May 2023. The first version said the show started in 2018" in actor
    incident = article_text(example_site, "incidents/primerov-evening-example-2023-03")
    assert "This border is provisional" in incident
    corrections = article_text(example_site, "corrections")
    assert "2 May 2023 — Ivan Primerov" in corrections
    links = parse_html(example_site / "corrections/index.html", article_only=True).links
    assert "../actors/ivan-primerov/" in links


def test_corrections_page_is_newest_first_and_entry_pages_oldest_first(example_root, tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(example_root / "entries", root / "entries")
    debunk = root / "entries/debunks/example-border-accident.yaml"
    debunk.write_text(debunk.read_text() + 'corrections:\n  - date: "2023-06"\n    text: Later fix.\n'
                      '  - date: "2023-04-01"\n    text: Earlier fix.\n')
    result = pipeline.check(root)
    assert result.ok, result.diagnostics
    pages = pipeline.generate(result)[1]
    site_wide = pages["corrections.md"]
    assert site_wide.index("June 2023") < site_wide.index("2 May 2023") < site_wide.index("1 April 2023")
    assert "[Ivan Primerov](actors/ivan-primerov.md)" in site_wide
    page = pages["debunks/example-border-accident.md"]
    assert page.index("<strong>1 April 2023.</strong> Earlier fix.") < page.index("<strong>June 2023.</strong> Later fix.")


def test_contributing_covers_the_rules_and_keeps_the_security_section_last():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, re.M)
    for needed in ("Sourcing and quoting", "Neutrality", "Dates and their precision",
                   "Names, ids and transliteration", "Corrections", "What gets rejected, and why"):
        assert needed in headings
    assert headings[-1] == "Security"


# -- .github, pre-commit, yamllint ------------------------------------------------

def github_schema_errors(schema: str, files) -> list[str]:
    """What GitHub's published schema (as vendored by check-jsonschema, the
    pre-commit hook that checks these files) says of each file, read as YAML 1.2
    as GitHub reads it (`on` is a key, not true). Validated by jsonschema
    directly: importing check-jsonschema takes seconds, its schemas none."""
    import importlib.util

    from ruamel.yaml import YAML

    package = Path(importlib.util.find_spec("check_jsonschema").submodule_search_locations[0])
    document = json.loads((package / "builtin_schemas" / "vendor" / f"{schema}.json").read_text(encoding="utf-8"))
    validator_class = js.validators.validator_for(document)
    validator = validator_class(document, format_checker=validator_class.FORMAT_CHECKER)
    reader = YAML(typ="safe", pure=True)
    return [f"{Path(file).name}: {error.message}" for file in files
            for error in validator.iter_errors(reader.load(Path(file).read_text(encoding="utf-8")))]


def test_workflows_validate_against_githubs_schema():
    workflows = sorted((GITHUB / "workflows").glob("*.yml"))
    assert [w.name for w in workflows] == ["ci.yml", "pages.yml"]
    assert github_schema_errors("github-workflows", workflows) == []


def test_issue_forms_and_config_validate():
    forms = sorted(p for p in (GITHUB / "ISSUE_TEMPLATE").glob("*.yml") if p.name != "config.yml")
    assert [f.name for f in forms] == ["report-error.yml", "report-translation-error.yml", "request-correction.yml", "suggest-entry.yml"]
    assert github_schema_errors("github-issue-forms", forms) == []
    assert github_schema_errors("github-issue-config", [GITHUB / "ISSUE_TEMPLATE/config.yml"]) == []


def test_the_schema_check_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    steps: []\n")  # no runs-on
    assert github_schema_errors("github-workflows", [broken]) != []


def steps_of(workflow: str) -> list[dict]:
    data = yaml.safe_load((GITHUB / "workflows" / workflow).read_text())
    return [step for job in data["jobs"].values() for step in job.get("steps", [])]


def test_ci_runs_check_tests_and_strict_build_on_pull_requests():
    data = yaml.safe_load((GITHUB / "workflows/ci.yml").read_text())
    assert "pull_request" in data[True]  # PyYAML reads the key `on` as true
    steps = steps_of("ci.yml")
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    assert "actions/checkout" in uses and "actions/setup-python" in uses
    assert next(s for s in steps if s.get("uses", "").startswith("actions/setup-python"))["with"]["python-version"] == "3.11"
    runs = [s.get("run", "") for s in steps]
    for command in ("make check", "make test", "make build"):
        assert command in runs


def test_pages_workflow_publishes_the_built_site_from_main():
    data = yaml.safe_load((GITHUB / "workflows/pages.yml").read_text())
    assert data[True]["push"]["branches"] == ["main"]
    assert data["permissions"]["pages"] == "write" and data["permissions"]["id-token"] == "write"
    steps = steps_of("pages.yml")
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "site"
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in steps)
    build = next(s for s in steps if s.get("run") == "make build")
    assert "steps.pages.outputs.base_url" in build["env"]["KB_SITE_URL"]  # mkdocs.yml reads site_url from it


def test_pull_request_template_has_a_checklist():
    text = (GITHUB / "pull_request_template.md").read_text()
    assert len(re.findall(r"^- \[ \] ", text, re.M)) >= 5
    assert "python build_entries.py check" in text


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def test_pre_commit_runs_the_check_and_yamllint_with_locked_versions():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert hooks["check-entries"]["entry"] == "python build_entries.py check"
    assert hooks["yamllint"]["entry"].startswith("yamllint")
    pins = lock_pins()
    for hook in hooks.values():
        for requirement in hook.get("additional_dependencies", []):
            name, version = requirement.split("==")
            assert pins[name.lower()] == version, requirement


YAML_PATHS = ["entries", ".github", "tests/fixtures", "schema", "mkdocs.yml", ".pre-commit-config.yaml", ".yamllint"]


def test_repository_yaml_passes_yamllint():
    result = subprocess.run([str(BIN / "yamllint"), "--strict", *YAML_PATHS], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout
