"""The whole run in one place: load -> validate -> link -> render -> write."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .dates import PartialDate
from .diagnostics import Diagnostic, sorted_unique
from .editorial import check_editorial
from .entries import Entry, english_path, entry_files, load_entry
from .graph import Graph, Reference, link, references_of
from .history import History, entry_history, read_history
from .i18n import SOURCE_LANGUAGE, Language
from .schema import Schema, load_schema
from .site import Site, write_changed
from .translations import Translation, check_translation, localized, stale
from .validate import EntryChecker, check_collection, check_entry


# Not a file: the home page's generated part, which the hook puts into docs/index.md.
HOME_PART = "<home>"


@dataclass
class CheckResult:
    entries: list[Entry]
    diagnostics: list[Diagnostic]
    references: dict[str, list[Reference]] = field(default_factory=dict)  # entry path -> its references
    root: Path | None = None
    schema: Schema | None = None  # the schema the entries were checked against
    # English entry path -> language -> its translation
    translations: dict[str, dict[str, Translation]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.diagnostics

    def summary(self) -> str:
        if self.ok:
            counts = Counter((e.kind.folder, e.kind.name) for e in self.entries)
            detail = ", ".join(f"{n} {name if n == 1 else folder}" for (folder, name), n in sorted(counts.items()))
            translations = sum(len(by_language) for by_language in self.translations.values())
            also = f" and {translations} translation{'s' if translations != 1 else ''}" if translations else ""
            return f"{len(self.entries)} entries{also} checked ({detail}): no problems"
        files = len({d.path for d in self.diagnostics})
        problems = len(self.diagnostics)
        return f"{problems} problem{'s' if problems != 1 else ''} in {files} file{'s' if files != 1 else ''}"


def check(root: Path, schema: Schema | None = None, today: dt.date | None = None) -> CheckResult:
    """Loads and validates every entry under root/entries."""
    schema = schema or load_schema()
    files, diagnostics = entry_files(root / "entries", schema)
    checker = EntryChecker(schema, today or dt.date.today())
    entries, references, translated = [], {}, []
    for path, shown, kind, language in files:
        entry, found = load_entry(path, shown, kind)
        diagnostics += found
        if entry is not None and language is not None:
            translated.append(Translation(language, shown, entry.data))
        elif entry is not None:
            diagnostics += check_entry(checker, entry)
            entries.append(entry)
            references[shown] = references_of(entry)
    diagnostics += check_collection(entries, references, schema.max_references)
    if not diagnostics:  # editorial rules read well-formed entries only
        diagnostics += check_editorial({entry.id: entry for entry in entries})
    translations, found = _match_translations(checker, entries, translated)
    diagnostics += found
    return CheckResult(entries, sorted_unique(diagnostics), references, root, schema, translations)


def _match_translations(checker: EntryChecker, entries: list[Entry], translated: list[Translation]):
    """Each translation checked against its English entry, by the English entry's path."""
    by_path = {entry.path: entry for entry in entries}
    translations: dict[str, dict[str, Translation]] = {}
    diagnostics = []
    for translation in translated:
        english = by_path.get(english_path(translation.path))
        if english is None:
            diagnostics.append(Diagnostic(translation.path, 1, "E406",
                                          f"translation of {english_path(translation.path)}, which does not exist"))
            continue
        diagnostics += check_translation(checker, translation, english)
        translations.setdefault(english.path, {})[translation.language] = translation
    return translations, diagnostics


def history_of(result: CheckResult) -> dict:
    """When each checked entry was created and last changed (kb/history.py)."""
    if result.root is None:
        return {}
    return entry_history(result.root, [entry.path for entry in result.entries])


def record_of(result: CheckResult) -> History:
    """The checked entries' dates, their changes and the commit, from one git log and one rev-parse."""
    if result.root is None:
        return History({}, [], None)
    translations = [t.path for by_language in result.translations.values() for t in by_language.values()]
    return read_history(result.root, [entry.path for entry in result.entries] + translations)


def stale_translations(result: CheckResult, dates: dict) -> list[Diagnostic]:
    """W400 warnings: translations whose English entry changed after they last did."""
    warnings = []
    for path, by_language in sorted(result.translations.items()):
        for translation in by_language.values():
            changed = stale(dates.get(path), dates.get(translation.path))
            if changed is not None:
                warnings.append(Diagnostic(translation.path, 1, "W400",
                                           f"the English entry changed on {changed:%Y-%m-%d}, after this translation; "
                                           "bring it up to date"))
    return warnings


def graph_of(result: CheckResult, language: str = SOURCE_LANGUAGE) -> Graph:
    """Links the entries of a clean check result, with their text in the language."""
    if not result.ok:
        raise ValueError("cannot link entries with problems")
    entries = [localized(entry, result.translations.get(entry.path, {}).get(language)) for entry in result.entries]
    graph = link(entries, result.references)
    graph.translations = result.translations
    return graph


def generate(result: CheckResult, schema: Schema | None = None, site: Site | None = None,
             history: dict | None = None, language: Language | None = None,
             env=None) -> tuple[Graph, dict[str, str]]:
    """Renders the pages of a clean check result, in English or another language.

    history maps entry paths to (created, last changed); by default it is
    read from git (kb/history.py). Pass {} for output that does not depend
    on the repository's history, as the golden tests do. env is the Jinja
    environment (render.make_environment) of the language, for a caller
    that renders many knowledge bases and compiles the templates once.
    """
    # Imported here: `check` needs none of the rendering libraries, and a
    # contributor runs it often.
    from .render import Renderer

    schema = schema or result.schema or load_schema()
    language = language or Language.load(SOURCE_LANGUAGE)
    if history is None:
        history = history_of(result)
    graph = graph_of(result, language.code)
    notices = translation_notices(result, history, language)
    return graph, Renderer(graph, schema, env=env, site=site, history=history, language=language,
                           notices=notices).pages()


def translation_notices(result: CheckResult, dates: dict, language: Language) -> dict[str, dict]:
    """{entry path: what its page in the language says of the translation}:
    missing, a draft, or reviewed by whom; and when the English changed
    after it. Nothing for English."""
    if language.code == SOURCE_LANGUAGE:
        return {}
    notices = {}
    for entry in result.entries:
        translation = result.translations.get(entry.path, {}).get(language.code)
        if translation is None:
            notices[entry.path] = {"status": "missing"}
            continue
        notice = {"status": translation.status}
        if translation.reviewer:
            notice["reviewer"] = translation.reviewer
        changed = stale(dates.get(entry.path), dates.get(translation.path))
        if changed is not None:
            notice["english_changed"] = language.date(PartialDate(changed.year, changed.month, changed.day))
        notices[entry.path] = notice
    return notices


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


def publish(result: CheckResult, site: Site, language: Language | None = None) -> dict[str, str]:
    """Every file the site build of one language adds, by its path in the
    site: the entry pages, lists, redirects of former ids, the columns and
    changelog pages, the open data and the feed. The open data hold every
    language, and each language's site publishes them, so its Data page can
    link them; the feed is in the build's language. The pages and the open
    data are made on two cores (kb/cores.py)."""
    from . import changelog, cores, datapackage, feed, opendata, pagemeta
    from .export import data_version
    from .render import TEMPLATES, Renderer, make_environment

    schema = result.schema or load_schema()
    language = language or Language.load(SOURCE_LANGUAGE)
    record = record_of(result)

    def pages() -> dict[str, str]:
        # One environment for the pages and the home page's part: the templates compile once.
        env = make_environment(translations=language.strings)
        graph, pages = generate(result, site=site, history=record.dates, language=language, env=env)
        pages.update(pagemeta.redirect_pages(graph, TEMPLATES))
        pages[HOME_PART] = Renderer(graph, schema, env=env, site=site, history=record.dates,
                                    language=language).home_page()
        pages["data/columns.md"] = datapackage.columns_page(schema, language.strings)
        pages["feed.xml"] = feed.atom(graph, schema, record.dates, site)
        # The changelog names the entries in the page's language; the entries'
        # dates, and so the data's version, are the same in every language.
        version = data_version(record.dates, graph, record.commit)
        pages["data/changelog.md"] = changelog.changelog_page(graph, record.changes, version, language=language)
        return pages

    def open_data() -> dict[str, str]:
        # The open data are English, with every translation beside it.
        english = graph_of(result)
        data = opendata.data_files(english, schema, record.dates, site, record.commit)
        del data["feed.xml"]  # each language's site has a feed of its own, made with its pages
        return data

    pages, data = cores.both(pages, open_data)
    return {**pages, **data}
