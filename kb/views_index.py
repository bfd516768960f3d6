"""What the pages listing many entries show: the indexes, the timeline, the
overview of who pushes what, the home page, the glossary and the handouts.

A mixin of kb/views.py's Views, whose pieces (_link, _timeline_item, _date...)
it uses. Lists carry data attributes that docs/assets/javascripts/timeline.js
filters and sorts by; the filter forms themselves are in the templates.
"""
from __future__ import annotations

import re

from markupsafe import Markup

from .entries import Entry
from .graph import PUSHING_ROLES, chronological, in_their_name, incident_date
from .labels import anchor, heading_anchor
from .text import attribute_value, full_stop, link_target

# How many narratives and incidents the home page lists in its first screen.
HOME_NARRATIVES = 5
HOME_INCIDENTS = 5
# A platform is a medium or an outlet; what follows it in brackets or after a
# comma ("Telegram (some channel), republished by ...") is detail, not another medium.
_PLATFORM_DETAIL = re.compile(r"\s*[(,].*$")


def platforms_of(incident: Entry) -> list[str]:
    """The media or outlets an incident appeared on, one name each."""
    found = []
    for part in (incident.get("platform") or "").split(";"):
        name = _PLATFORM_DETAIL.sub("", part).strip()
        if name and name not in found:
            found.append(name)
    return found


def platform_key(name: str) -> str:
    """A platform's value in the filter and in its incidents' data-platform:
    one word, made of what survives in an attribute."""
    return "-".join(attribute_value(name).split())


def _data(**values) -> Markup:
    """Data attributes for attr_list: space-separated values, each escaped."""
    return Markup(" ".join(f'data-{name}="{attribute_value(" ".join(v) if isinstance(v, list) else str(v))}"'
                           for name, v in values.items()))


def _part(incident: Entry, role: str) -> str:
    """What a filter calls an actor's part in an incident: "pushed" (originated
    or amplified), "attributed" (named as the author of words whose authorship
    is disputed), "targeted", or "" (subject, responder...)."""
    if in_their_name(incident, role):
        return "attributed"
    if role in PUSHING_ROLES:
        return "pushed"
    return "targeted" if role == "target" else ""


class IndexViews:
    """Views of the pages that list entries (mixed into kb.views.Views)."""

    def _incident_data(self, incident: Entry) -> Markup:
        links = incident.get("actors") or []
        part = {a["actor"]: _part(incident, a["role"]) for a in links}
        return _data(year=str(self._date(incident["date"]).year), date=self._date(incident["date"]).iso(),
                     narratives=list(incident.get("narratives") or []),
                     actors=[a["actor"] for a in links],
                     pushed=[actor for actor, kind in part.items() if kind == "pushed"],
                     attributed=[actor for actor, kind in part.items() if kind == "attributed"],
                     targeted=[actor for actor, kind in part.items() if kind == "targeted"],
                     platform=[platform_key(p) for p in platforms_of(incident)])

    def _filter_options(self, incidents: list[Entry]) -> dict:
        """The choices of the incident filters: only values some incident has."""
        narratives = {n for i in incidents for n in i.get("narratives") or []}
        actors = {a["actor"] for i in incidents for a in i.get("actors") or []}
        # By name, whatever quotation marks a language puts round it («Известия»).
        platforms = sorted({p for i in incidents for p in platforms_of(i)}, key=lambda p: p.strip("«»\"“”").lower())
        return {
            "years": [(y, y) for y in sorted({str(self._date(i["date"]).year) for i in incidents})],
            "narratives": [(n.id, n.title) for n in sorted((self.graph.get("narrative", n) for n in narratives),
                                                            key=lambda e: e.title.lower())],
            "actors": [(a.id, a.title) for a in sorted((self.graph.get("actor", a) for a in actors),
                                                        key=lambda e: e.title.lower())],
            "platforms": [(platform_key(p), p) for p in platforms],
        }

    def _timeline_view(self) -> dict:
        """Every incident by year, with the data attributes the timeline filters read."""
        years: dict[int, list] = {}
        for incident in self.graph.incidents_in_time:
            actors = [(self.graph.get("actor", a["actor"]), a["role"]) for a in incident.get("actors") or []]
            narratives = [self.graph.get("narrative", n) for n in incident.get("narratives") or []]
            years.setdefault(self._date(incident["date"]).year, []).append(dict(
                self._timeline_item(incident, ""),
                pushed=[self._link(a, "") for a, role in actors if _part(incident, role) == "pushed"],
                attributed=[self._link(a, "") for a, role in actors if _part(incident, role) == "attributed"],
                targeted=[self._link(a, "") for a, role in actors if role == "target"],
                narratives=[self._link(n, "") for n in narratives],
                attrs=self._incident_data(incident),
            ))
        return {"years": sorted(years.items()), "total": len(self.graph.all("incident")),
                "options": self._filter_options(self.graph.incidents_in_time)}

    def _narrative_index_view(self) -> dict:
        g = self.graph

        def tree(narratives):
            return [{"link": self._link(n, "../"), "summary": n["summary"],
                     "count": len(g.incidents_of_narrative.get(n.id, [])),
                     "children": tree(g.children_of_narrative.get(n.id, []))}
                    for n in sorted(narratives, key=lambda e: e.title.lower())]
        return {"tree": tree([n for n in g.all("narrative") if n.get("parent") is None]), "total": len(g.all("narrative"))}

    def _actor_index_view(self) -> dict:
        groups = []
        for actor_type, label in self.labels.ACTOR_TYPE_LABELS.items():
            members = [a for a in self.graph.all("actor") if a["actor_type"] == actor_type]
            if members:
                groups.append({"label": label, "type": actor_type, "actors": [
                    self._actor_index_item(a) for a in self._by_first_seen(members, self._actor_incidents)]})
        return {"groups": groups, "total": len(self.graph.all("actor")),
                "types": [(g["type"], g["label"]) for g in groups]}

    def _actor_incidents(self, actor: Entry) -> list[Entry]:
        return [incident for incident, _ in self.graph.incidents_of_actor.get(actor.id, [])]

    def _debunk_incidents(self, debunk: Entry) -> list[Entry]:
        return [self.graph.get("incident", i) for i in debunk.get("incidents") or []]

    def _by_first_seen(self, entries: list[Entry], incidents_of) -> list[Entry]:
        """Entries in the order of their first incident, as the timeline orders
        incidents; those with none yet come last, by title."""
        def first(entry):
            ordered = chronological(incidents_of(entry))
            return (0, incident_date(ordered[0]), ordered[0].id) if ordered else (1,)
        return sorted(entries, key=lambda e: (first(e), e.title.lower()))

    def _years_seen(self, incidents: list[Entry]) -> dict:
        """The first incident's date for the sort order, and the years seen, for the reader."""
        ordered = chronological(incidents)
        if not ordered:
            return {"iso": "", "years": ""}
        first, last = (self._date(i["date"]).year for i in (ordered[0], ordered[-1]))
        return {"iso": self._date(ordered[0]["date"]).iso(), "years": str(first) if first == last else f"{first}–{last}"}

    def _actor_index_item(self, actor: Entry) -> dict:
        involved = self.graph.incidents_of_actor.get(actor.id, [])
        roles = [role for _, role in involved]
        # Words published in their name under a disputed authorship are not counted as theirs.
        disputed = sum(in_their_name(incident, role) for incident, role in involved)
        pushed = sum(role in PUSHING_ROLES for role in roles) - disputed
        targeted = roles.count("target")
        kinds = (["pushed"] if pushed else []) + (["attributed"] if disputed else []) + (["targeted"] if targeted else [])
        seen = self._years_seen(self._actor_incidents(actor))
        return {"link": self._link(actor, "../"), "aliases": actor.get("aliases") or [], "count": len(roles),
                "pushed": pushed, "in_their_name": disputed, "targeted": targeted, "years": seen["years"],
                "attrs": _data(type=actor["actor_type"], role=kinds, count=str(len(roles)), date=seen["iso"])}

    def _incident_index_view(self) -> dict:
        years: dict[int, list] = {}
        for incident in self.graph.incidents_in_time:
            years.setdefault(self._date(incident["date"]).year, []).append(
                dict(self._timeline_item(incident, "../"), attrs=self._incident_data(incident)))
        return {"years": sorted(years.items()), "total": len(self.graph.all("incident")),
                "options": self._filter_options(self.graph.incidents_in_time)}

    def _debunk_index_view(self) -> dict:
        debunks = self._by_first_seen(self.graph.all("debunk"), self._debunk_incidents)
        narratives = sorted((self.graph.get("narrative", n) for n in
                             dict.fromkeys(n for d in debunks for n in d.get("narratives") or [])),
                            key=lambda e: e.title.lower())
        seen = {d.id: self._years_seen(self._debunk_incidents(d)) for d in debunks}
        return {"debunks": [dict(self._debunk_item(d, "../"), claim=d["claim"], years=seen[d.id]["years"],
                                 attrs=_data(verdict=d["verdict"], narratives=list(d.get("narratives") or []),
                                             date=seen[d.id]["iso"]))
                            for d in debunks],
                "verdicts": [(v, label) for v, label in self.labels.VERDICT_LABELS.items()
                             if any(d["verdict"] == v for d in debunks)],
                "narratives": [(n.id, n.title) for n in narratives],
                "total": len(debunks)}

    def _source_index_view(self) -> dict:
        sources = sorted(self.graph.all("source"), key=lambda s: ((s.get("author") or s["publisher"]).lower(), s.id))
        return {"sources": [{"link": self._link(s, "../"), "author": s.get("author"), "publisher": s["publisher"],
                             "date_end": full_stop(self._date_text(s, "published")), "url": link_target(s.get("url")),
                             "count": len(self.graph.citing_entries.get(s.id, []))} for s in sources],
                "total": len(sources)}

    # -- pages of their own ------------------------------------------------------

    def map_lists(self) -> dict:
        """The overview: each narrative with the actors who pushed it, and each actor with what they pushed."""
        rows = [{"link": self._link(n, ""), "count": len(self.graph.incidents_of_narrative.get(n.id, [])),
                 "actors": self._pushers(self.graph.incidents_of_narrative.get(n.id, []), "")}
                for n in sorted(self.graph.all("narrative"),
                                key=lambda e: (-len(self.graph.incidents_of_narrative.get(e.id, [])), e.title.lower()))]
        pushed = [(actor, self.graph.narratives_pushed_by(actor.id))
                  for actor in sorted(self.graph.all("actor"), key=lambda e: e.title.lower())]
        return {"rows": rows, "narratives": [self._link(n, "") for n in self.graph.all("narrative")],
                "actors": [(self._link(a, ""), [self._link(n, "") for n in narratives])
                           for a, narratives in pushed if narratives]}

    def home(self) -> dict:
        """The first screen of the home page: counts, the most documented narratives, the latest incidents."""
        g = self.graph
        narratives = sorted(g.all("narrative"), key=lambda n: (-len(g.incidents_of_narrative.get(n.id, [])),
                                                              n.title.lower()))
        latest = list(reversed(g.incidents_in_time))[:HOME_INCIDENTS]
        return {
            "counts": [{"count": len(g.all(kind)), "label": self.labels.kind_count(kind, len(g.all(kind))),
                        "url": Markup(f"{folder}/index.md")}
                       for kind, folder in (("narrative", "narratives"), ("actor", "actors"),
                                            ("incident", "incidents"), ("debunk", "debunks"), ("source", "sources"))],
            "narratives": [{"link": self._link(n, ""), "count": len(g.incidents_of_narrative.get(n.id, []))}
                           for n in narratives[:HOME_NARRATIVES]],
            "incidents": [self._timeline_item(i, "") for i in latest],
        }

    def glossary(self) -> list[dict]:
        """Every label the schema allows, with its definition from the schema, in the page's language."""
        kinds = self.schema.kinds
        incident = kinds["incident"]
        meanings = {
            "kind": [(name, kind.doc) for name, kind in kinds.items()],
            "verdict": list(kinds["debunk"].field("verdict").value_docs),
            "role": list(incident.field("actors").items.subfield("role").value_docs),
            "attribution": list(incident.field("attribution").subfield("status").value_docs),
            "date": list(self.schema.date_precision),
        }
        labels = {"kind": self.labels.KIND_LABELS, "verdict": self.labels.VERDICT_LABELS, "role": self.labels.ROLE_LABELS,
                  "attribution": self.labels.ATTRIBUTION_LABELS, "date": self.labels.PRECISION_LABELS}
        return [{"heading": self.labels.TERM_GROUPS[group][0], "anchor": heading_anchor(group),
                 "terms": [{"anchor": anchor(group, value), "label": labels[group][value], "value": value,
                            "doc": self.language.gettext(doc)} for value, doc in meanings[group]]}
                for group in self.labels.TERM_GROUPS]

    def handout(self, narrative: Entry, cites) -> dict:
        """A narrative on one or two printed pages: summary, claims, the facts against them, sources."""
        g = self.graph
        root = "../"
        debunks = g.debunks_of_narrative.get(narrative.id, [])
        incidents = g.incidents_of_narrative.get(narrative.id, [])
        return {
            "summary": narrative["summary"],
            "page": self._link(narrative, root),
            "claims": narrative.get("claims") or [],
            "seen": self._seen(incidents),
            "debunks": [{"title": d.title, "claim": d["claim"], "verdict": self.labels.VERDICT_LABELS[d["verdict"]],
                         "facts": cites.text(d.get("facts"))} for d in debunks],
            "questions": narrative.get("discussion_questions") or [],
            "sources": cites.cite_all(narrative.get("sources")),
        }
