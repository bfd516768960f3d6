"""Shared helpers: run the CLI as a user would, and build fixture trees."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
KB_FIXTURE = FIXTURES / "kb"


def run_cli(*args, root: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Runs build_entries.py in a subprocess, as a contributor would."""
    command = [sys.executable, str(ROOT / "build_entries.py")]
    if root is not None:
        command += ["--root", str(root)]
    full_env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    full_env.update(env or {})
    return subprocess.run(command + list(args), capture_output=True, text=True, env=full_env, timeout=300)


@pytest.fixture
def kb_copy(tmp_path) -> Path:
    """A writable copy of the small cross-linked fixture knowledge base."""
    target = tmp_path / "kb"
    shutil.copytree(KB_FIXTURE, target)
    return target


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    """The fixture knowledge base built once with `mkdocs build --strict`."""
    from sitecheck import build_site

    out = tmp_path_factory.mktemp("fixture-site")
    result = build_site(KB_FIXTURE / "mkdocs.yml", out)
    assert result.returncode == 0, result.stderr[-3000:]
    return out
