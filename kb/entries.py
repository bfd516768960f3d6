"""Entries: finding the entry files under entries/ and loading each into an Entry."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic
from .i18n import TRANSLATED
from .schema import Kind, Schema
from .yamlfile import LineDict, LoadProblem, decode, parse, read_limited


@dataclass
class Entry:
    """One entry file's values, as the loader built them (they know their lines)."""

    kind: Kind
    path: str  # as shown to users: entries/<folder>/<id>.yaml
    data: LineDict

    @property
    def id(self) -> str:
        value = self.data.get("id")
        return value if isinstance(value, str) else self.file_id

    @property
    def file_id(self) -> str:
        """The id the file name gives: entries/<folder>/<file_id>.yaml."""
        return Path(self.path).stem

    @property
    def title(self) -> str:
        return str(self.data.get(self.kind.title_field, self.id))

    def get(self, key, default=None):
        return self.data.get(key, default)

    def line_of(self, key: str) -> int:
        """The line of a top-level field (the mapping's own line if it is missing)."""
        return self.data.line_of(key)

    def __getitem__(self, key):
        return self.data[key]


def entry_files(entries_dir: Path, schema: Schema) -> tuple[list[tuple[str, str, Kind, str | None]], list[Diagnostic]]:
    """([(path, shown path, kind, language of a translation or None)] of the
    entry and translation files, diagnostics of misplaced files)."""
    if not entries_dir.is_dir():
        return [], [Diagnostic(entries_dir.name, 1, "E010", "entries folder not found")]
    files, diagnostics = [], []
    for path, shown, kind, problem in _discover(entries_dir, schema):
        if problem is not None:
            diagnostics.append(Diagnostic(shown, 1, "E010", problem))
        else:
            files.append((path, shown, kind, translation_language(shown)))
    return files, diagnostics


def translation_language(path: str) -> str | None:
    """'ru' for entries/actors/x.ru.yaml: the language of a translation file."""
    parts = Path(path).name.split(".")
    return parts[-2] if len(parts) == 3 and parts[-2] in TRANSLATED else None


def english_path(path: str) -> str:
    """entries/actors/x.yaml for the translation entries/actors/x.ru.yaml."""
    folder, _, name = path.rpartition("/")
    return f"{folder}/{name.split('.')[0]}.yaml"


def _discover(entries_dir: Path, schema: Schema):
    """Yields (path, shown path, kind or None, problem or None) per file under entries/."""
    shown_dir = entries_dir.name
    entries_real = entries_dir.resolve()
    for rel, is_link in sorted(files_below(str(entries_dir)), key=lambda found: found[0].split("/")):
        path, shown, parts = f"{entries_dir}/{rel}", f"{shown_dir}/{rel}", rel.split("/")
        if not shown.isprintable():
            shown = shown.encode("unicode_escape").decode("ascii")  # keep one diagnostic on one line
            yield path, shown, None, "file name contains control characters; rename it to <id>.yaml"
            continue
        link_problem = _link_problem(Path(path), entries_real) if is_link else None
        if link_problem:
            yield path, shown, None, link_problem
            continue
        if parts[-1].startswith(".") or parts[-1] == "README.md":
            continue
        kind = schema.kind_of_folder(parts[0]) if len(parts) == 2 else None
        if kind is None or not parts[-1].endswith(".yaml"):
            folders = ", ".join(f"entries/{f}/" for f in schema.folders)
            yield path, shown, None, f"not an entry location; entries are <id>.yaml files directly in {folders}"
            continue
        yield path, shown, kind, None


def files_below(folder: str, prefix: str = ""):
    """Yields (path relative to the top folder, whether a symbolic link) of every
    file and symbolic link below folder. Symbolic links to folders are yielded,
    not entered, so a link cannot make the walk loop."""
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


def _link_problem(path: Path, entries_real: Path) -> str | None:
    try:
        target = path.resolve(strict=False)
    except (OSError, RuntimeError):  # Python 3.11 raises RuntimeError for a loop
        return "symbolic link that loops; entries must be regular files"
    if target != entries_real and entries_real not in target.parents:
        return "symbolic link that points outside entries/; entries must be regular files"
    return None


def load_entry(path: str, shown: str, kind: Kind) -> tuple[Entry | None, list[Diagnostic]]:
    """The entry in one file (None if it cannot be read as one), and the problems
    found reading it. A translation file is read the same way."""
    try:
        data, problems = parse(decode(read_limited(path)))
    except LoadProblem as problem:
        return None, [Diagnostic(shown, problem.line, problem.code, problem.message)]
    except OSError as exc:
        return None, [Diagnostic(shown, 1, "E001", f"cannot read file: {exc.strerror}")]
    diagnostics = [Diagnostic(shown, p.line, p.code, p.message) for p in problems]
    if not isinstance(data, LineDict):
        return None, diagnostics + [Diagnostic(
            shown, 1, "E006", "an entry must be a mapping of fields (key: value), not a single value or list")]
    return Entry(kind=kind, path=shown, data=data), diagnostics
