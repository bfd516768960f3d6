"""Finds entry files and loads them into Entry objects."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .diagnostics import Diagnostic
from .loader import LineDict, LoadProblem, decode, parse, read_limited
from .schema import Kind, Schema


@dataclass
class Entry:
    """One entry file's data. The data is not changed once loaded, so id and
    title, read on every page that links the entry, are worked out once."""

    kind: Kind
    path: str  # as shown to users: entries/<folder>/<id>.yaml
    # The values: dicts, lists and text. Where they were read, the dicts and
    # lists are LineDict and LineList, which know their lines; entries the
    # check's second process read arrive as plain ones (see pipeline.check).
    data: dict
    # The line of each top-level field: all that the checks across entries
    # need of the lines. By default, the data's own.
    lines: dict[str, int] | None = None

    @cached_property
    def id(self) -> str:
        return self.data.get("id") if isinstance(self.data.get("id"), str) else self.file_id

    @cached_property
    def file_id(self) -> str:
        """The id the file name gives: entries/<folder>/<file_id>.yaml.

        What Path(self.path).stem gives, without building a Path for each of
        thousands of entries: the name after the last '/', less its last
        suffix (a leading or trailing dot starts none).
        """
        name = self.path.rpartition("/")[2]
        dot = name.rfind(".")
        return name[:dot] if 0 < dot < len(name) - 1 else name

    @cached_property
    def title(self) -> str:
        return str(self.data.get(self.kind.title_field, self.id))

    def __post_init__(self):
        # entry.get(key) is the data's own get: pages read entries' fields
        # some 300,000 times in a large build, and a method in between
        # would double the cost of each read.
        self.get = self.data.get
        if self.lines is None:
            self.lines = getattr(self.data, "key_lines", {})

    def line_of(self, key: str) -> int:
        """The line of a top-level field (1 if unknown)."""
        return self.lines.get(key, 1)

    def __getitem__(self, key):
        return self.data[key]


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def discover(entries_dir: Path, schema: Schema):
    """Yields (path, shown path, kind or None, problem or None) per file under entries/.

    Paths are text, not Path objects: building and converting one per file
    costs more than reading a small file.
    """
    root = entries_dir.parent
    shown_dir = _display(entries_dir, root)
    entries_real = entries_dir.resolve()
    # In the order of sorted Paths: by their parts.
    for rel, is_link in sorted(files_below(str(entries_dir)), key=lambda found: found[0].split("/")):
        path = f"{entries_dir}/{rel}"
        shown = f"{shown_dir}/{rel}"
        parts = rel.split("/")
        if not shown.isprintable():
            shown = shown.encode("unicode_escape").decode("ascii")  # keep one diagnostic on one line
            yield path, shown, None, LoadProblem(1, "E010", "file name contains control characters; rename it to <id>.yaml")
            continue
        link_problem = _link_problem(Path(path), entries_real) if is_link else None
        if link_problem:
            yield path, shown, None, LoadProblem(1, "E010", link_problem)
            continue
        if parts[-1].startswith(".") or parts[-1] in ("README.md",):
            continue
        kind = schema.kind_of_folder(parts[0]) if len(parts) == 2 else None
        if kind is None or not parts[-1].endswith(".yaml"):  # dot files were skipped above
            folders = ", ".join(f"entries/{f}/" for f in schema.folders)
            yield path, shown, None, LoadProblem(1, "E010", f"not an entry location; entries are <id>.yaml files directly in {folders}")
            continue
        yield path, shown, kind, None


def files_below(folder: str, prefix: str = ""):
    """Yields (path relative to the top folder, whether a symbolic link) of every
    file and symbolic link below folder: what Path.rglob("*") finds, without a
    stat of each file (the directory listing says what each entry is).
    Symbolic links to folders are yielded, not entered; unreadable or missing
    folders are skipped.
    """
    try:
        with os.scandir(folder) as listing:
            found = list(listing)
    except OSError:
        return
    for item in found:
        rel = prefix + item.name
        try:
            if item.is_symlink():
                yield rel, True
            elif item.is_dir(follow_symlinks=False):
                yield from files_below(item.path, rel + "/")
            elif item.is_file(follow_symlinks=False):
                yield rel, False
        except OSError:  # removed while being listed
            continue


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _link_problem(path: Path, entries_real: Path) -> str | None:
    if not path.is_symlink():
        return None
    try:
        target = path.resolve(strict=False)
    except (OSError, RuntimeError):  # Python 3.11 raises RuntimeError for a loop
        return "symbolic link that loops; entries must be regular files"
    if not _inside(target, entries_real):
        return "symbolic link that points outside entries/; entries must be regular files"
    return None


def load_entry(path: str | Path, shown: str, kind: Kind):
    """Returns (Entry or None, diagnostics, the file's modification time in
    whole seconds since the epoch, or None if it could not be read)."""
    modified = None
    try:
        raw, modified = read_limited(path)
        data, problems = parse(decode(raw))
    except LoadProblem as problem:
        return None, [Diagnostic(shown, problem.line, problem.code, problem.message)], modified
    except RecursionError:
        return None, [Diagnostic(shown, 1, "E005", "nesting too deep")], modified
    except OSError as exc:
        return None, [Diagnostic(shown, 1, "E001", f"cannot read file: {exc.strerror}")], modified
    diagnostics = [Diagnostic(shown, p.line, p.code, p.message) for p in problems]
    if not isinstance(data, LineDict):
        return None, diagnostics + [Diagnostic(shown, 1, "E006", "an entry must be a mapping of fields (key: value), not a single value or list")], modified
    return Entry(kind=kind, path=shown, data=data), diagnostics, modified


def entry_files(entries_dir: Path, schema: Schema):
    """Returns ([(path, shown path, kind)] of the entry files, diagnostics of misplaced files)."""
    if not entries_dir.is_dir():
        return [], [Diagnostic(entries_dir.name, 1, "E010", "entries folder not found")]
    files, diagnostics = [], []
    for path, shown, kind, problem in discover(entries_dir, schema):
        if problem is not None:
            diagnostics.append(Diagnostic(shown, problem.line, problem.code, problem.message))
        else:
            files.append((path, shown, kind))
    return files, diagnostics
