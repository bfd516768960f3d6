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

from .dates import MONTHS, parse_date
from .entries import Entry, translation_language
from .export import Version
from .graph import Graph
from .history import Change
from .render import make_environment
from .views import link_to

FORMAT_CHANGES = Path(__file__).resolve().parent.parent / "schema" / "format-changes.yaml"
# git's status letters, in the order the page lists them.
SECTIONS = (("A", "Added"), ("M", "Changed"), ("D", "Removed"), ("corrected", "Corrected"))


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
            months.setdefault(month, {}).setdefault("corrected", {})[entry.path] = f" — corrected {day.iso()}"
    for sections in months.values():
        for path in sections.get("A", {}):
            sections.get("M", {}).pop(path, None)
    return months


def _item(path: str, note: str, by_path: dict[str, Entry]) -> dict:
    entry = by_path.get(path)
    folder, _, name = path.removeprefix("entries/").rpartition("/")
    if entry is None:  # removed since, or renamed: no page to link to
        return {"kind": folder, "link": name.removesuffix(".yaml"), "note": note}
    return {"kind": entry.kind.name, "link": link_to(entry, "../").markdown, "note": Markup(note)}


def changelog_view(graph: Graph, changes: list[Change], formats: list[dict]) -> list[dict]:
    """The months, newest first, each with its sections and format changes."""
    by_path = {entry.path: entry for entry in graph.entries.values()}
    months = monthly_changes(graph, changes)
    for item in formats:
        months.setdefault(item["date"][:7], {})
    view = []
    for month in sorted(months, reverse=True):
        sections = [{"label": label, "items": [_item(path, note, by_path)
                                                for path, note in sorted(months[month][key].items())]}
                    for key, label in SECTIONS if months[month].get(key)]
        year, number = month.split("-")
        view.append({"label": f"{MONTHS[int(number)]} {year}", "sections": sections,
                     "formats": [f for f in formats if f["date"].startswith(month)]})
    return view


def changelog_page(graph: Graph, changes: list[Change], version: Version,
                   formats: list[dict] | None = None, translations=None) -> str:
    """The changelog page, its words in the language of translations (gettext; English without)."""
    formats = load_format_changes() if formats is None else formats
    _ = (translations.gettext if translations else str)
    return make_environment(translations=translations).get_template("data-changelog.md.j2").render(
        title=_("Data: changelog"), version=version, months=changelog_view(graph, changes, formats),
        description=_("What changed in the knowledge base's data each month: entries added, changed, removed and "
                      "corrected, and format changes."))
