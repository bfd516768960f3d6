"""The changelog page (data/changelog.md): what changed in the data, month by month.

Entries added, changed and removed come from the entry files' git history
(kb/history.py, the same `git log` that dates the entries); corrections from
the entries' `corrections` fields; changes to the files' formats from
schema/format-changes.yaml, kept by hand because a renamed column is a
decision, not something the history can tell apart from a new one.
"""
from __future__ import annotations

from pathlib import Path

import yaml
from markupsafe import Markup

from .dates import PartialDate, parse_date
from .entries import Entry, translation_language
from .export import Version
from .graph import Graph
from .history import Change
from .i18n import SOURCE_LANGUAGE, Language
from .labels import N_, Labels
from .render import make_environment
from .views import link_to

FORMAT_CHANGES = Path(__file__).resolve().parent.parent / "schema" / "format-changes.yaml"
# git's status letters, in the order the page lists them.
SECTIONS = (("A", N_("Added")), ("M", N_("Changed")), ("D", N_("Removed")), ("corrected", N_("Corrected")))
CORRECTED_ON = N_("corrected {date}")


def load_format_changes(path: Path = FORMAT_CHANGES) -> list[dict]:
    """The hand-kept list of format changes; [] when the file is missing."""
    if not path.is_file():
        return []
    # Markdown kept by the maintainers, like the hand-written pages in docs/.
    return [{"date": str(item["date"]), "change": Markup(str(item["change"])), "breaking": bool(item.get("breaking"))}
            for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []]


def monthly_changes(graph: Graph, changes: list[Change]) -> dict[str, dict[str, dict[str, str]]]:
    """{YYYY-MM: {section: {entry path: note}}}: each entry once per section and month.
    An entry added in a month is not also listed as changed in it."""
    months: dict[str, dict[str, dict[str, str]]] = {}
    for when, status, path in changes:
        if path.endswith(".yaml") and status in ("A", "M", "D") and translation_language(path) is None:
            months.setdefault(f"{when:%Y-%m}", {}).setdefault(status, {})[path] = ""
    for entry in graph.entries.values():
        for correction in entry.get("corrections") or []:
            day = parse_date(correction["date"])
            month = f"{day.year:04d}-{day.month or 1:02d}"
            months.setdefault(month, {}).setdefault("corrected", {})[entry.path] = day.iso()
    for sections in months.values():
        for path in sections.get("A", {}):
            sections.get("M", {}).pop(path, None)
    return months


def _item(path: str, corrected: str, by_path: dict[str, Entry], labels: Labels) -> dict:
    """An entry as a section lists it; corrected is the day of its correction, if that is the section."""
    entry = by_path.get(path)
    folder, _, name = path.removeprefix("entries/").rpartition("/")
    note = f" — {labels.gettext(CORRECTED_ON).format(date=corrected)}" if corrected else ""
    if entry is None:  # removed since, or renamed: no page to link to; its folder is its kind's plural
        return {"kind": labels.KIND_LABELS.get(folder.removesuffix("s"), folder),
                "link": name.removesuffix(".yaml"), "note": note}
    return {"kind": labels.KIND_LABELS[entry.kind.name], "link": link_to(entry, "../").markdown, "note": Markup(note)}


def changelog_view(graph: Graph, changes: list[Change], formats: list[dict], language: Language | None = None) -> list[dict]:
    """The months, newest first, each with its sections and format changes, in the language."""
    language = language or Language.load(SOURCE_LANGUAGE)
    labels = Labels(language.gettext, language.ngettext)
    by_path = {entry.path: entry for entry in graph.entries.values()}
    months = monthly_changes(graph, changes)
    for item in formats:
        months.setdefault(item["date"][:7], {})
    view = []
    for month in sorted(months, reverse=True):
        sections = [{"label": language.gettext(label), "items": [_item(path, note, by_path, labels)
                                                                  for path, note in sorted(months[month][key].items())]}
                    for key, label in SECTIONS if months[month].get(key)]
        year, number = month.split("-")
        month_name = language.date(PartialDate(int(year), int(number)))  # "декабрь 2026 г." heads a section
        view.append({"label": month_name[:1].upper() + month_name[1:], "sections": sections,
                     "formats": [f for f in formats if f["date"].startswith(month)]})
    return view


def changelog_page(graph: Graph, changes: list[Change], version: Version,
                   formats: list[dict] | None = None, language: Language | None = None) -> str:
    """The changelog page in the language (English without); the format
    changes are the maintainers' notes, in English."""
    formats = load_format_changes() if formats is None else formats
    language = language or Language.load(SOURCE_LANGUAGE)
    _ = language.gettext
    return make_environment(translations=language.strings).get_template("data-changelog.md.j2").render(
        title=_("Data: changelog"), version=version, months=changelog_view(graph, changes, formats, language),
        description=_("What changed in the knowledge base's data each month: entries added, changed, removed and "
                      "corrected, and format changes."))
