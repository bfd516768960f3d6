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
# Entries enough for the work to be shared with a second process (kb/parallel.py).
ABOVE_THRESHOLD = 600


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


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: their HTTP server and Playwright start threads that
    live until the session ends, and a process with threads never forks, so the
    two-process tests (test_parallel.py) must run before them."""
    browser = [item for item in items if "tests/browser/" in item.nodeid or item.nodeid.startswith("browser/")]
    items[:] = [item for item in items if item not in browser] + browser


@pytest.fixture
def forkable():
    """The two-process path can run here; in CI a test that cannot run fails."""
    from kb import parallel

    if not parallel.can_fork():
        reason = "no fork, one core, or other threads running in this process"
        if os.environ.get("CI") == "true":
            pytest.fail(f"two-process tests cannot run: {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def large_kb(tmp_path_factory) -> Path:
    """A synthetic knowledge base of ABOVE_THRESHOLD entries (bench/generate.py)."""
    root = tmp_path_factory.mktemp("large-kb")
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(ABOVE_THRESHOLD), str(root)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return root
