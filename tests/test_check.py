"""`build_entries.py check`: one bad fixture per error code, exact diagnostics.

Each file in tests/bad/ is named after the code it triggers. Its header
comments say where the file goes in a copy of the fixture knowledge base
(`# place: entries/...`) and the exact lines `check` must print
(`# expect: LINE: CODE message`, the path being the placed file, or
`# expect: entries/...:LINE: CODE message` for another file).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from kb.diagnostics import CODES

BAD = Path(__file__).resolve().parent / "bad"
HEADER = re.compile(rb"^# (place|expect|also): ([^\r\n]*)", re.MULTILINE)


def read_header(path: Path, also: dict | None = None) -> tuple[str, list[str]]:
    """Where the fixture goes and what check must print; `# also: PATH | YAML`
    lines (newlines written as \\n) add other files to `also`."""
    raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    place, expected = None, []
    for kind, value in HEADER.findall(raw):
        value = value.decode("utf-8").rstrip("\r")
        if kind == b"also":
            other, _, text = value.partition(" | ")
            if also is not None:
                also[other] = text.replace("\\n", "\n")
        elif kind == b"place":
            place = value
        else:
            expected.append(value)
    assert place, f"{path.name} has no '# place:' line"
    # A diagnostic in another file of the fixture base is written with its path.
    return place, [line if line.startswith("entries/") else f"{place}:{line}" for line in expected]


CASES = sorted(BAD.glob("*.yaml"))


@pytest.mark.parametrize("fixture", CASES, ids=[c.stem for c in CASES])
def test_bad_fixture_gives_exact_diagnostics(fixture, kb_copy, cli_in_process):
    others: dict[str, str] = {}
    place, expected = read_header(fixture, others)
    for other, text in others.items():
        (kb_copy / other).write_text(text, encoding="utf-8")
    target = kb_copy / place
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(fixture.read_bytes())
    # In this process: the fixtures are many; the command line is tried below.
    code, out, _err = cli_in_process("check", root=kb_copy)
    lines = out.splitlines()
    assert lines[:-1] == expected
    assert re.match(r"^\d+ problems? in \d+ files?$", lines[-1])
    assert code == 1



def test_every_error_code_has_a_fixture():
    covered = {path.name.split("-")[0] for path in CASES}
    assert covered == set(CODES), f"codes without a fixture: {sorted(set(CODES) - covered)}"


def test_clean_fixture_passes_with_summary(kb_copy):
    result = run_cli("check", root=kb_copy)
    assert result.returncode == 0, result.stdout
    assert result.stdout == ("10 entries and 1 translation checked (3 actors, 1 debunk, 2 incidents, 2 narratives, "
                             "2 sources): no problems\n")


def test_all_problems_of_a_run_are_reported_sorted(kb_copy):
    (kb_copy / "entries/actors/zz-last.yaml").write_text("id: zz-last\nname: Z\nactor_type: robot\n")
    (kb_copy / "entries/actors/aa-first.yaml").write_text("id: aa-first\nnme: A\nactor_type: person\ndescription: x\n")
    result = run_cli("check", root=kb_copy)
    assert result.stdout.splitlines() == [
        "entries/actors/aa-first.yaml:1: E101 missing required field 'name'",
        "entries/actors/aa-first.yaml:2: E100 unknown field 'nme' in actor (did you mean 'name'?)",
        "entries/actors/zz-last.yaml:1: E101 missing required field 'description'",
        "entries/actors/zz-last.yaml:3: E103 'actor_type': 'robot' is not one of: person, tv-channel, newspaper, "
        "news-agency, website, telegram-channel, social-media-account, government-body, political-party, organisation",
        "4 problems in 2 files",
    ]
    assert result.returncode == 1


def test_github_annotations_carry_file_and_line(kb_copy):
    (kb_copy / "entries/actors/outlet-two.yaml").write_text("id: outlet-two\nname: O\nactor_type: tv-channel\ndescription: x\nbad: 1\n")
    result = run_cli("check", root=kb_copy, env={"GITHUB_ACTIONS": "true"})
    assert "::error file=entries/actors/outlet-two.yaml,line=5,title=E100::unknown field 'bad' in actor" in result.stdout


def test_real_entries_pass_check():
    result = run_cli("check", root=ROOT)
    assert result.returncode == 0, result.stdout
    assert result.stdout.endswith("no problems\n")
