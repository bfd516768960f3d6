"""The whole run in one place: load -> validate -> link -> render -> write."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable

from . import parallel
from .diagnostics import Diagnostic, sorted_unique
from .link import Graph, link
from .model import Entry, entry_files, load_entry
from .history import entry_history
from .site import Site, write_changed
from .render import Renderer
from .schema import Kind, Schema, load_schema
from .loader import LineDict, LineList
from .validate import EntryChecker, Reference, check_collection, check_entry


@dataclass
class CheckResult:
    entries: list[Entry]
    diagnostics: list[Diagnostic]
    references: dict = field(default_factory=dict)
    root: Path | None = None
    schema: Schema | None = None  # the schema the entries were checked against
    # entry path -> the file's modification time (whole seconds since the
    # epoch) when it was read; None when unknown, and history looks again.
    file_times: dict[str, int] | None = None

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
    schema = schema or load_schema()
    files, diagnostics = entry_files(root / "entries", schema)
    checker = EntryChecker(schema, today or dt.date.today())
    # Each file is read and checked on its own, so large sets use both cores;
    # only the checks across entries need them all.
    checked = parallel.map_items(partial(_load_and_check, checker), files, travel=_CHECKED_VALUES_TRAVEL)
    entries, references, file_times = [], {}, {}
    for (_path, shown, kind), (data, lines, found, entry_references, modified) in zip(files, checked):
        diagnostics += found
        if data is not None:
            entries.append(Entry(kind=kind, path=shown, data=data, lines=lines))
            references[shown] = entry_references
            file_times[shown] = modified
    diagnostics += check_collection(entries, references)
    return CheckResult(entries, sorted_unique(diagnostics), references, root, schema, file_times)


def _load_and_check(checker: EntryChecker, file: tuple[str, str, Kind]):
    """(data or None, lines of its top-level fields, diagnostics, references,
    modification time) of one entry file, all picklable.

    The data goes without its Entry, whose kind the parent process has.
    """
    path, shown, kind = file
    entry, diagnostics, modified = load_entry(path, shown, kind)
    if entry is None:
        return None, None, diagnostics, [], modified
    found, references = check_entry(checker, entry)
    return entry.data, entry.lines, diagnostics + found, references, modified


# How checked entries travel from the check's second process: their dicts
# and lists as plain ones, since after the check only the lines of top-level
# fields are read, and those travel on their own; references made by tuple's
# own constructor rather than NamedTuple's, which is Python. (Pickling and
# unpickling them as the loader made them took about a tenth of the check's
# CPU at 10,000 entries; as plain values, under a third of that.)
def _as_plain_dict(value: LineDict):
    return dict, (dict(value),)


def _as_plain_list(value: LineList):
    return list, (list(value),)


def _as_tuple_made(value: Reference):
    return tuple.__new__, (type(value), tuple(value))


_CHECKED_VALUES_TRAVEL = {LineDict: _as_plain_dict, LineList: _as_plain_list, Reference: _as_tuple_made}


def history_of(result: CheckResult) -> dict:
    """When each checked entry was created and last changed (kb/history.py)."""
    if result.root is None:
        return {}
    return entry_history(result.root, file_times=result.file_times)


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
    # The graph, the page jobs and the renderer's caches are many new
    # containers too: in a fresh process the first of them to survive two
    # young collections set off a full collection of everything the check
    # kept (0.2 s at 10,000 entries), which finds nothing to free.
    with parallel.gc_paused():
        graph = graph_of(result)
        return graph, Renderer(graph, schema, site=site, history=history).pages()


def write_pages(pages: dict[str, str], out_dir: Path) -> tuple[int, int]:
    """Writes pages that changed and removes pages of deleted entries.

    Returns (written, removed). Pages are written only after a clean check,
    one atomic replacement each, so an interrupted or failed run leaves every
    page either old or new, never half-written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written = write_changed(pages, out_dir)
    removed = 0
    for stale in sorted(out_dir.rglob("*.md")):
        if stale.relative_to(out_dir).as_posix() not in pages:
            stale.unlink()
            removed += 1
    return written, removed


@dataclass(frozen=True)
class Publication:
    """Every file the site build adds. The pages are needed at once; the data
    files only when the site is written, so their paths are known at once and
    their content is worked out meanwhile, beside the site build."""
    pages: dict[str, str]  # entry pages, lists, redirects of former ids, the columns page
    data_paths: tuple[str, ...]  # open data and feed
    data: Callable[[], dict[str, str]]  # waits for {data path: content}


def publish(result: CheckResult, site: Site, templates: Path | None = None) -> Publication:
    from . import datapackage, export, reader
    from .render import TEMPLATES

    schema = result.schema or load_schema()
    history = history_of(result)
    graph, pages = generate(result, site=site, history=history)
    pages.update(reader.redirect_pages(graph, templates or TEMPLATES))
    pages["data/columns.md"] = datapackage.columns_page(schema)
    builders = export.export_builders(graph, schema, history, site)
    return Publication(pages=pages, data_paths=tuple(builders),
                       data=parallel.in_background(partial(export.build_all, builders)))
