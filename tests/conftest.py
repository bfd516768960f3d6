"""Shared helpers: run the CLI as a user would, and build fixture trees."""
from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
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
def cli_in_process(capsys, monkeypatch):
    """build_entries.py's main function run in the test's process: (exit code,
    what it printed, what it printed to stderr). For tests that run it on many
    fixtures, where a Python start each would double their time; run_cli keeps
    the command line itself tried."""
    import build_entries

    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)  # annotations only where asked for

    def run(*args, root: Path) -> tuple[int, str, str]:
        capsys.readouterr()
        code = build_entries.main(["--root", str(root), *args])
        said = capsys.readouterr()
        return code, said.out, said.err

    return run


@pytest.fixture
def kb_copy(tmp_path) -> Path:
    """A writable copy of the small cross-linked fixture knowledge base."""
    target = tmp_path / "kb"
    shutil.copytree(KB_FIXTURE, target)
    return target


# The repository "Report an error" links point at; the publishing workflow sets the real one.
REPO_URL = "https://github.com/example-owner/kz-disinfo-kb"

# The sites the tests read, each built once per session in every language, as
# `make build` builds them: fixture name -> (configuration, environment).
SITES = {
    "fixture_site": (KB_FIXTURE / "mkdocs.yml", {}),
    "real_site": (ROOT / "mkdocs.yml", {"KB_REPO_URL": REPO_URL}),
}
BUILDS = pytest.StashKey["SiteBuilds"]()
SHARED = "KB_TEST_SITES"  # the folder the session's processes (pytest-xdist's workers) share their sites in


class SiteBuilds:
    """The session's site builds, started in the background as soon as the
    tests are collected, so they run beside the tests that need no site; a
    fixture waits for its site when a test needs it. Under pytest-xdist each
    site is built once for all workers: the first worker to claim it builds
    it, the others wait for its exit code to appear."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.mine: dict = {}  # name -> the BackgroundBuild this process started

    def start(self, name: str) -> None:
        from sitecheck import BackgroundBuild

        try:
            (self.folder / f"{name}.claimed").mkdir()
        except FileExistsError:
            return  # another process builds it
        config, env = SITES[name]
        self.mine[name] = BackgroundBuild(config, self.folder / name, **env)

    def site(self, name: str) -> Path:
        from sitecheck import BackgroundBuild

        self.start(name)
        code, log = BackgroundBuild.result(self.folder / name)
        assert code == 0, f"the {name} build failed:\n{log[-3000:]}"
        assert "WARNING" not in log, log[-3000:]
        return self.folder / name

    def stop(self) -> None:
        for build in self.mine.values():
            build.stop()


def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # the main process: it owns the shared folder
        os.environ[SHARED] = tempfile.mkdtemp(prefix="kb-test-sites-")


def needs_a_site(item) -> bool:
    return any(name in item.fixturenames for name in SITES)


def pytest_collection_modifyitems(session, config, items):
    """Starts the builds of the sites the collected tests need, and runs those
    tests last, so the builds have the time of every other test to finish."""
    builds = config.stash[BUILDS] = SiteBuilds(Path(os.environ[SHARED]))
    for name in SITES:
        if any(name in item.fixturenames for item in items):
            builds.start(name)
    items.sort(key=needs_a_site)


def pytest_unconfigure(config):
    builds = config.stash.get(BUILDS, None)
    if builds is not None:
        builds.stop()
    if not hasattr(config, "workerinput") and os.environ.get(SHARED):
        shutil.rmtree(os.environ.pop(SHARED), ignore_errors=True)


def made_once(name: str, make, timeout: float = 900):
    """make(folder)'s result, made by one of the session's processes for all of
    them: the first to claim name makes it in a folder of its own and leaves it
    pickled; the others wait for it. A failure is passed on to every waiter."""
    shared = Path(os.environ[SHARED])
    folder, done, failed = shared / name, shared / f"{name}.pickle", shared / f"{name}.failed"
    try:
        folder.mkdir()
    except FileExistsError:
        waited = 0.0
        while not done.is_file() and not failed.is_file() and waited < timeout:
            time.sleep(0.2)
            waited += 0.2
        if failed.is_file():
            pytest.fail(f"{name} failed in another process:\n{failed.read_text(encoding='utf-8')[-3000:]}")
        assert done.is_file(), f"{name} was not made within {timeout:.0f} s"
        return pickle.loads(done.read_bytes())
    try:
        result = make(folder)
    except BaseException:
        failed.write_text(traceback.format_exc(), encoding="utf-8")
        raise
    partial = shared / f"{name}.partial"
    partial.write_bytes(pickle.dumps(result))
    partial.replace(done)  # whole or not at all: a waiter never reads half of it
    return result


@pytest.fixture(scope="session")
def injection():
    """tests/test_hostile.py's injection run, made once for its tests and the browser's, in every worker."""
    from test_hostile import injection_run

    return made_once("injection", lambda folder: injection_run(folder / "kb"))


@pytest.fixture(scope="session")
def fixture_site(request) -> Path:
    """The fixture knowledge base built with `mkdocs build --strict`, in every language."""
    return request.config.stash[BUILDS].site("fixture_site")


@pytest.fixture(scope="session")
def real_site(request) -> Path:
    """The real knowledge base built with `mkdocs build --strict`, in every language."""
    return request.config.stash[BUILDS].site("real_site")
