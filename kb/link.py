"""Links validated entries: resolves references and computes backlinks."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .dates import PartialDate, parse_date
from .model import Entry

# Roles through which an actor is said to push an incident's narratives.
PUSHING_ROLES = ("originator", "amplifier")


@dataclass
class Graph:
    entries: dict[tuple[str, str], Entry]
    by_kind: dict[str, list[Entry]]
    incidents_in_time: list[Entry] = field(default_factory=list)  # every incident, in chronological() order
    # kind -> id -> list of things pointing at it
    incidents_of_actor: dict[str, list[tuple[Entry, str]]] = field(default_factory=dict)
    incidents_of_narrative: dict[str, list[Entry]] = field(default_factory=dict)
    debunks_of_incident: dict[str, list[Entry]] = field(default_factory=dict)
    debunks_of_narrative: dict[str, list[Entry]] = field(default_factory=dict)
    children_of_narrative: dict[str, list[Entry]] = field(default_factory=dict)
    citing_entries: dict[str, list[Entry]] = field(default_factory=dict)
    quotes_by_actor: dict[str, list[tuple[Entry, dict]]] = field(default_factory=dict)
    refutations_by_actor: dict[str, list[Entry]] = field(default_factory=dict)
    # Who pushed a narrative, and the like (below), are asked again for the
    # same entry by its page, its map, its neighbours' maps and the site map:
    # each answer is worked out once per graph, and shared as a tuple.
    _answers: dict = field(default_factory=dict, repr=False, compare=False)

    def get(self, kind: str, entry_id: str) -> Entry:
        return self.entries[(kind, entry_id)]

    def all(self, kind: str) -> list[Entry]:
        return self.by_kind.get(kind, [])

    def narratives_pushed_by(self, actor_id: str) -> tuple[Entry, ...]:
        return self._answer(self._narratives_pushed_by, actor_id)

    def actors_behind(self, narrative_id: str) -> tuple[tuple[Entry, int], ...]:
        """Actors who originated or amplified the narrative's incidents, with counts."""
        return self._answer(self._actors_behind, narrative_id)

    def debunks_of_actor(self, actor_id: str) -> tuple[Entry, ...]:
        """Debunks of claims from incidents the actor originated or amplified."""
        return self._answer(self._debunks_of_actor, actor_id)

    def _answer(self, question, entry_id: str):
        key = (question.__name__, entry_id)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = tuple(question(entry_id))
        return answer

    def _narratives_pushed_by(self, actor_id: str) -> list[Entry]:
        found = {}
        for incident, role in self.incidents_of_actor.get(actor_id, []):
            if role in PUSHING_ROLES:
                for narrative_id in incident.get("narratives") or []:
                    found[narrative_id] = self.get("narrative", narrative_id)
        return sorted(found.values(), key=lambda e: e.title.lower())

    def _actors_behind(self, narrative_id: str) -> list[tuple[Entry, int]]:
        counts: dict[str, int] = defaultdict(int)
        for incident in self.incidents_of_narrative.get(narrative_id, []):
            for link in incident.get("actors") or []:
                if link["role"] in PUSHING_ROLES:
                    counts[link["actor"]] += 1
        actors = [(self.get("actor", a), n) for a, n in counts.items()]
        return sorted(actors, key=lambda pair: (-pair[1], pair[0].title.lower()))

    def _debunks_of_actor(self, actor_id: str) -> list[Entry]:
        found = {}
        for incident, role in self.incidents_of_actor.get(actor_id, []):
            if role in PUSHING_ROLES:
                for debunk in self.debunks_of_incident.get(incident.id, []):
                    found[debunk.id] = debunk
        return sorted(found.values(), key=lambda e: e.title.lower())


def incident_date(entry: Entry) -> PartialDate:
    return parse_date(entry.get("date"))


def chronological(incidents) -> list[Entry]:
    return sorted(incidents, key=_date_then_id)


def _date_then_id(incident: Entry) -> tuple[int, int, int, str]:
    # The order of (PartialDate, id), whose order compares (year, month, day);
    # plain tuples compare in C, PartialDate's generated methods in Python.
    date = incident_date(incident)
    return date.year, date.month, date.day, incident.id


def citations_of(entry: Entry, references) -> set[str]:
    return {ref.target for ref in references if ref.target_kind == "source"}


def link(entries: list[Entry], references: dict) -> Graph:
    """Builds the graph. Entries must already be valid."""
    in_order = sorted(entries, key=lambda e: (e.kind.name, e.id))
    by_kind: dict[str, list[Entry]] = defaultdict(list)
    for entry in in_order:
        by_kind[entry.kind.name].append(entry)
    graph = Graph(entries={(e.kind.name, e.id): e for e in entries}, by_kind=dict(by_kind))
    lists = {name: defaultdict(list) for name in (
        "incidents_of_actor", "incidents_of_narrative", "debunks_of_incident", "debunks_of_narrative",
        "children_of_narrative", "citing_entries", "quotes_by_actor", "refutations_by_actor")}
    graph.incidents_in_time = chronological(graph.all("incident"))
    for incident in graph.incidents_in_time:
        for link_ in incident.get("actors") or []:
            lists["incidents_of_actor"][link_["actor"]].append((incident, link_["role"]))
        for narrative_id in incident.get("narratives") or []:
            lists["incidents_of_narrative"][narrative_id].append(incident)
        for quote in incident.get("quotes") or []:
            lists["quotes_by_actor"][quote["speaker"]].append((incident, quote))
    for debunk in graph.all("debunk"):
        for incident_id in debunk.get("incidents") or []:
            lists["debunks_of_incident"][incident_id].append(debunk)
        for narrative_id in debunk.get("narratives") or []:
            lists["debunks_of_narrative"][narrative_id].append(debunk)
        for refutation in debunk.get("refuted_by") or []:
            lists["refutations_by_actor"][refutation["actor"]].append(debunk)
    for narrative in graph.all("narrative"):
        if narrative.get("parent"):
            lists["children_of_narrative"][narrative.get("parent")].append(narrative)
    citing_entries = lists["citing_entries"]
    for entry in in_order:
        for source_id in citations_of(entry, references.get(entry.path, [])):
            citing_entries[source_id].append(entry)
    for name, mapping in lists.items():
        setattr(graph, name, dict(mapping))
    return graph
