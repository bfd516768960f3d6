"""The entries' references to each other, and the graph of backlinks built from them.

`references_of(entry)` is the one walk of an entry's references: the
validator checks its targets, `link` builds the backlinks from it and the
open data lists it. It walks the entry against the schema (ref and cite
fields, inline [@source] citations in text), so a field added to the
schema is followed everywhere at once.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from .dates import PartialDate, parse_date
from .entries import Entry
from .schema import Field
from .text import find_citations
from .yamlfile import LineDict, LineList

# Roles through which an actor is said to push an incident's narratives.
PUSHING_ROLES = ("originator", "amplifier")
# Incidents whose authorship is not established: words in them are said in the actor's name, not by them.
UNSETTLED_ATTRIBUTION = ("disputed", "denied", "unknown")


class Reference(NamedTuple):
    """One pointer from an entry to another entry."""

    line: int
    path: str  # the field with list positions, for diagnostics: actors[2].actor
    relation: str  # the field without positions, for data: actors.actor
    target_kind: str
    target: str
    role: str = ""  # the role beside the reference, in an object that has one
    locator: str = ""  # where in a cited source
    in_text: bool = False  # an inline [@source] citation


def references_of(entry: Entry) -> list[Reference]:
    """Every reference the entry makes, in field order. Values of the wrong
    type are passed over: the validator reports them on their own."""
    return list(_walk(entry.kind.fields, entry.data, "", ""))


def _walk(fields, data: LineDict, path: str, relation: str):
    role = data.get("role") if isinstance(data.get("role"), str) else ""
    for spec in fields:
        value = data.get(spec.name)
        if value is not None:
            yield from _references(spec, value, data.line_of(spec.name), path + spec.name,
                                   relation + spec.name, role, (data, spec.name))


def _references(spec: Field, value, line: int, path: str, relation: str, role: str, holder):
    if spec.type == "list" and isinstance(value, LineList):
        for index, item in enumerate(value):
            yield from _references(spec.items, item, value.line_of(index), f"{path}[{index + 1}]",
                                   relation, role, None)
    elif spec.type == "object" and isinstance(value, LineDict):
        yield from _walk(spec.fields, value, path + ".", relation + ".")
    elif spec.type == "ref" and isinstance(value, str):
        yield Reference(line, path, relation, spec.to, value, role)
    elif spec.type == "cite":
        if isinstance(value, LineDict):
            source, locator, line = value.get("source"), value.get("locator"), value.line_of("source")
        else:
            source, locator = value, None
        if isinstance(source, str):
            locator = locator.strip() if isinstance(locator, str) else ""
            yield Reference(line, path, relation, "source", source, role, locator)
    elif spec.type == "text" and isinstance(value, str):
        data, key = holder if holder else (None, None)
        for offset, source, locator in find_citations(value):
            where = data.text_line(key, offset) if data is not None else line
            yield Reference(where, path, relation, "source", source, role, (locator or "").strip(), True)


@dataclass
class Graph:
    """Every entry, by kind and id, and what points at each."""

    entries: dict[tuple[str, str], Entry]
    by_kind: dict[str, list[Entry]]
    references: dict[str, list[Reference]]  # entry path -> its references
    incidents_in_time: list[Entry] = field(default_factory=list)
    incidents_of_actor: dict[str, list[tuple[Entry, str]]] = field(default_factory=dict)  # with the actor's role
    incidents_of_narrative: dict[str, list[Entry]] = field(default_factory=dict)
    debunks_of_incident: dict[str, list[Entry]] = field(default_factory=dict)
    debunks_of_narrative: dict[str, list[Entry]] = field(default_factory=dict)
    children_of_narrative: dict[str, list[Entry]] = field(default_factory=dict)
    citing_entries: dict[str, list[Entry]] = field(default_factory=dict)
    quotes_by_actor: dict[str, list[tuple[Entry, dict]]] = field(default_factory=dict)
    refutations_by_actor: dict[str, list[Entry]] = field(default_factory=dict)
    # entry path -> language -> its translation (kb/translations.py), for the open data
    translations: dict = field(default_factory=dict)

    def get(self, kind: str, entry_id: str) -> Entry:
        return self.entries[(kind, entry_id)]

    def all(self, kind: str) -> list[Entry]:
        return self.by_kind.get(kind, [])

    def narratives_pushed_by(self, actor_id: str) -> list[Entry]:
        """Narratives of the incidents the actor originated or amplified."""
        found = {}
        for incident, role in self.incidents_of_actor.get(actor_id, []):
            if role in PUSHING_ROLES:
                for narrative_id in incident.get("narratives") or []:
                    found[narrative_id] = self.get("narrative", narrative_id)
        return sorted(found.values(), key=lambda e: e.title.lower())

    def actors_behind(self, narrative_id: str) -> list[tuple[Entry, int]]:
        """Actors who originated or amplified the narrative's incidents, with counts."""
        counts: dict[str, int] = defaultdict(int)
        for incident in self.incidents_of_narrative.get(narrative_id, []):
            for link_ in incident.get("actors") or []:
                if link_["role"] in PUSHING_ROLES:
                    counts[link_["actor"]] += 1
        actors = [(self.get("actor", a), n) for a, n in counts.items()]
        return sorted(actors, key=lambda pair: (-pair[1], pair[0].title.lower()))

    def debunks_of_actor(self, actor_id: str) -> list[Entry]:
        """Debunks of claims from incidents the actor originated or amplified."""
        found = {}
        for incident, role in self.incidents_of_actor.get(actor_id, []):
            if role in PUSHING_ROLES:
                for debunk in self.debunks_of_incident.get(incident.id, []):
                    found[debunk.id] = debunk
        return sorted(found.values(), key=lambda e: e.title.lower())


def incident_date(entry: Entry) -> PartialDate:
    return parse_date(entry.get("date"))


def chronological(incidents) -> list[Entry]:
    return sorted(incidents, key=lambda incident: (incident_date(incident), incident.id))


# (kind of the referring entry, relation) -> the Graph list its target's backlink goes to.
BACKLINKS = {
    ("incident", "narratives"): "incidents_of_narrative",
    ("debunk", "incidents"): "debunks_of_incident",
    ("debunk", "narratives"): "debunks_of_narrative",
    ("debunk", "refuted_by.actor"): "refutations_by_actor",
    ("narrative", "parent"): "children_of_narrative",
}


def link(entries: list[Entry], references: dict[str, list[Reference]]) -> Graph:
    """Builds the graph of valid entries from their references."""
    in_order = sorted(entries, key=lambda e: (e.kind.name, e.id))
    by_kind: dict[str, list[Entry]] = defaultdict(list)
    for entry in in_order:
        by_kind[entry.kind.name].append(entry)
    graph = Graph(entries={(e.kind.name, e.id): e for e in entries}, by_kind=dict(by_kind), references=references)
    graph.incidents_in_time = chronological(graph.all("incident"))
    lists: dict[str, dict] = {name: defaultdict(list) for name in (*BACKLINKS.values(), "citing_entries")}
    # Incidents point back in time order, other entries by kind and id.
    for entry in [*graph.incidents_in_time, *(e for e in in_order if e.kind.name != "incident")]:
        seen = set()
        for ref in references.get(entry.path, []):
            backlinks = BACKLINKS.get((entry.kind.name, ref.relation))
            if backlinks and (backlinks, ref.target) not in seen:
                seen.add((backlinks, ref.target))
                lists[backlinks][ref.target].append(entry)
    for entry in in_order:
        for source_id in dict.fromkeys(r.target for r in references.get(entry.path, []) if r.target_kind == "source"):
            lists["citing_entries"][source_id].append(entry)
    for name, mapping in lists.items():
        setattr(graph, name, dict(mapping))
    # Incidents keep the actor's role and the quote with each backlink.
    actors: dict[str, list] = defaultdict(list)
    quotes: dict[str, list] = defaultdict(list)
    for incident in graph.incidents_in_time:
        for link_ in incident.get("actors") or []:
            actors[link_["actor"]].append((incident, link_["role"]))
        for quote in incident.get("quotes") or []:
            quotes[quote["speaker"]].append((incident, quote))
    graph.incidents_of_actor, graph.quotes_by_actor = dict(actors), dict(quotes)
    return graph


def unsettled(incident: Entry) -> bool:
    """Whether the incident's authorship is disputed, denied or unknown."""
    return ((incident.get("attribution") or {}).get("status") or "confirmed") in UNSETTLED_ATTRIBUTION


def in_their_name(incident: Entry, role: str) -> bool:
    """Whether the actor is named as the author of an incident whose authorship is
    not established; those who amplified it did spread it, whoever wrote it."""
    return role == "originator" and unsettled(incident)
