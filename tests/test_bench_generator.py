"""The benchmark's synthetic knowledge base: deterministic and valid."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, run_cli

GENERATOR = ROOT / "bench" / "generate.py"


def generate(out: Path, total: int, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(GENERATOR), str(total), str(out), *extra],
                          capture_output=True, text=True, timeout=120)


def digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*.yaml"))}


def test_same_seed_writes_the_same_bytes(tmp_path):
    assert generate(tmp_path / "a", 120).returncode == 0
    assert generate(tmp_path / "b", 120).returncode == 0
    first, second = digest(tmp_path / "a"), digest(tmp_path / "b")
    assert len(first) == 120
    assert first == second


def test_another_seed_writes_other_entries(tmp_path):
    generate(tmp_path / "a", 60)
    generate(tmp_path / "b", 60, "--seed", "7")
    assert digest(tmp_path / "a") != digest(tmp_path / "b")


def test_generated_entries_pass_check(tmp_path):
    result = generate(tmp_path, 250)
    assert result.returncode == 0, result.stderr
    assert "250 entries written" in result.stdout
    checked = run_cli("check", root=tmp_path)
    assert checked.returncode == 0, checked.stdout[-2000:]
    assert "250 entries checked" in checked.stdout
    assert "no problems" in checked.stdout


def test_every_kind_is_present_and_linked(tmp_path):
    generate(tmp_path, 100)
    folders = {p.parent.name for p in (tmp_path / "entries").rglob("*.yaml")}
    assert folders == {"sources", "actors", "narratives", "incidents", "debunks"}
    incident = next((tmp_path / "entries" / "incidents").glob("*.yaml")).read_text(encoding="utf-8")
    assert "actors:" in incident and "narratives:" in incident and "[@src-" in incident


def test_refuses_to_write_over_existing_entries(tmp_path):
    generate(tmp_path, 20)
    again = generate(tmp_path, 20)
    assert again.returncode == 1
    assert "already exists" in again.stderr


def git_output(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def test_history_is_deterministic_and_wrote_the_entries(tmp_path):
    from kb.history import entry_history

    for name in ("a", "b"):
        result = generate(tmp_path / name, 60, "--history")
        assert result.returncode == 0, result.stderr
        assert "18 commits in the history" in result.stdout  # 12 adding 5 entries each, 6 revising 10
    assert git_output(tmp_path / "a", "rev-parse", "HEAD") == git_output(tmp_path / "b", "rev-parse", "HEAD")
    assert git_output(tmp_path / "a", "status", "--porcelain") == ""  # the entries on disk are the last commit's
    history = entry_history(tmp_path / "a", sorted(p.relative_to(tmp_path / "a").as_posix() for p in (tmp_path / "a").glob("entries/*/*.yaml")))
    assert len(history) == 60
    assert all(created < changed for created, changed in history.values())  # added as a draft, revised later
    assert run_cli("check", root=tmp_path / "a").returncode == 0
