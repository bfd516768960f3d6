"""When each entry file was created and last changed.

Dates come from git: one `git log` for the whole knowledge base, because a
`git log --follow` per file costs a process per entry. Every commit
reachable from HEAD counts, merged branches' too. That log grows with the
history (1.1 s to 1.9 s for 3,000 commits over 10,000 entries), so what it
gave is kept in the repository's git folder with the commit it was read at:
the next run reads only the commits made since, and none if HEAD has not
moved. Files git knows nothing about (a tarball without .git, a new file
not yet committed, an edit not yet committed) fall back to the file's
modification time, in whole seconds UTC, so that the same files give the
same dates. In a shallow clone every file looks created by the oldest
commit fetched; nothing is kept there, since fetching more changes that.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path
from typing import NamedTuple

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
    """Committer dates of the first and last commit touching each file below
    folder; {} without git."""
    return {path: (from_seconds(created), from_seconds(changed))
            for path, (created, changed) in git_seconds(root, folder).items()}


class Repository(NamedTuple):
    """What the dates kept in a repository are checked against."""

    git_dir: str
    prefix: str  # where root is in the repository's tree: '' or 'sub/folder/'
    shallow: bool
    head: str


# The kept dates: in the git folder, which git leaves alone and which goes
# with the clone (a worktree has its own).
CACHE_FILE = "kb-entry-dates.json"
CACHE_FORMAT = 1


def git_seconds(root: Path, folder: str) -> dict[str, tuple[int, int]]:
    """{path: (first, last commit time in seconds since the epoch)}, from the
    kept dates and the commits since, or from the whole log."""
    repository = _repository(root)
    if repository is None:
        return {}
    kept = _read_kept(repository, folder)
    if kept is not None and kept[0] == repository.head:
        return kept[1]
    # Without kept dates, or when HEAD no longer descends from their commit
    # (a rebase, a reset), the whole log is read.
    since = kept is not None and _git(root, "merge-base", "--is-ancestor", kept[0], "HEAD") is not None
    output = _log(root, f"{kept[0]}..HEAD" if since else "HEAD")
    if output is None:  # git failed: no dates this time, and none kept that would outlive the failure
        return {}
    seconds = merge_seconds(kept[1], parse_log(output, folder)) if since else parse_log(output, folder)
    if not repository.shallow:
        _keep(repository, folder, seconds)
    return seconds


def _repository(root: Path) -> Repository | None:
    """None outside a repository or before its first commit."""
    output = _git(root, "rev-parse", "--absolute-git-dir", "--show-prefix", "--is-shallow-repository", "HEAD")
    lines = (output or "").split("\n")
    if len(lines) < 4:
        return None
    return Repository(git_dir=lines[0], prefix=lines[1], shallow=lines[2] == "true", head=lines[3])


def _log(root: Path, commits: str) -> str | None:
    # No pathspec: git then walks every commit without simplifying merges,
    # which makes "the commits since" exact, and it is faster (1.1 s against
    # 1.9 s for 3,000 commits); names outside folder are dropped on reading.
    return _git(root, "log", f"--format={COMMIT_MARK.replace(chr(0), '%x00')}%ct", "--name-only",
                "--relative", "--no-renames", commits)


def parse_log(output: str, folder: str) -> dict[str, tuple[int, int]]:
    """Reads `git log --format=<mark>%ct --name-only` output, newest commit
    first: {path below folder: (first, last commit time)}."""
    below = folder.rstrip("/") + "/"
    seconds: dict[str, tuple[int, int]] = {}
    for block in output.split(COMMIT_MARK)[1:]:
        stamp, *names = block.split("\n")
        when = int(stamp)
        for name in names:
            if name.startswith(below):
                # Commit times need not follow the log's order (a rebase keeps
                # the old ones), hence the earliest and latest, not the first seen.
                seconds[name] = _spanning(seconds.get(name), when, when)
    return seconds


def merge_seconds(older: dict[str, tuple[int, int]], newer: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """The dates of two sets of commits together."""
    merged = dict(older)
    for path, (first, last) in newer.items():
        merged[path] = _spanning(merged.get(path), first, last)
    return merged


def _spanning(span: tuple[int, int] | None, first: int, last: int) -> tuple[int, int]:
    """(first, last), widened to take in span if there is one."""
    return (first, last) if span is None else (min(span[0], first), max(span[1], last))


def _kept_path(repository: Repository) -> str:
    return os.path.join(repository.git_dir, CACHE_FILE)


def _read_kept(repository: Repository, folder: str) -> tuple[str, dict[str, tuple[int, int]]] | None:
    """(commit, dates) kept by an earlier run for the same root and folder; None
    if there are none or they cannot be read."""
    try:
        with open(_kept_path(repository), encoding="utf-8") as stream:
            kept = json.load(stream)
        if kept["format"] != CACHE_FORMAT or kept["prefix"] != repository.prefix or kept["folder"] != folder:
            return None
        seconds = {path: (int(first), int(last)) for path, (first, last) in kept["dates"].items()}
        return str(kept["head"]), seconds
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # kept dates only save time; without them the log is read again


def _keep(repository: Repository, folder: str, seconds: dict[str, tuple[int, int]]) -> None:
    kept = {"format": CACHE_FORMAT, "head": repository.head, "prefix": repository.prefix, "folder": folder,
            "dates": seconds}
    path = _kept_path(repository)
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        with open(temporary, "w", encoding="utf-8") as stream:
            json.dump(kept, stream, separators=(",", ":"))
        os.replace(temporary, path)  # a reader sees the old file or the new one, never half of one
    except OSError:
        try:
            os.remove(temporary)
        except OSError:
            pass


def uncommitted_paths(root: Path, folder: str) -> set[str]:
    """Tracked files whose working copy differs from the last commit."""
    output = _git(root, "diff", "--name-only", "--relative", "HEAD", "--", folder)
    return {line.strip() for line in (output or "").splitlines() if line.strip()}


def file_time(path: Path | str) -> dt.datetime:
    return from_seconds(int(os.stat(path).st_mtime))


def from_seconds(seconds: int) -> dt.datetime:
    """A file time in whole seconds, as a UTC date and time."""
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)


def _git(root: Path, *args: str) -> str | None:
    """Runs git in root; None when git is missing or root is not in a repository."""
    try:
        done = subprocess.run(["git", "-c", "core.quotePath=false", "-C", str(root), *args], capture_output=True, text=True,
                              encoding="utf-8", timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None
