"""What each page shows, computed in Python from the linked graph; the
templates only lay it out. Every text is escaped for Markdown here or by the
environment's finalize, unless it is Markup made here. Markdown text fields
become sanitized HTML here (kb/markup.py), placed in pages as raw HTML
blocks."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, NamedTuple

from markupsafe import Markup, escape

from .dates import PartialDate, parse_date
from .entries import Entry
from .graph import Graph, chronological
from .schema import Schema
from .markup import admonition, prepare, to_html
from .text import CITATION, attribute_value, escape_inline, link_target, plain
from .validate import host_of

KIND_LABELS = {"source": "Source", "actor": "Actor", "narrative": "Narrative",
               "incident": "Incident", "debunk": "Debunk"}
ACTOR_TYPE_LABELS = {
    "person": "People", "tv-channel": "TV channels", "newspaper": "Newspapers",
    "news-agency": "News agencies", "website": "Websites", "telegram-channel": "Telegram channels",
    "social-media-account": "Social media accounts", "government-body": "Government bodies",
    "political-party": "Political parties", "organisation": "Organisations",
}


@dataclass(frozen=True)
class Link:
    """A link to an entry's page; `markdown` is the whole link, ready to print."""

    title: Markup  # escaped for Markdown
    url: Markup
    markdown: Markup


class SourceDetails(NamedTuple):
    """What a reference list shows of a source, the same on every page citing it."""

    link: Link
    publisher: str
    date: str
    url: Markup | None  # the original, when it is an http(s) URL
    host: str = ""  # the original's host, shown beside the link so its text cannot pass for another site


@dataclass
class Citations:
    """Numbers the citations of one page in order of first appearance.

    source_details gives what the reference list shows of a source (link,
    publisher, date, original URL).
    """

    source_details: Callable[[str], SourceDetails]
    numbers: dict = field(default_factory=dict)

    def cite_value(self, value) -> Markup:
        return Markup(self._value_marker(value))

    def cite_all(self, values) -> Markup:
        return Markup("".join([self._value_marker(v) for v in values or []]))

    def text(self, value: str | None, lead: str = "") -> Markup:
        """A Markdown text field as a block of sanitized HTML, its citations
        numbered links; lead is trusted HTML that starts its first paragraph."""
        if not value:
            return Markup("")
        marked = CITATION.sub(lambda m: self._marker(m.group(1), m.group(2) and m.group(2).strip()),
                              prepare(value.strip()))
        return Markup(to_html(marked, lead))

    # Markers are plain text, made Markup once per value.
    def _marker(self, source_id: str, locator: str | None) -> str:
        key = (source_id, locator or "")
        number = self.numbers.setdefault(key, len(self.numbers) + 1)
        return f"[\\[{number}\\]](#ref-{number})"

    def _value_marker(self, value) -> str:
        if isinstance(value, dict):
            return self._marker(value["source"], value.get("locator"))
        return self._marker(value, None)

    def references(self) -> list[tuple]:
        """The numbered reference list: (number, link, publisher, date, locator,
        original URL, its host) for each, in the order of first citation."""
        listed = []
        for (source_id, locator), number in self.numbers.items():
            link, publisher, date, url, host = self.source_details(source_id)
            listed.append((number, link, publisher, date, locator, url, host))
        return listed


def url_of(entry: Entry, root: str = "") -> Markup:
    return Markup(f"{root}{entry.kind.folder}/{entry.id}.md")


def link_to(entry: Entry, root: str) -> Link:
    title = Markup(escape_inline(entry.title))
    url = url_of(entry, root)
    return Link(title=title, url=url, markdown=Markup(f"[{title}]({url})"))


def description_of(entry: Entry) -> str:
    for name in ("summary", "claim", "description", "explainer", "facts"):
        if entry.get(name):
            text = plain(str(entry.get(name)))
            return text if len(text) <= 200 else text[:197].rsplit(" ", 1)[0] + "…"
    return f"{KIND_LABELS[entry.kind.name]}: {entry.title}"


class Views:
    """The view of each kind of page: a dict of what its template prints."""

    def __init__(self, graph: Graph, schema: Schema):
        self.graph = graph
        self.schema = schema

    def entry(self, entry: Entry, cites: Citations, root: str) -> dict:
        return ENTRY_VIEWS[entry.kind.name](self, entry, cites, root)

    def index(self, kind: str) -> dict:
        return INDEX_VIEWS[kind](self)

    def corrections(self, entry: Entry, cites: Citations) -> list[dict]:
        """The entry's corrections, oldest first."""
        dated = sorted(entry.get("corrections") or [], key=lambda c: self._date(c["date"]))
        return [{"date": self._date(c["date"]).human(),
                 "text": cites.text(c["text"], lead=f"<strong>{escape(self._date(c['date']).human())}.</strong> ")}
                for c in dated]

    def all_corrections(self, cites: Citations) -> list[dict]:
        """Every correction of every entry, newest first."""
        found = [(self._date(c["date"]), entry, c) for kind in self.schema.kinds.values()
                 for entry in self.graph.all(kind.name) for c in entry.get("corrections") or []]
        found.sort(key=lambda item: (item[0], item[1].title.lower()), reverse=True)
        return [{"date": date.human(), "link": self._link(entry, ""), "kind": KIND_LABELS[entry.kind.name],
                 "text": cites.text(c["text"], lead=f"<em>{escape(KIND_LABELS[entry.kind.name])}.</em> ")}
                for date, entry, c in found]

    def map_lists(self) -> dict:
        """The text version of the overview map: narratives, and each actor with what they pushed."""
        pushed = [(actor, self.graph.narratives_pushed_by(actor.id))
                  for actor in sorted(self.graph.all("actor"), key=lambda e: e.title.lower())]
        return {"narratives": [self._link(n, "") for n in self.graph.all("narrative")],
                "actors": [(self._link(a, ""), [self._link(n, "") for n in narratives])
                           for a, narratives in pushed if narratives]}

    def citations(self, root: str) -> Citations:
        """A new numbering of citations, for one page."""
        return self._citations(root)

    # -- entry views -------------------------------------------------------

    def _narrative_view(self, entry: Entry, cites: Citations, root: str) -> dict:
        g = self.graph
        parent = g.get("narrative", entry["parent"]) if entry.get("parent") else None
        return {
            "summary": entry["summary"],
            "parent": self._link(parent, root) if parent else None,
            "explainer": cites.text(entry.get("explainer")),
            "claims": entry.get("claims") or [],
            "aims": cites.text(entry.get("aims")),
            "children": [self._link(c, root) for c in sorted(g.children_of_narrative.get(entry.id, []), key=lambda e: e.title.lower())],
            "timeline": [self._timeline_item(i, root) for i in g.incidents_of_narrative.get(entry.id, [])],
            "actors": [(self._link(a, root), n) for a, n in g.actors_behind(entry.id)],
            "debunks": [self._debunk_item(d, root) for d in g.debunks_of_narrative.get(entry.id, [])],
            "sources": cites.cite_all(entry.get("sources")),
            "tags": entry.get("tags") or [],
        }

    def _actor_view(self, entry: Entry, cites: Citations, root: str) -> dict:
        g = self.graph
        incidents = list(reversed(g.incidents_of_actor.get(entry.id, [])))
        return {
            "type": ACTOR_TYPE_LABELS[entry["actor_type"]].rstrip("s") if entry["actor_type"] != "person" else "Person",
            "aliases": entry.get("aliases") or [],
            "country": entry.get("country"),
            "roles": [{"title": r["title"], "period": self._period(r)} for r in entry.get("roles") or []],
            "description": cites.text(entry.get("description")),
            "incidents": [dict(self._timeline_item(i, root), role=role) for i, role in incidents],
            "narratives": [self._link(n, root) for n in g.narratives_pushed_by(entry.id)],
            "quotes": [self._quote_item(q, i, cites, root) for i, q in reversed(g.quotes_by_actor.get(entry.id, []))],
            "debunks": [self._debunk_item(d, root) for d in g.debunks_of_actor(entry.id)],
            "refutations": [self._debunk_item(d, root) for d in g.refutations_by_actor.get(entry.id, [])],
            "sources": cites.cite_all(entry.get("sources")),
        }

    def _incident_view(self, entry: Entry, cites: Citations, root: str) -> dict:
        g = self.graph
        attribution = entry.get("attribution") or {}
        return {
            "date": self._incident_period(entry),
            "platform": entry.get("platform"),
            "summary": cites.text(entry.get("summary")),
            "actors": [{"link": self._link(g.get("actor", a["actor"]), root), "role": a["role"]} for a in entry.get("actors") or []],
            "narratives": [self._link(g.get("narrative", n), root) for n in entry.get("narratives") or []],
            "quotes": [self._quote_item(q, entry, cites, root) for q in entry.get("quotes") or []],
            "attribution": self._attribution(attribution, cites) if attribution else None,
            "debunks": [self._debunk_item(d, root) for d in g.debunks_of_incident.get(entry.id, [])],
            "sources": cites.cite_all(entry.get("sources")),
        }

    def _debunk_view(self, entry: Entry, cites: Citations, root: str) -> dict:
        g = self.graph
        return {
            "claim": entry["claim"],
            "verdict": entry["verdict"],
            "facts": cites.text(entry.get("facts")),
            "refuted_by": [{"link": self._link(g.get("actor", r["actor"]), root),
                            "date": self._date(r["date"]).human() if r.get("date") else "",
                            "cite": cites.cite_value(r["source"]) if r.get("source") else Markup("")}
                           for r in entry.get("refuted_by") or []],
            "incidents": [self._timeline_item(i, root) for i in chronological(g.get("incident", i) for i in entry.get("incidents") or [])],
            "narratives": [self._link(g.get("narrative", n), root) for n in entry.get("narratives") or []],
            "sources": cites.cite_all(entry.get("sources")),
        }

    def _source_view(self, entry: Entry, cites: Citations, root: str) -> dict:
        by_kind: dict[str, list[Link]] = {}
        for citing in self.graph.citing_entries.get(entry.id, []):
            by_kind.setdefault(citing.kind.name, []).append(self._link(citing, root))
        groups = [{"label": kind.folder.capitalize(), "links": by_kind[kind.name]}
                  for kind in self.schema.kinds.values() if kind.name in by_kind]
        return {
            "publisher": entry["publisher"], "author": entry.get("author"),
            "published": self._date_text(entry, "published"), "published_note": entry.get("published_note"),
            "url": link_target(entry.get("url")), "archived_url": link_target(entry.get("archived_url")),
            "language": entry["language"], "type": entry["source_type"].replace("-", " "),
            "description": cites.text(entry.get("description")),
            "notes": Markup(admonition("note", "Known problems of the copy", cites.text(entry["notes"])))
            if entry.get("notes") else None, "host": host_of(entry.get("url")),
            "cited_by": groups,
        }

    # -- pieces --------------------------------------------------------------

    def _link(self, entry: Entry, root: str) -> Link:
        return link_to(entry, root)

    def _citations(self, root: str) -> Citations:
        return Citations(lambda source_id: self._source_reference(source_id, root))

    def _source_reference(self, source_id: str, root: str) -> SourceDetails:
        source = self.graph.get("source", source_id)
        return SourceDetails(link=self._link(source, root), publisher=source.get("publisher"),
                             date=self._date_text(source, "published"), url=link_target(source.get("url")),
                             host=host_of(source.get("url")))

    def _attribution(self, attribution, cites: Citations) -> dict:
        """An incident's attribution: a confirmed one as a paragraph, any other in a warning box."""
        status, note = attribution.get("status"), attribution.get("note")
        if status == "confirmed":
            return {"status": status, "note": cites.text(note, lead="Confirmed. ") if note else None}
        body = cites.text(note) if note else Markup("")
        return {"status": status, "note": Markup(admonition("warning", f"Attribution {status}", body))}

    def _date(self, value) -> PartialDate:
        return parse_date(value)

    def _date_text(self, entry: Entry, name: str = "date") -> str:
        value = entry.get(name)
        if value is None:
            return ""
        text = self._date(value).human()
        if entry.get(f"{name}_approximate"):
            text = f"c. {text} (approximate)"
        return text

    def _incident_period(self, entry: Entry) -> str:
        start = self._date_text(entry)
        if entry.get("end_date"):
            return f"{start} – {self._date(entry['end_date']).human()}"
        return start

    def _period(self, role) -> str:
        start = self._date(role["start"]).human() if role.get("start") else ""
        end = self._date(role["end"]).human() if role.get("end") else ""
        if start and end:
            return f"{start} – {end}"
        return f"since {start}" if start else f"until {end}" if end else ""

    def _timeline_item(self, incident: Entry, root: str) -> dict:
        """An incident as timelines list it."""
        return {"link": self._link(incident, root), "date": self._incident_period(incident),
                "iso": self._date(incident["date"]).iso(), "platform": incident.get("platform")}

    def _debunk_item(self, debunk: Entry, root: str) -> dict:
        return {"link": self._link(debunk, root), "verdict": debunk["verdict"]}

    def _quote_item(self, quote, incident: Entry, cites: Citations, root: str) -> dict:
        return {"text": quote["text"], "original": quote.get("original"),
                "speaker": self._link(self.graph.get("actor", quote["speaker"]), root),
                "incident": self._link(incident, root), "date": self._incident_period(incident),
                "cite": cites.cite_value(quote["source"])}

    # -- index views -----------------------------------------------------------

    def _timeline_view(self) -> dict:
        """Every incident by year, with the data attributes the timeline filters read."""
        years: dict[int, list] = {}
        for incident in self.graph.incidents_in_time:
            actors = [self.graph.get("actor", a["actor"]) for a in incident.get("actors") or []]
            narratives = [self.graph.get("narrative", n) for n in incident.get("narratives") or []]
            year = self._date(incident["date"]).year
            years.setdefault(year, []).append(dict(
                self._timeline_item(incident, ""),
                actors=[self._link(a, "") for a in actors],
                narratives=[self._link(n, "") for n in narratives],
                attrs=Markup(" ".join([
                    f'data-year="{year}"',
                    f'data-narratives="{" ".join(n.id for n in narratives)}"',
                    f'data-actors="{" ".join(a.id for a in actors)}"',
                    f'data-platform="{attribute_value(incident.get("platform") or "")}"',
                ])),
            ))
        return {"years": sorted(years.items()), "total": len(self.graph.all("incident"))}

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
        for actor_type, label in ACTOR_TYPE_LABELS.items():
            members = [a for a in self.graph.all("actor") if a["actor_type"] == actor_type]
            if members:
                groups.append({"label": label, "actors": [
                    {"link": self._link(a, "../"), "aliases": a.get("aliases") or [],
                     "count": len(self.graph.incidents_of_actor.get(a.id, []))}
                    for a in sorted(members, key=lambda e: e.title.lower())]})
        return {"groups": groups, "total": len(self.graph.all("actor"))}

    def _incident_index_view(self) -> dict:
        years: dict[int, list] = {}
        for incident in self.graph.incidents_in_time:
            years.setdefault(self._date(incident["date"]).year, []).append(self._timeline_item(incident, "../"))
        return {"years": sorted(years.items()), "total": len(self.graph.all("incident"))}

    def _debunk_index_view(self) -> dict:
        return {"debunks": [dict(self._debunk_item(d, "../"), claim=d["claim"]) for d in
                            sorted(self.graph.all("debunk"), key=lambda e: e.title.lower())],
                "total": len(self.graph.all("debunk"))}

    def _source_index_view(self) -> dict:
        sources = sorted(self.graph.all("source"), key=lambda s: ((s.get("author") or s["publisher"]).lower(), s.id))
        return {"sources": [{"link": self._link(s, "../"), "author": s.get("author"), "publisher": s["publisher"],
                             "date": self._date_text(s, "published"), "url": link_target(s.get("url")),
                             "count": len(self.graph.citing_entries.get(s.id, []))} for s in sources],
                "total": len(sources)}


ENTRY_VIEWS = {"narrative": Views._narrative_view, "actor": Views._actor_view, "incident": Views._incident_view,
               "debunk": Views._debunk_view, "source": Views._source_view}
INDEX_VIEWS = {"narrative": Views._narrative_index_view, "actor": Views._actor_index_view,
               "incident": Views._incident_index_view, "debunk": Views._debunk_index_view,
               "source": Views._source_index_view, "timeline": Views._timeline_view}
