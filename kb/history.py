"""When each entry file was created and last changed.

Dates come from one `git log` for the whole knowledge base (a `git log
--follow` per file would cost a process per entry). Every commit reachable
from HEAD counts, merged branches' too. Files git knows nothing about (a
tarball without .git, a file not yet committed) and files with uncommitted
edits fall back to the file's modification time, in whole seconds UTC. In a
shallow clone every file looks created by the oldest commit fetched.

A commit's date is whatever its author's clock said: dates before 1990 or
after the build's own clock (plus a day) are ignored with a warning naming
the commit, so that a bad clock can neither fail a build nor date the data.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .entries import files_below, translation_language

log = logging.getLogger("mkdocs.plugins.kb.history")

# The marker starts each commit in the log; a file name cannot contain NUL.
COMMIT_MARK = "\x00commit "
EARLIEST = dt.datetime(1990, 1, 1, tzinfo=dt.timezone.utc)

Dates = tuple[dt.datetime, dt.datetime]  # (created, last changed), UTC


class Change(NamedTuple):
    """One commit's change to one entry file."""

    when: dt.datetime  # the commit's date, UTC
    status: str  # git's A (added), M (modified) or D (deleted)
    path: str


@dataclass(frozen=True)
class History:
    """What git says about the entries: their dates, every change, and the commit built."""

    dates: dict[str, Dates]
    changes: list[Change]  # as the log gives them, newest commit first; [] without git
    commit: str | None  # HEAD; None outside git


def read_history(root: Path, paths: list[str] | None = None, now: dt.datetime | None = None) -> History:
    """The entries' dates and changes from one `git log`, and HEAD from one `git rev-parse`."""
    changes = git_changes(root, "entries", now or dt.datetime.now(dt.timezone.utc))
    dates = _entry_dates(root, paths, dates_of(changes or []))
    commit = head_commit(root) if changes is not None else None
    return History(dates, changes or [], commit)


def entry_history(root: Path, paths: list[str] | None = None, now: dt.datetime | None = None) -> dict[str, Dates]:
    """{entry path as 'entries/<kind>/<id>.yaml': (created, last changed)} for each
    path; by default, for every *.yaml file below root/entries."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return _entry_dates(root, paths, git_dates(root, "entries", now))


def _entry_dates(root: Path, paths: list[str] | None, committed: dict[str, Dates]) -> dict[str, Dates]:
    if paths is None:
        paths = [f"entries/{rel}" for rel, _link in files_below(str(root / "entries"))
                 if rel.endswith(".yaml") and (root / "entries" / rel).is_file()
                 and translation_language(rel) is None]
    dirty = uncommitted_paths(root, "entries") if committed else set()
    history = {}
    for path in sorted(paths):
        if path in committed and path not in dirty:
            history[path] = committed[path]
            continue
        modified = file_time(root / path)
        if path in committed:
            created, changed = committed[path]
            history[path] = (created, max(changed, modified))
        else:
            history[path] = (modified, modified)
    return history


def git_dates(root: Path, folder: str, now: dt.datetime) -> dict[str, Dates]:
    """Committer dates of the first and last commit touching each file below folder; {} without git."""
    return dates_of(git_changes(root, folder, now) or [])


def git_changes(root: Path, folder: str, now: dt.datetime) -> list[Change] | None:
    """Every commit's change to a file below folder, newest first; None without git."""
    # No pathspec: with one, git simplifies merges and may skip a merged
    # branch's commits; names outside folder are dropped on reading instead.
    output = _git(root, "log", f"--format={COMMIT_MARK.replace(chr(0), '%x00')}%H %ct", "--name-status",
                  "--relative", "--no-renames", "HEAD")
    if output is None:
        return None
    return parse_log(output, folder, latest=now + dt.timedelta(days=1))


def parse_log(output: str, folder: str, latest: dt.datetime) -> list[Change]:
    """Reads `git log --format=<mark>%H %ct --name-status` output: the changes below folder."""
    below = folder.rstrip("/") + "/"
    changes = []
    for block in output.split(COMMIT_MARK)[1:]:
        header, *lines = block.split("\n")
        commit, _, stamp = header.partition(" ")
        when = _commit_time(commit, stamp, latest)
        if when is None:
            continue
        for line in lines:
            status, _, name = line.partition("\t")
            if name.startswith(below):
                changes.append(Change(when, status[:1], name))
    return changes


def dates_of(changes: list[Change]) -> dict[str, Dates]:
    """{path: (first, last)} of the changes; a deletion counts like any change."""
    dates: dict[str, Dates] = {}
    for when, _status, name in changes:
        # Commit times need not follow the log's order (a rebase keeps
        # the old ones), hence the earliest and latest, not the first seen.
        first, last = dates.get(name, (when, when))
        dates[name] = (min(first, when), max(last, when))
    return dates


def head_commit(root: Path) -> str | None:
    """The commit the build is made from; None outside git or before the first commit."""
    output = _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    return (output.strip() or None) if output else None


def _commit_time(commit: str, stamp: str, latest: dt.datetime) -> dt.datetime | None:
    try:
        when = dt.datetime.fromtimestamp(int(stamp), tz=dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        when = None
    if when is None or not EARLIEST <= when <= latest:
        log.warning("history: commit %s has the date %s, outside 1990 to tomorrow; its dates are ignored",
                    commit[:12], stamp)
        return None
    return when


def uncommitted_paths(root: Path, folder: str) -> set[str]:
    """Tracked files whose working copy differs from the last commit."""
    output = _git(root, "diff", "--name-only", "--relative", "HEAD", "--", folder)
    return {line.strip() for line in (output or "").splitlines() if line.strip()}


def file_time(path: Path | str) -> dt.datetime:
    """A file's modification time in whole seconds, as a UTC date and time."""
    return dt.datetime.fromtimestamp(int(os.stat(path).st_mtime), tz=dt.timezone.utc)


def _git(root: Path, *args: str) -> str | None:
    """Runs git in root; None when git is missing or root is not in a repository."""
    try:
        done = subprocess.run(["git", "-c", "core.quotePath=false", "-C", str(root), *args], capture_output=True,
                              text=True, encoding="utf-8", timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None
