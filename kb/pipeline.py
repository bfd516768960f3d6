"""The whole run in one place: load -> validate -> link -> render -> write."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic, sorted_unique
from .entries import Entry, entry_files, load_entry
from .graph import Graph, Reference, link, references_of
from .history import entry_history
from .render import Renderer
from .schema import Schema, load_schema
from .site import Site, write_changed
from .validate import EntryChecker, check_collection, check_entry


@dataclass
class CheckResult:
    entries: list[Entry]
    diagnostics: list[Diagnostic]
    references: dict[str, list[Reference]] = field(default_factory=dict)  # entry path -> its references
    root: Path | None = None
    schema: Schema | None = None  # the schema the entries were checked against

    @property
    def ok(self) -> bool:
        return not self.diagnostics

    def summary(self) -> str:
        if self.ok:
            counts = Counter((e.kind.folder, e.kind.name) for e in self.entries)
            detail = ", ".join(f"{n} {name if n == 1 else folder}" for (folder, name), n in sorted(counts.items()))
            return f"{len(self.entries)} entries checked ({detail}): no problems"
        files = len({d.path for d in self.diagnostics})
        problems = len(self.diagnostics)
        return f"{problems} problem{'s' if problems != 1 else ''} in {files} file{'s' if files != 1 else ''}"


def check(root: Path, schema: Schema | None = None, today: dt.date | None = None) -> CheckResult:
    """Loads and validates every entry under root/entries."""
    schema = schema or load_schema()
    files, diagnostics = entry_files(root / "entries", schema)
    checker = EntryChecker(schema, today or dt.date.today())
    entries, references = [], {}
    for path, shown, kind in files:
        entry, found = load_entry(path, shown, kind)
        diagnostics += found
        if entry is not None:
            diagnostics += check_entry(checker, entry)
            entries.append(entry)
            references[shown] = references_of(entry)
    diagnostics += check_collection(entries, references, schema.max_references)
    return CheckResult(entries, sorted_unique(diagnostics), references, root, schema)


def history_of(result: CheckResult) -> dict:
    """When each checked entry was created and last changed (kb/history.py)."""
    if result.root is None:
        return {}
    return entry_history(result.root, [entry.path for entry in result.entries])


def graph_of(result: CheckResult) -> Graph:
    """Links the entries of a clean check result."""
    if not result.ok:
        raise ValueError("cannot link entries with problems")
    return link(result.entries, result.references)


def generate(result: CheckResult, schema: Schema | None = None, site: Site | None = None,
             history: dict | None = None) -> tuple[Graph, dict[str, str]]:
    """Renders the pages of a clean check result.

    history maps entry paths to (created, last changed); by default it is
    read from git (kb/history.py). Pass {} for output that does not depend
    on the repository's history, as the golden tests do.
    """
    schema = schema or result.schema or load_schema()
    if history is None:
        history = history_of(result)
    graph = graph_of(result)
    return graph, Renderer(graph, schema, site=site, history=history).pages()


MANIFEST = ".kb-pages"  # in an output folder: the files build wrote there, one a line


class ForeignFiles(Exception):
    """The output folder holds files build did not write; it will not touch them."""


def write_pages(pages: dict[str, str], out_dir: Path) -> tuple[int, int]:
    """Writes pages that changed and removes pages of deleted entries.

    Returns (written, removed). Only files listed in the folder's manifest
    (written by an earlier run) are ever removed, and a folder holding any
    other file is refused whole, so `--out docs` or `--out .` cannot delete
    hand-written files. Pages are written one atomic replacement each.
    """
    previous = _own_files(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = write_changed(pages, out_dir)
    removed = 0
    for stale in sorted(previous - set(pages)):
        (out_dir / stale).unlink(missing_ok=True)
        removed += 1
    write_changed({MANIFEST: "".join(f"{name}\n" for name in sorted(pages))}, out_dir)
    return written, removed


def _own_files(out_dir: Path) -> set[str]:
    """The files an earlier run wrote in out_dir; refuses any other file there."""
    if not out_dir.exists():
        return set()
    manifest = out_dir / MANIFEST
    own = set(manifest.read_text(encoding="utf-8").splitlines()) if manifest.is_file() else set()
    foreign = sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*")
                     if not p.is_dir() and p != manifest and p.relative_to(out_dir).as_posix() not in own)
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise ForeignFiles(f"{out_dir}: holds files build did not write ({shown}); "
                           "nothing written or removed; choose an empty or new folder")
    return own


def publish(result: CheckResult, site: Site) -> dict[str, str]:
    """Every file the site build adds, by its path in the site: the entry
    pages, lists, redirects of former ids, the columns page, the open data
    and the feed."""
    from . import datapackage, opendata, pagemeta
    from .render import TEMPLATES

    schema = result.schema or load_schema()
    history = history_of(result)
    graph, pages = generate(result, site=site, history=history)
    pages.update(pagemeta.redirect_pages(graph, TEMPLATES))
    pages["data/columns.md"] = datapackage.columns_page(schema)
    return {**pages, **opendata.data_files(graph, schema, history, site)}
