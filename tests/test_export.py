"""Open data: the published JSON, CSV, data package and Atom feed, and the entry history behind them."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path

import jsonschema
import pytest

from conftest import KB_FIXTURE, ROOT, run_cli
from kb import pipeline
from kb import history as history_module
from kb.history import entry_history
from kb.schema import load_schema
from sitecheck import parse

A = "{http://www.w3.org/2005/Atom}"
SCHEMA = load_schema()
KINDS = list(SCHEMA.kinds.values())
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture(params=["fixture", "real"])
def published(request, fixture_site, real_site) -> tuple[Path, Path]:
    """(knowledge base root, the built site holding data/ and feed.xml)."""
    return (KB_FIXTURE, fixture_site) if request.param == "fixture" else (ROOT, real_site)


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def kb_json(site: Path) -> dict:
    return json.loads((site / "data" / "kb.json").read_text(encoding="utf-8"))


def yaml_files(root: Path, folder: str) -> list[Path]:
    return sorted(p for p in (root / "entries" / folder).glob("*.yaml") if p.name.count(".") == 1)  # not translations


# -- JSON, CSV and the data package ---------------------------------------------

def test_kb_json_validates_against_its_published_schema(published):
    _root, site = published
    schema = json.loads((site / "data" / "kb.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(kb_json(site))]
    assert errors == []


def test_kb_json_schema_rejects_an_entry_of_the_wrong_shape(fixture_site):
    schema = json.loads((fixture_site / "data" / "kb.schema.json").read_text(encoding="utf-8"))
    document = kb_json(fixture_site)
    document["entries"][0]["fields"]["unknown_field"] = "x"
    assert not jsonschema.Draft7Validator(schema).is_valid(document)


def test_counts_and_rows_equal_the_yaml_files(published):
    root, site = published
    document = kb_json(site)
    for kind in KINDS:
        files = yaml_files(root, kind.folder)
        assert files, kind.folder
        assert document["counts"][kind.name] == len(files)
        ids = [e["id"] for e in document["entries"] if e["kind"] == kind.name]
        assert sorted(ids) == [p.stem for p in files]
        rows = read_csv(site / "data" / f"{kind.folder}.csv")
        assert sorted(r["id"] for r in rows) == [p.stem for p in files]


def validator_references(root: Path) -> set[tuple]:
    """Every reference the validator finds, as (from kind, from id, field, to kind, to id)."""
    result = pipeline.check(root)
    assert result.ok
    found = set()
    for entry in result.entries:
        for ref in result.references[entry.path]:
            field = re.sub(r"\[\d+\]", "", ref.path)
            found.add((entry.kind.name, entry.id, field, ref.target_kind, ref.target))
    return found


def test_relationships_csv_holds_every_reference_of_every_entry(published):
    root, site = published
    rows = read_csv(site / "data" / "relationships.csv")
    exported = {(r["from_kind"], r["from_id"], r["relation"], r["to_kind"], r["to_id"]) for r in rows}
    expected = validator_references(root)
    assert expected, "no references found"
    assert exported == expected


def test_every_reference_is_a_backlink_of_its_target(published):
    _root, site = published
    entries = {(e["kind"], e["id"]): e for e in kb_json(site)["entries"]}
    for (kind, entry_id), entry in entries.items():
        for ref in entry["references"]:
            target = entries[(ref["kind"], ref["id"])]
            assert ref["title"] == target["title"]
            back = {"relation": ref["relation"], "kind": kind, "id": entry_id, "title": entry["title"]}
            assert any(b.items() >= back.items() for b in target["backlinks"]), (kind, entry_id, ref)


def test_references_are_resolved_with_titles_roles_and_locators(fixture_site):
    entries = {e["id"]: e for e in kb_json(fixture_site)["entries"]}
    first = entries["first-event"]
    assert {"relation": "actors.actor", "kind": "actor", "id": "actor-one", "title": "Actor One",
            "role": "originator"} in first["references"]
    assert {"relation": "summary", "kind": "source", "id": "report-a", "title": entries["report-a"]["title"],
            "locator": "p. 7"} in first["references"]
    post_b = entries["post-b"]
    assert {"relation": "refuted_by.source", "kind": "debunk", "id": "claim-false",
            "title": "The thing is real"} in post_b["backlinks"]
    assert first["fields"]["date"] == "2020-05-01"
    assert first["page"] == "incidents/first-event/"


def test_csv_cells_hold_lists_as_json_and_booleans_as_words(fixture_site):
    rows = {r["id"]: r for r in read_csv(fixture_site / "data" / "incidents.csv")}
    assert json.loads(rows["first-event"]["narratives"]) == ["variant", "broad"]
    assert json.loads(rows["first-event"]["quotes"])[0]["original"] == "Этого не существует"
    assert rows["second-event"]["date_approximate"] == "true"
    assert rows["first-event"]["date_approximate"] == ""
    assert rows["first-event"]["page"] == "incidents/first-event/"


def test_datapackage_describes_every_file_with_its_columns(published):
    _root, site = published
    data = site / "data"
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "data-package"
    assert re.fullmatch(r"[a-z0-9._-]+", package["name"])
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    names = [r["name"] for r in package["resources"]]
    assert len(names) == len(set(names))
    paths = {r["path"] for r in package["resources"]}
    assert {f"{k.folder}.csv" for k in KINDS} | {"relationships.csv", "kb.json"} <= paths
    for resource in package["resources"]:
        assert (data / resource["path"]).is_file(), resource["path"]
        if resource["format"] != "csv":
            json.loads((data / resource["path"]).read_text(encoding="utf-8"))
            continue
        with (data / resource["path"]).open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        table = resource["schema"]
        assert header == [f["name"] for f in table["fields"]], resource["path"]
        rows = read_csv(data / resource["path"])
        for field in table["fields"]:
            allowed = field.get("constraints", {}).get("enum")
            if allowed:
                assert {r[field["name"]] for r in rows} - {""} <= set(allowed)
        if "primaryKey" in table:
            key = table["primaryKey"] if isinstance(table["primaryKey"], list) else [table["primaryKey"]]
            keys = [tuple(r[name] for name in key) for r in rows]
            assert len(keys) == len(set(keys))
        for foreign in table.get("foreignKeys", []):
            target = next(r for r in package["resources"] if r["name"] == foreign["reference"]["resource"])
            fields, to = (foreign["fields"], foreign["reference"]["fields"])
            fields, to = ([fields], [to]) if isinstance(fields, str) else (fields, to)
            known = {tuple(r[name] for name in to) for r in read_csv(data / target["path"])}
            assert {tuple(r[name] for name in fields) for r in rows if r[fields[0]]} <= known


def test_entry_json_schemas_are_published_as_generated(published):
    _root, site = published
    for kind in KINDS:
        published_text = (site / "data" / "schemas" / f"{kind.name}.schema.json").read_text(encoding="utf-8")
        assert published_text == (ROOT / "schema" / "json" / f"{kind.name}.schema.json").read_text(encoding="utf-8")


# -- the Atom feed ------------------------------------------------------------------

def feed_of(site: Path) -> ET.Element:
    return ET.parse(site / "feed.xml").getroot()


def test_feed_is_atom_with_the_required_elements(published):
    _root, site = published
    feed = feed_of(site)
    assert feed.tag == f"{A}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{A}{name}") is not None and feed.find(f"{A}{name}").text, name
    assert RFC3339.match(feed.find(f"{A}updated").text)
    assert feed.find(f"{A}author/{A}name").text
    entries = feed.findall(f"{A}entry")
    assert entries
    ids = [e.find(f"{A}id").text for e in entries]
    assert len(ids) == len(set(ids))
    for entry in entries:
        assert re.match(r"^tag:[a-z0-9.-]+,\d{4}:\S+$", entry.find(f"{A}id").text)
        assert entry.find(f"{A}title").text
        assert RFC3339.match(entry.find(f"{A}updated").text)
        assert entry.find(f"{A}link[@rel='alternate']").get("href")


def test_feed_lists_newest_first_and_links_to_pages_that_exist(fixture_site):
    entries = feed_of(fixture_site).findall(f"{A}entry")
    stamps = [dt.datetime.fromisoformat(e.find(f"{A}updated").text.replace("Z", "+00:00")) for e in entries]
    assert stamps == sorted(stamps, reverse=True)
    assert len(entries) == sum(len(yaml_files(KB_FIXTURE, k.folder)) for k in KINDS)
    for entry in entries:
        href = entry.find(f"{A}link").get("href")
        assert not href.startswith("/")  # relative to feed.xml at the root: no site_url configured
        assert (fixture_site / href / "index.html").is_file(), href


def test_every_page_announces_the_feed(fixture_site):
    pages = sorted(fixture_site.rglob("index.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html:  # a former id's redirect, not a page to read
            continue
        match = re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', html)
        assert match, page
        # Each language's pages announce that language's feed.
        language = page.relative_to(fixture_site).parts[0]
        feed = fixture_site / language / "feed.xml" if language in ("ru", "kk") else fixture_site / "feed.xml"
        assert (page.parent / match.group(1)).resolve() == feed.resolve()


def test_the_sites_data_files_are_those_of_the_export_command(fixture_site, tmp_path):
    """The site build works its data files out beside MkDocs and fills them in
    before they are written: each one must be whole, byte for byte."""
    done = run_cli("export", "--out", str(tmp_path), "--site-name", "Fixture knowledge base", root=KB_FIXTURE)
    assert done.returncode == 0, done.stdout + done.stderr
    exported = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert "data/kb.json" in exported and "feed.xml" in exported
    for name in exported:
        assert (fixture_site / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_data_page_links_the_downloads_the_feed_and_the_licence(fixture_site):
    parser = parse(fixture_site / "data" / "index.html", article_only=True)
    text = " ".join(" ".join(parser.text).split())
    assert "CC BY 4.0" in text and "How to cite" in text
    targets = {(fixture_site / "data" / link).resolve() for link in parser.links if "://" not in link and not link.startswith("#")}
    for name in ["kb.json", "kb.stix.json", "entries.csv", "relationships.csv", "datapackage.json",
                 "kb.schema.json", *(f"{k.folder}.csv" for k in KINDS)]:
        assert (fixture_site / "data" / name).resolve() in targets, name
    assert (fixture_site / "feed.xml").resolve() in targets
    assert (fixture_site / "data" / "changelog").resolve() in targets
    assert (fixture_site / "data" / "changelog" / "index.html").is_file()
    assert "OpenCTI" in text and "MISP" in text and "breaking change" in text
    columns = " ".join(parse(fixture_site / "data" / "columns" / "index.html", article_only=True).text)
    for field in SCHEMA.kinds["incident"].field_names:
        assert field in columns


# -- history, from git or from file times ----------------------------------------------

def git(repo: Path, *args: str, date: str | None = None) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="test@example.org",
               GIT_COMMITTER_NAME="Test", GIT_COMMITTER_EMAIL="test@example.org", GIT_CONFIG_NOSYSTEM="1")
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(["git", "-c", "commit.gpgsign=false", "-C", str(repo), *args], check=True,
                   capture_output=True, env=env)


def touch_entry(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")


@pytest.fixture
def kb_repo(kb_copy) -> Path:
    """The fixture knowledge base in its own git repository, with commits at known dates."""
    git(kb_copy, "init", "-q")
    git(kb_copy, "add", "entries")
    git(kb_copy, "commit", "-q", "-m", "first", date="2020-01-01T12:00:00+00:00")
    touch_entry(kb_copy / "entries/narratives/variant.yaml")
    git(kb_copy, "commit", "-q", "-am", "variant", date="2024-03-01T08:30:00+05:00")
    touch_entry(kb_copy / "entries/actors/actor-one.yaml")
    git(kb_copy, "commit", "-q", "-am", "actor", date="2023-06-01T00:00:00+00:00")
    return kb_copy


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.timezone.utc)


def test_history_gives_first_and_last_commit_dates_in_utc(kb_repo):
    history = entry_history(kb_repo)
    assert history["entries/narratives/variant.yaml"] == (utc(2020, 1, 1, 12), utc(2024, 3, 1, 3, 30))
    assert history["entries/actors/actor-one.yaml"] == (utc(2020, 1, 1, 12), utc(2023, 6, 1))
    assert history["entries/sources/report-a.yaml"] == (utc(2020, 1, 1, 12), utc(2020, 1, 1, 12))
    assert len(history) == 10


def test_history_uses_file_times_for_uncommitted_work(kb_repo):
    new = kb_repo / "entries/sources/report-c.yaml"
    shutil.copy(kb_repo / "entries/sources/report-a.yaml", new)
    os.utime(new, (1_700_000_000, 1_700_000_000.7))
    touch_entry(kb_repo / "entries/sources/post-b.yaml")
    os.utime(kb_repo / "entries/sources/post-b.yaml", (1_750_000_000, 1_750_000_000))
    history = entry_history(kb_repo)
    stamp = dt.datetime.fromtimestamp(1_700_000_000, dt.timezone.utc)
    assert history["entries/sources/report-c.yaml"] == (stamp, stamp)
    changed = dt.datetime.fromtimestamp(1_750_000_000, dt.timezone.utc)
    assert history["entries/sources/post-b.yaml"] == (utc(2020, 1, 1, 12), changed)


def test_history_without_git_falls_back_to_whole_second_file_times(kb_copy):
    assert subprocess.run(["git", "-C", str(kb_copy), "rev-parse"], capture_output=True).returncode != 0
    for offset, path in enumerate(sorted(p for p in (kb_copy / "entries").rglob("*.yaml") if p.name.count(".") == 1)):
        os.utime(path, (1_600_000_000 + offset * 60 + 0.9, 1_600_000_000 + offset * 60 + 0.9))
    history = entry_history(kb_copy)
    assert history == entry_history(kb_copy)
    first = dt.datetime.fromtimestamp(1_600_000_000, dt.timezone.utc)
    assert history["entries/actors/actor-one.yaml"] == (first, first)
    assert all(created == changed and created.microsecond == 0 for created, changed in history.values())


def test_history_lists_the_files_rglob_finds(tmp_path):
    """The os.scandir listing finds what Path.rglob("*.yaml") plus is_file found."""
    entries = tmp_path / "entries"
    (entries / "sources" / "deeper").mkdir(parents=True)
    (entries / "sources" / "a.yaml").write_text("id: a\n")
    (entries / "sources" / "deeper" / "b.yaml").write_text("id: b\n")
    (entries / "sources" / "notes.txt").write_text("not an entry\n")
    (entries / "sources" / "folder.yaml").mkdir()
    (entries / "sources" / "linked.yaml").symlink_to(entries / "sources" / "a.yaml")
    (entries / "sources" / "broken.yaml").symlink_to(tmp_path / "missing.yaml")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "c.yaml").write_text("id: c\n")
    (entries / "linked-folder").symlink_to(tmp_path / "outside")
    expected = sorted(p.relative_to(tmp_path).as_posix() for p in entries.rglob("*.yaml") if p.is_file())
    assert sorted(entry_history(tmp_path)) == expected
    assert expected == ["entries/sources/a.yaml", "entries/sources/deeper/b.yaml", "entries/sources/linked.yaml"]
    assert entry_history(tmp_path / "nowhere") == {}


def test_history_reads_file_times_only_where_git_has_no_current_dates(kb_repo, monkeypatch):
    touch_entry(kb_repo / "entries/sources/post-b.yaml")
    stat_for = []
    real_file_time = history_module.file_time
    monkeypatch.setattr(history_module, "file_time", lambda path: stat_for.append(path) or real_file_time(path))
    history = entry_history(kb_repo)
    assert len(history) == 10
    assert [Path(p).relative_to(kb_repo).as_posix() for p in stat_for] == ["entries/sources/post-b.yaml"]


def test_history_of_a_knowledge_base_in_a_subfolder_of_its_repository(kb_repo, tmp_path):
    outer = tmp_path / "outer"
    git(tmp_path, "init", "-q", str(outer))
    shutil.copytree(kb_repo / "entries", outer / "kb" / "entries")
    (outer / "entries").mkdir()
    (outer / "entries" / "elsewhere.yaml").write_text("id: elsewhere\n", encoding="utf-8")
    git(outer, "add", ".")
    git(outer, "commit", "-q", "-m", "all", date="2021-09-09T09:09:09+00:00")
    history = entry_history(outer / "kb")
    assert len(history) == 10 and "entries/elsewhere.yaml" not in history
    assert history["entries/actors/actor-one.yaml"] == (utc(2021, 9, 9, 9, 9, 9), utc(2021, 9, 9, 9, 9, 9))
    assert entry_history(outer)["entries/elsewhere.yaml"] == (utc(2021, 9, 9, 9, 9, 9), utc(2021, 9, 9, 9, 9, 9))


def test_history_after_merging_a_branch_counts_the_branch_commits(kb_repo):
    git(kb_repo, "checkout", "-q", "-b", "side", "HEAD~1")
    touch_entry(kb_repo / "entries/sources/report-a.yaml")
    git(kb_repo, "commit", "-q", "-am", "side", date="2019-05-05T05:00:00+00:00")  # older than the branch point
    git(kb_repo, "checkout", "-q", "-")
    git(kb_repo, "merge", "-q", "--no-ff", "-m", "merge", "side", date="2025-03-01T00:00:00+00:00")
    history = entry_history(kb_repo)
    assert history["entries/sources/report-a.yaml"] == (utc(2019, 5, 5, 5), utc(2020, 1, 1, 12))


def test_history_of_a_shallow_clone_dates_files_by_the_oldest_commit_fetched(kb_repo, tmp_path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{kb_repo}", str(clone))
    history = entry_history(clone)
    assert history["entries/narratives/variant.yaml"][0] == utc(2023, 6, 1)


@pytest.mark.parametrize("stamp", ["1985-06-01T00:00:00+00:00", "@4102444800 +0000", "@253402300800 +0000"])
def test_history_ignores_commits_dated_outside_1990_to_tomorrow(kb_repo, stamp, caplog):
    touch_entry(kb_repo / "entries/actors/actor-one.yaml")
    git(kb_repo, "commit", "-q", "-am", "odd clock", date=stamp)
    history = entry_history(kb_repo)
    assert history["entries/actors/actor-one.yaml"] == (utc(2020, 1, 1, 12), utc(2023, 6, 1))
    assert "outside 1990 to tomorrow" in caplog.text


def test_feed_of_a_repository_lists_the_latest_changes_first(kb_repo, tmp_path):
    done = run_cli("export", "--out", str(tmp_path / "out"), root=kb_repo)
    assert done.returncode == 0, done.stdout + done.stderr
    entries = feed_of(tmp_path / "out").findall(f"{A}entry")
    ids = [e.find(f"{A}id").text.rsplit(":", 1)[1] for e in entries]
    assert ids[:2] == ["narratives/variant", "actors/actor-one"]
    assert ids[2:] == sorted(ids[2:])  # same date: a stable order by file
    assert entries[0].find(f"{A}updated").text == "2024-03-01T03:30:00Z"
    assert entries[0].find(f"{A}published").text == "2020-01-01T12:00:00Z"
    assert feed_of(tmp_path / "out").find(f"{A}updated").text == "2024-03-01T03:30:00Z"
    variant = next(e for e in kb_json(tmp_path / "out")["entries"] if e["id"] == "variant")
    assert (variant["created"], variant["updated"]) == ("2020-01-01T12:00:00Z", "2024-03-01T03:30:00Z")


def test_feed_links_are_absolute_when_the_site_address_is_known(kb_copy, tmp_path):
    done = run_cli("export", "--out", str(tmp_path), "--site-url", "https://example.org/kb/", root=kb_copy)
    assert done.returncode == 0, done.stderr
    feed = feed_of(tmp_path)
    assert feed.find(f"{A}link[@rel='self']").get("href") == "https://example.org/kb/feed.xml"
    hrefs = [e.find(f"{A}link").get("href") for e in feed.findall(f"{A}entry")]
    assert "https://example.org/kb/actors/actor-one/" in hrefs
    assert all(h.startswith("https://example.org/kb/") for h in hrefs)
    assert feed.find(f"{A}entry/{A}id").text.startswith("tag:")


# -- the export command ------------------------------------------------------------------

def test_export_writes_only_files_that_changed(kb_copy, tmp_path):
    first = run_cli("export", "--out", str(tmp_path), root=kb_copy)
    assert first.returncode == 0 and ": 17 written, 0 unchanged" in first.stdout, first.stdout
    second = run_cli("export", "--out", str(tmp_path), root=kb_copy)
    assert ": 0 written, 17 unchanged" in second.stdout, second.stdout


def test_export_refuses_bad_entries_with_a_diagnostic(kb_copy, tmp_path):
    (kb_copy / "entries/actors/actor-one.yaml").write_text("id: actor-one\nname: [\n", encoding="utf-8")
    done = run_cli("export", "--out", str(tmp_path / "out"), root=kb_copy)
    assert done.returncode == 1
    assert re.search(r"entries/actors/actor-one\.yaml:\d+: E002 ", done.stdout), done.stdout
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_csv_and_json_survive_hostile_text(kb_copy, tmp_path):
    path = kb_copy / "entries/actors/outlet-two.yaml"
    text = path.read_text(encoding="utf-8")
    hostile = 'Comma, "quotes"; semicolon ]]> 2<3 & c'
    path.write_text(text.replace("name: Outlet Two", f"name: '{hostile}'"), encoding="utf-8")
    done = run_cli("export", "--out", str(tmp_path), root=kb_copy)
    assert done.returncode == 0, done.stdout
    rows = {r["id"]: r for r in read_csv(tmp_path / "data" / "actors.csv")}
    assert rows["outlet-two"]["name"] == hostile
    titles = [e.find(f"{A}title").text for e in feed_of(tmp_path).findall(f"{A}entry")]
    assert hostile in titles
    assert any(e["title"] == hostile for e in kb_json(tmp_path)["entries"])
    raw = (tmp_path / "data" / "actors.csv").read_bytes()
    assert list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))[0][0] == "id"


# -- the data package, checked by the frictionless library ----------------------------------

def frictionless_errors(descriptor: Path) -> list[str]:
    from frictionless import validate

    report = validate(str(descriptor))
    return [f"{task.name}: {error.type}: {error.message}" for task in report.tasks for error in task.errors] + \
        [f"package: {error.message}" for error in report.errors]


def test_data_package_validates_with_frictionless(published):
    """Every resource is checked against the data: the CSVs' types, primary keys and foreign keys."""
    from frictionless import validate

    _root, site = published
    descriptor = site / "data" / "datapackage.json"
    assert frictionless_errors(descriptor) == []
    report = validate(str(descriptor))
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    tables = {task.name: task for task in report.tasks if task.type == "table"}
    csvs = [r for r in package["resources"] if r["format"] == "csv"]
    assert sorted(tables) == sorted(r["name"] for r in csvs)
    for resource in csvs:
        rows = len(read_csv(site / "data" / resource["path"]))
        assert tables[resource["name"]].stats["rows"] == rows, resource["name"]
    relationships = next(r for r in csvs if r["name"] == "relationships")
    assert {tuple(fk["fields"]) for fk in relationships["schema"]["foreignKeys"]} == {("from_kind", "from_id"), ("to_kind", "to_id")}


def test_frictionless_reports_a_reference_to_a_missing_entry_and_a_bad_date(fixture_site, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(fixture_site / "data", data)
    with (data / "relationships.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(["incident", "first-event", "narratives", "narrative", "no-such-narrative", "", ""])
    text = (data / "actors.csv").read_text(encoding="utf-8")
    (data / "actors.csv").write_text(re.sub(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", "yesterday", text, count=1),
                                     encoding="utf-8")
    errors = " ".join(frictionless_errors(data / "datapackage.json"))
    assert "relationships: foreign-key" in errors and "no-such-narrative" in errors
    assert "actors: type-error" in errors


def test_every_data_file_carries_the_datas_version(kb_repo, tmp_path):
    done = run_cli("export", "--out", str(tmp_path), root=kb_repo)
    assert done.returncode == 0, done.stdout + done.stderr
    head = subprocess.run(["git", "-C", str(kb_repo), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    document = kb_json(tmp_path)
    assert (document["version"], document["commit"]) == ("2024-03-01", head)
    package = json.loads((tmp_path / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert (package["version"], package["commit"]) == ("2024-03-01", head)
    identity = next(o for o in stix_objects(tmp_path) if o["type"] == "identity" and "version" in kb_extension(o))
    assert (kb_extension(identity)["version"], kb_extension(identity)["commit"]) == ("2024-03-01", head)


def test_data_outside_git_has_no_commit(kb_copy, tmp_path):
    done = run_cli("export", "--out", str(tmp_path), root=kb_copy)
    assert done.returncode == 0, done.stdout + done.stderr
    assert kb_json(tmp_path)["commit"] is None
    assert "commit" not in json.loads((tmp_path / "data" / "datapackage.json").read_text(encoding="utf-8"))


# -- the STIX bundle ------------------------------------------------------------------------------

OPENCTI_EXTENSION = "extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba"
CHANNELS = {"tv-channel", "newspaper", "news-agency", "website", "telegram-channel", "social-media-account"}


def stix_text(site: Path) -> str:
    return (site / "data" / "kb.stix.json").read_text(encoding="utf-8")


def stix_objects(site: Path) -> list[dict]:
    return json.loads(stix_text(site))["objects"]


def kb_extension(stix_object: dict) -> dict:
    """The knowledge base's own property extension: the one that is not OpenCTI's."""
    found = [v for k, v in stix_object.get("extensions", {}).items() if k != OPENCTI_EXTENSION]
    return found[0] if found else {}


def test_stix_bundle_validates_with_the_oasis_validator(published):
    from stix2validator import ValidationOptions, validate_string

    _root, site = published
    results = validate_string(stix_text(site), ValidationOptions(version="2.1"))
    results = results if isinstance(results, list) else [results]
    errors = [str(error) for result in results for error in result.errors]
    assert errors == []
    assert all(result.is_valid for result in results)


def test_stix_bundle_reads_back_with_every_entry_in_its_type(published):
    import stix2

    _root, site = published
    bundle = stix2.parse(stix_text(site), allow_custom=True)
    objects = stix_objects(site)
    assert [item["id"] for item in bundle.objects] == [o["id"] for o in objects]
    # The standard types come back as the library's classes, checked property by property;
    # OpenCTI's types as mappings (plain ones for a bare stix2, the custom classes once
    # kb/stix.py has registered them in this process).
    standard = {"identity": stix2.Identity, "threat-actor": stix2.ThreatActor, "note": stix2.Note,
                "relationship": stix2.Relationship, "extension-definition": stix2.ExtensionDefinition}
    for item in bundle.objects:
        assert isinstance(item, standard.get(item["type"], Mapping)), item["id"]
    assert {item["type"] for item in bundle.objects} - set(standard) <= {"narrative", "channel", "event"}
    by_entry = {(kb_extension(o)["kind"], kb_extension(o)["entry_id"]): o for o in objects if "entry_id" in kb_extension(o)}
    entries = [e for e in kb_json(site)["entries"] if e["kind"] != "source"]
    assert set(by_entry) == {(e["kind"], e["id"]) for e in entries}
    pushers = {r["to_id"] for r in read_csv(site / "data" / "relationships.csv")
               if r["relation"] == "actors.actor" and r["role"] in ("originator", "amplifier")}
    for entry in entries:
        item = by_entry[(entry["kind"], entry["id"])]
        if entry["kind"] == "actor":
            channel = entry["fields"]["actor_type"] in CHANNELS
            expected = "channel" if channel else "threat-actor" if entry["id"] in pushers else "identity"
        else:
            expected = {"narrative": "narrative", "incident": "event", "debunk": "note"}[entry["kind"]]
        assert item["type"] == expected, entry["id"]
        assert item.get("name", item.get("abstract")) == entry["title"]
        if expected in ("narrative", "channel", "event"):
            assert item["extensions"][OPENCTI_EXTENSION]["extension_type"] == "new-sdo"
        assert (item["created"].replace(".000Z", "Z"), item["modified"].replace(".000Z", "Z")) == \
            (entry["created"], entry["updated"])
        if expected == "event":
            assert item["start_time"].startswith(entry["fields"]["date"])
            assert item["stop_time"] > item["start_time"]


def test_stix_bundle_holds_every_link_with_its_field_and_role(published):
    _root, site = published
    objects = stix_objects(site)
    entry_of = {o["id"]: (kb_extension(o)["kind"], kb_extension(o)["entry_id"])
                for o in objects if "entry_id" in kb_extension(o)}
    links = {(entry_of[o["source_ref"]], kb_extension(o)["relation"], entry_of[o["target_ref"]], kb_extension(o).get("role", ""))
             for o in objects if o["type"] == "relationship"}
    cited = {(entry_of[o["id"]], ref["external_id"]) for o in objects if o["id"] in entry_of
             for ref in o.get("external_references", []) if "external_id" in ref}
    sources = {r["id"]: r for r in read_csv(site / "data" / "sources.csv")}
    rows = read_csv(site / "data" / "relationships.csv")
    assert rows
    for row in rows:
        start = (row["from_kind"], row["from_id"])
        if row["to_kind"] == "source":
            assert (start, row["to_id"]) in cited, row
        else:
            assert (start, row["relation"], (row["to_kind"], row["to_id"]), row["role"]) in links, row
    assert len(links) == len([r for r in rows if r["to_kind"] != "source"])
    urls = {ref.get("url") for o in objects for ref in o.get("external_references", [])}
    assert {s["url"] for s in sources.values() if s["url"]} <= urls
    notes = [o for o in objects if o["type"] == "note"]
    debunks = {e["id"]: e for e in kb_json(site)["entries"] if e["kind"] == "debunk"}
    for note in notes:
        fields = debunks[kb_extension(note)["entry_id"]]["fields"]
        answered = {("incident", i) for i in fields.get("incidents", [])} | {("narrative", n) for n in fields.get("narratives", [])}
        assert {entry_of[ref] for ref in note["object_refs"]} == answered


def test_stix_roles_of_the_fixture(fixture_site):
    objects = stix_objects(fixture_site)
    roles = {(kb_extension(o)["relation"], kb_extension(o).get("role")) for o in objects if o["type"] == "relationship"}
    assert ("actors.actor", "originator") in roles
    parents = [o for o in objects if o["type"] == "relationship" and kb_extension(o)["relation"] == "parent"]
    assert parents and all(o["relationship_type"] == "subnarrative-of" for o in parents)


def test_a_second_build_gives_the_same_stix_ids_and_bytes(kb_repo, tmp_path):
    for out in ("one", "two"):
        done = run_cli("export", "--out", str(tmp_path / out), root=kb_repo)
        assert done.returncode == 0, done.stdout + done.stderr
    assert stix_text(tmp_path / "one") == stix_text(tmp_path / "two")
    before = {o["id"] for o in stix_objects(tmp_path / "one")}
    touch_entry(kb_repo / "entries/actors/actor-one.yaml")
    git(kb_repo, "commit", "-q", "-am", "edit", date="2024-05-01T00:00:00+00:00")
    done = run_cli("export", "--out", str(tmp_path / "three"), root=kb_repo)
    assert done.returncode == 0, done.stdout + done.stderr
    after = {o["id"]: o for o in stix_objects(tmp_path / "three")}
    assert set(after) == before  # a re-import updates the objects instead of adding copies
    actor = next(o for o in after.values() if kb_extension(o).get("entry_id") == "actor-one")
    assert actor["modified"] == "2024-05-01T00:00:00.000Z"


# -- the changelog ------------------------------------------------------------------------------

def changelog_of(root: Path) -> str:
    from kb.site import Site

    return pipeline.publish(pipeline.check(root), Site())["data/changelog.md"]


def month_section(page: str, heading: str) -> str:
    match = re.search(rf"^## {heading}\n(.*?)(?=^## |\Z)", page, re.S | re.M)
    assert match, heading
    return match.group(1)


def listed(section: str, label: str) -> list[str]:
    match = re.search(rf"\*\*{label}\*\* \((\d+)\)\n\n((?:- .*\n)+)", section)
    if not match:
        return []
    items = re.findall(r"^- \w+: (?:\[[^\]]*\]\(\.\./\w+/([\w-]+)\.md\)|([\w-]+))", match.group(2), re.M)
    assert len(items) == int(match.group(1))
    return [linked or plain for linked, plain in items]


def test_changelog_follows_the_git_history(kb_repo):
    shutil.copy(kb_repo / "entries/sources/report-a.yaml", kb_repo / "entries/sources/report-c.yaml")
    text = (kb_repo / "entries/sources/report-c.yaml").read_text(encoding="utf-8")
    (kb_repo / "entries/sources/report-c.yaml").write_text(text.replace("id: report-a", "id: report-c"), encoding="utf-8")
    broad = kb_repo / "entries/narratives/broad.yaml"
    broad.write_text(broad.read_text(encoding="utf-8")
                     + "corrections:\n  - date: 2024-02-10\n    text: The summary named the wrong year.\n", encoding="utf-8")
    git(kb_repo, "add", "entries")
    git(kb_repo, "commit", "-q", "-m", "new source, correction", date="2024-03-15T10:00:00+00:00")
    page = changelog_of(kb_repo)
    expected = ["March 2024", "February 2024", "June 2023", "January 2020"]
    months = re.findall(r"^## (.+)$", page, re.M)
    assert [month for month in months if month in expected] == expected
    for other in set(months) - set(expected):  # months with format changes only
        assert "**Format changes**" in month_section(page, other) and "**Added**" not in month_section(page, other)
    march = month_section(page, "March 2024")
    assert listed(march, "Added") == ["report-c"]
    assert listed(march, "Changed") == ["broad", "variant"]
    assert listed(month_section(page, "February 2024"), "Corrected") == ["broad"]
    assert "corrected 2024-02-10" in page
    assert listed(month_section(page, "June 2023"), "Changed") == ["actor-one"]
    first = month_section(page, "January 2020")
    assert sorted(listed(first, "Added")) == sorted(p.stem for p in (kb_repo / "entries").rglob("*.yaml") if p.stem != "report-c" and p.name.count(".") == 1)
    assert listed(first, "Changed") == []
    head = subprocess.run(["git", "-C", str(kb_repo), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    assert f"version 2024-03-15 (commit `{head}`)" in page


def test_changelog_lists_a_removed_entry_without_a_link(kb_repo):
    git(kb_repo, "rm", "-q", "entries/sources/post-b.yaml")
    git(kb_repo, "commit", "-q", "-m", "remove post-b", date="2024-07-01T00:00:00+00:00")
    page = month_section(changelog_of_any(kb_repo), "July 2024")
    assert listed(page, "Removed") == ["post-b"]


def changelog_of_any(root: Path) -> str:
    """The changelog even where the entries no longer check: built from the history alone."""
    from kb import changelog
    from kb.export import Version
    from kb.graph import link
    from kb.history import read_history

    return changelog.changelog_page(link([], {}), read_history(root).changes, Version("2024-07-01", "", None), formats=[])
