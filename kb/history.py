"""When each entry file was created and last changed.

Dates come from git: one `git log` over entries/ for the whole knowledge
base, because a `git log --follow` per file costs a process per entry.
Files git knows nothing about (a tarball without .git, a new file not yet
committed, an edit not yet committed) fall back to the file's modification
time, in whole seconds UTC, so that the same files give the same dates.
In a shallow clone every file looks created by the oldest commit fetched.
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

from .model import files_below

# The marker starts each commit in the log; a file name cannot contain NUL.
COMMIT_MARK = "\x00commit "

Dates = tuple[dt.datetime, dt.datetime]  # (created, last changed), UTC


def entry_history(root: Path, folder: str = "entries", file_times: dict[str, int] | None = None) -> dict[str, Dates]:
    """{entry path as 'entries/<kind>/<id>.yaml': (created, last changed)}.

    file_times gives the files to date and their modification times (whole
    seconds since the epoch), as the check read them: a stat of each saved.
    Without it, every *.yaml file below folder is found and, where git has
    no current dates for it, looked at.
    """
    committed = git_dates(root, folder)
    dirty = uncommitted_paths(root, folder) if committed else set()
    if file_times is None:
        full_paths = dict(yaml_files(os.path.join(root, folder), Path(folder).as_posix() + "/"))

        def modified(path: str) -> dt.datetime:
            return file_time(full_paths[path])
    else:
        def modified(path: str) -> dt.datetime:
            return from_seconds(file_times[path])
    history = {}
    for path in sorted(full_paths if file_times is None else file_times):
        if path in committed and path not in dirty:
            history[path] = committed[path]
            continue
        mtime = modified(path)
        if path in committed:
            created, changed = committed[path]
            history[path] = (created, max(changed, mtime))
        else:
            history[path] = (mtime, mtime)
    return history


def yaml_files(folder: str, prefix: str):
    """(prefix + path relative to folder, full path) of every *.yaml file below
    folder, as Path.rglob("*.yaml") filtered by is_file finds them: links to
    files count, links to folders are not entered."""
    for rel, is_link in files_below(folder):
        full_path = os.path.join(folder, rel)
        if rel.endswith(".yaml") and (not is_link or os.path.isfile(full_path)):
            yield prefix + rel, full_path


def git_dates(root: Path, folder: str) -> dict[str, Dates]:
    """Committer dates of the first and last commit touching each file; {} without git."""
    output = _git(root, "log", f"--format={COMMIT_MARK.replace(chr(0), '%x00')}%cI", "--name-only",
                  "--relative", "--no-renames", "--", folder)
    return parse_log(output or "")


def parse_log(output: str) -> dict[str, Dates]:
    """Reads `git log --format=<mark>%cI --name-only` output, newest commit first."""
    dates: dict[str, Dates] = {}
    for block in output.split(COMMIT_MARK)[1:]:
        stamp, *names = block.splitlines()
        when = to_utc(dt.datetime.fromisoformat(stamp.strip()))
        for name in filter(None, (n.strip() for n in names)):
            # The log runs newest first, so the first date seen is the last change.
            created, changed = dates.get(name, (when, when))
            dates[name] = (min(created, when), max(changed, when))
    return dates


def uncommitted_paths(root: Path, folder: str) -> set[str]:
    """Tracked files whose working copy differs from the last commit."""
    output = _git(root, "diff", "--name-only", "--relative", "HEAD", "--", folder)
    return {line.strip() for line in (output or "").splitlines() if line.strip()}


def file_time(path: Path | str) -> dt.datetime:
    return from_seconds(int(os.stat(path).st_mtime))


def from_seconds(seconds: int) -> dt.datetime:
    """A file time in whole seconds, as a UTC date and time."""
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)


def to_utc(when: dt.datetime) -> dt.datetime:
    return when.astimezone(dt.timezone.utc)


def _git(root: Path, *args: str) -> str | None:
    """Runs git in root; None when git is missing or root is not in a repository."""
    try:
        done = subprocess.run(["git", "-c", "core.quotePath=false", "-C", str(root), *args], capture_output=True, text=True,
                              encoding="utf-8", timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None
