"""Editorial rules that go beyond the schema.

E310: an incident that quotes someone must rest on more than analyses. Its
sources (the entry's `sources` and each quote's `source`) must include at
least one source whose `source_type` is not `analysis` - the primary record
(post, broadcast, statement, law) or independent reporting - or the incident
must say `single_source: true` and give `single_source_reason`, which the
incident's page shows.

The pipeline calls check_editorial(entries_by_id) after the checks across
entries; it reads only the entries' data and the lines of top-level fields.
"""
from __future__ import annotations

from .diagnostics import Diagnostic

CODE = "E310"
ANALYSIS = "analysis"


def _source_id(cite) -> str | None:
    if isinstance(cite, str):
        return cite
    if isinstance(cite, dict) and isinstance(cite.get("source"), str):
        return cite["source"]
    return None


def _cited_sources(entry) -> list[str]:
    cites = list(entry.get("sources") or [])
    for quote in entry.get("quotes") or []:
        if isinstance(quote, dict) and quote.get("source") is not None:
            cites.append(quote["source"])
    return [sid for sid in map(_source_id, cites) if sid]


def _kind_name(entry) -> str:
    kind = getattr(entry, "kind", None)
    return getattr(kind, "name", kind)


def check_editorial(entries_by_id: dict) -> list[Diagnostic]:
    """E310 diagnostics for incidents whose quotes rest only on analyses."""
    found = []
    for entry in entries_by_id.values():
        if _kind_name(entry) != "incident" or not entry.get("quotes"):
            continue
        if entry.get("single_source") is True:
            reason = entry.get("single_source_reason")
            if isinstance(reason, str) and reason.strip():
                continue
            found.append(Diagnostic(entry.path, entry.line_of("single_source"), CODE,
                                    "'single_source: true' needs a 'single_source_reason' saying why no other "
                                    "source exists; it is shown on the page"))
            continue
        types = []
        for sid in _cited_sources(entry):
            source = entries_by_id.get(sid)
            if source is not None and _kind_name(source) == "source":
                types.append(source.get("source_type"))
        if any(t != ANALYSIS for t in types):
            continue
        found.append(Diagnostic(entry.path, entry.line_of("quotes"), CODE,
                                "an incident with quotes must cite at least one source that is not an analysis "
                                "(the primary record or independent reporting), or set 'single_source: true' "
                                "with a 'single_source_reason'"))
    return sorted(found)
