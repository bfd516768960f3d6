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
from .graph import PUSHING_ROLES, Graph, chronological, in_their_name, unsettled
from .i18n import SOURCE_LANGUAGE, Language
from .labels import Labels
from .schema import Schema
from .markup import admonition, prepare, to_html
from .text import CITATION, escape_inline, full_stop, link_target, plain
from .validate import host_of
from .views_index import IndexViews

# The headings of an actor's page that list incidents, in page order.
INVOLVEMENTS = ("spread", "in_their_name", "target", "responder", "subject")
# How many of a narrative's actors the key facts name before pointing to the full list.
KEY_ACTORS = 5


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
    """Numbers the documents cited on one page in order of first citation, and
    letters the places cited in each (1a, 1b), so the reference list gives each
    document once with the paragraphs cited under it.

    source_details gives what the reference list shows of a source (link,
    publisher, date, original URL).
    """

    source_details: Callable[[str], SourceDetails]
    numbers: dict = field(default_factory=dict)  # source id -> number
    places: dict = field(default_factory=dict)  # (source id, locator) -> letter
    order: dict = field(default_factory=dict)  # marker -> its place in the reference list
    place_counts: dict = field(default_factory=dict)  # source id -> places lettered so far

    def cite_value(self, value) -> Markup:
        return Markup(self._value_marker(value))

    def cite_all(self, values) -> Markup:
        """Markers of a list of sources, in reference order, each printed once."""
        markers = dict.fromkeys(self._value_marker(v) for v in values or [])
        ordered = sorted(markers, key=lambda m: self.order[m])
        return Markup(" ".join(ordered))

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
        number = self.numbers.setdefault(source_id, len(self.numbers) + 1)
        label = str(number)
        if locator:
            key = (source_id, locator)
            if key not in self.places:
                count = self.place_counts.get(source_id, 0)
                self.places[key] = _letter(count)
                self.place_counts[source_id] = count + 1
            label += self.places[key]
        marker = f"[\\[{label}\\]](#ref-{label})"
        self.order.setdefault(marker, (number, len(label), label))
        return marker

    def _value_marker(self, value) -> str:
        if isinstance(value, dict):
            return self._marker(value["source"], value.get("locator"))
        return self._marker(value, None)

    def references(self) -> list[dict]:
        """The reference list: each document once, in the order of its first
        citation, with the places cited in it in the order of their first citation."""
        places_of: dict[str, list] = {}
        for (source_id, locator), letter in self.places.items():
            places_of.setdefault(source_id, []).append((letter, locator))
        listed = []
        for source_id, number in self.numbers.items():
            link, publisher, date, url, host = self.source_details(source_id)
            places = [{"label": f"{number}{letter}", "locator": locator}
                      for letter, locator in places_of.get(source_id, [])]
            listed.append({"number": number, "link": link, "publisher": publisher, "date": date, "date_end": full_stop(date),
                           "url": url, "host": host, "places": places})
        return listed


def _letter(index: int) -> str:
    """a, b, ... z, aa, ab, ...: the places cited in one document."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def url_of(entry: Entry, root: str = "") -> Markup:
    return Markup(f"{root}{entry.kind.folder}/{entry.id}.md")


def link_to(entry: Entry, root: str) -> Link:
    title = Markup(escape_inline(entry.title))
    url = url_of(entry, root)
    return Link(title=title, url=url, markdown=Markup(f"[{title}]({url})"))


def description_of(entry: Entry, labels: Labels | None = None) -> str:
    for name in ("summary", "claim", "description", "explainer", "facts"):
        if entry.get(name):
            text = plain(str(entry.get(name)))
            return text if len(text) <= 200 else text[:197].rsplit(" ", 1)[0] + "…"
    return f"{(labels or Labels()).KIND_LABELS[entry.kind.name]}: {entry.title}"


def _involvement(incident: Entry, role: str) -> str:
    """Under which heading of an actor's page an incident goes: what they spread,
    what was said in their name, or their other part (target, responder, subject)."""
    if role not in PUSHING_ROLES:
        return role
    return "in_their_name" if in_their_name(incident, role) else "spread"


class Views(IndexViews):
    """The view of each kind of page: a dict of what its template prints."""

    def __init__(self, graph: Graph, schema: Schema, language: Language | None = None):
        self.graph = graph
        self.schema = schema
        self.language = language or Language.load(SOURCE_LANGUAGE)
        self.labels = Labels(self.language.gettext, self.language.ngettext)

    def entry(self, entry: Entry, cites: Citations, root: str) -> dict:
        return ENTRY_VIEWS[entry.kind.name](self, entry, cites, root)

    def index(self, kind: str) -> dict:
        return INDEX_VIEWS[kind](self)

    def corrections(self, entry: Entry, cites: Citations) -> list[dict]:
        """The entry's corrections, oldest first."""
        dated = sorted(entry.get("corrections") or [], key=lambda c: self._date(c["date"]))
        return [{"date": self.language.date(self._date(c["date"])),
                 "text": cites.text(c["text"], lead=f"<strong>{escape(full_stop(self.language.date(self._date(c['date']))))}</strong> ")}
                for c in dated]

    def all_corrections(self, cites: Citations) -> list[dict]:
        """Every correction of every entry, newest first."""
        found = [(self._date(c["date"]), entry, c) for kind in self.schema.kinds.values()
                 for entry in self.graph.all(kind.name) for c in entry.get("corrections") or []]
        found.sort(key=lambda item: (item[0], item[1].title.lower()), reverse=True)
        return [{"date": self.language.date(date), "link": self._link(entry, ""),
                 "kind": self.labels.KIND_LABELS[entry.kind.name],
                 "text": cites.text(c["text"], lead=f"<em>{escape(self.labels.KIND_LABELS[entry.kind.name])}.</em> ")}
                for date, entry, c in found]

    def citations(self, root: str) -> Citations:
        """A new numbering of citations, for one page."""
        return self._citations(root)

    # -- entry views -------------------------------------------------------

    def _narrative_view(self, entry: Entry, cites: Citations, root: str) -> dict:
        g = self.graph
        parent = g.get("narrative", entry["parent"]) if entry.get("parent") else None
        incidents = g.incidents_of_narrative.get(entry.id, [])
        actors = self._pushers(incidents, root)
        debunks = [self._debunk_item(d, root) for d in g.debunks_of_narrative.get(entry.id, [])]
        return {
            "summary": entry["summary"],
            "parent": self._link(parent, root) if parent else None,
            "explainer": cites.text(entry.get("explainer")),
            "claims": entry.get("claims") or [],
            "aims": cites.text(entry.get("aims")),
            "children": [self._link(c, root) for c in sorted(g.children_of_narrative.get(entry.id, []), key=lambda e: e.title.lower())],
            "timeline": [self._timeline_item(i, root) for i in incidents],
            "sortable": len(incidents) > 1,
            "actors": actors,
            "debunks": debunks,
            "facts": dict(self._seen(incidents, root), pushed_by=actors[:KEY_ACTORS],
                          more_actors=max(0, len(actors) - KEY_ACTORS),
                          targets=self._actors_in(incidents, ("target",), root), debunks=debunks),
            "handout": Markup(f"{root}handouts/{entry.id}.md"),
            "sources": cites.cite_all(entry.get("sources")),
            "tags": entry.get("tags") or [],
        }

    def _actor_view(self, entry: Entry, cites: Citations, root: str) -> dict:
        g = self.graph
        involved = g.incidents_of_actor.get(entry.id, [])
        incidents_in: dict[str, list[tuple[Entry, str]]] = {}
        for incident, role in involved:
            incidents_in.setdefault(_involvement(incident, role), []).append((incident, role))
        # Cited in page order: the description, the roles, then each section's incidents and their words.
        description = cites.text(entry.get("description"))
        roles = [{"title": r["title"], "period": self._period(r), "cite": cites.cite_all(r.get("sources"))}
                 for r in entry.get("roles") or []]
        words: dict[str, list] = {}
        for incident, quote in g.quotes_by_actor.get(entry.id, []):
            words.setdefault(incident.id, []).append(quote)
        listed = {group: [self._involvement_item(incident, role, group, words, cites, root)
                          for incident, role in incidents_in.get(group, [])] for group in INVOLVEMENTS}
        refuted = g.refutations_by_actor.get(entry.id, [])

        def incidents_of(group):
            return [incident for incident, _ in incidents_in.get(group, [])]

        def debunks_of(incidents):
            # A debunk the actor refuted is listed once, under what they refuted.
            found = {d.id: d for i in incidents for d in g.debunks_of_incident.get(i.id, []) if d not in refuted}
            return [self._debunk_item(d, root) for d in sorted(found.values(), key=lambda e: e.title.lower())]

        def narratives_of(incidents):
            found = {n: g.get("narrative", n) for i in incidents for n in i.get("narratives") or []}
            return [self._link(n, root) for n in sorted(found.values(), key=lambda e: e.title.lower())]

        debunks = debunks_of(incidents_of("spread"))
        return {
            "type": self.labels.ACTOR_TYPE_SINGULAR[entry["actor_type"]],
            "aliases": entry.get("aliases") or [],
            "country": entry.get("country"),
            "roles": roles,
            "description": description,
            "spread": listed["spread"],
            "in_their_name": listed["in_their_name"],
            "targeted": listed["target"],
            "subject": listed["subject"],
            "responded": listed["responder"],
            "sortable": any(len(items) > 1 for items in listed.values()),
            "narratives": narratives_of(incidents_of("spread")),
            "narratives_in_their_name": narratives_of(incidents_of("in_their_name")),
            # Words of theirs in an incident the page does not list them in.
            "other_quotes": [self._quote_item(q, g.get("incident", incident_id), cites, root,
                                              status=self._unsettled_term(g.get("incident", incident_id), root))
                             for incident_id, quotes in words.items() for q in quotes],
            "debunks": debunks,
            "debunks_in_their_name": debunks_of(incidents_of("in_their_name")),
            "refutations": [self._debunk_item(d, root) for d in refuted],
            "facts": dict(self._seen([i for i, _ in involved], root), spread=len(listed["spread"]),
                          in_their_name=len(listed["in_their_name"]),
                          targeted=len(listed["target"]), debunks=debunks),
            "sources": cites.cite_all(entry.get("sources")),
        }

    def _involvement_item(self, incident: Entry, role: str, group: str, words: dict,
                          cites: Citations, root: str) -> dict:
        """An incident on an actor's page, with the words they said in it
        (taken from `words`, so that each is shown once)."""
        said = words.pop(incident.id, [])
        # Under "said in their name" the line gives the attribution once for all its words.
        said_in_their_name = group == "in_their_name"
        status = None if said_in_their_name else self._unsettled_term(incident, root)
        return dict(self._timeline_item(incident, root), role=self.labels.term("role", role, root),
                    attribution=self._attribution_term(incident, root) if said_in_their_name else None,
                    quotes=[self._quote_item(q, incident, cites, root, status=status) for q in said])

    def _incident_view(self, entry: Entry, cites: Citations, root: str) -> dict:
        g = self.graph
        attribution = entry.get("attribution") or {}
        actors = [{"link": self._link(g.get("actor", a["actor"]), root), "role": self.labels.term("role", a["role"], root),
                   "pushing": a["role"] in PUSHING_ROLES, "disputed": in_their_name(entry, a["role"])}
                  for a in entry.get("actors") or []]
        debunks = [self._debunk_item(d, root) for d in g.debunks_of_incident.get(entry.id, [])]
        return {
            "date": self._incident_period(entry, root),
            "platform": entry.get("platform"),
            "place": entry.get("place"),
            "summary": cites.text(entry.get("summary")),
            # An incident resting on one analysis says so, and why, under its summary.
            "single_source": Markup(admonition("info", self.language.gettext("Reported by one source only"),
                                               cites.text(entry.get("single_source_reason"))))
            if entry.get("single_source") else None,
            "pushed_by": [a for a in actors if a["pushing"]],
            "others": [a for a in actors if not a["pushing"]],
            "narratives": [self._link(g.get("narrative", n), root) for n in entry.get("narratives") or []],
            "quotes": [self._quote_item(q, entry, cites, root) for q in entry.get("quotes") or []],
            "attribution": self._attribution(entry, attribution, cites, root) if attribution else None,
            "debunks": debunks,
            "sources": cites.cite_all(entry.get("sources")),
        }

    def _debunk_view(self, entry: Entry, cites: Citations, root: str) -> dict:
        g = self.graph
        incidents = chronological(g.get("incident", i) for i in entry.get("incidents") or [])
        return {
            "claim": entry["claim"],
            "verdict": self.labels.term("verdict", entry["verdict"], root),
            "facts": cites.text(entry.get("facts")),
            "refuted_by": [{"link": self._link(g.get("actor", r["actor"]), root),
                            "date": self.language.date(self._date(r["date"])) if r.get("date") else "",
                            "cite": cites.cite_value(r["source"]) if r.get("source") else Markup("")}
                           for r in entry.get("refuted_by") or []],
            "incidents": [self._timeline_item(i, root) for i in incidents],
            "sortable": len(incidents) > 1,
            "narratives": [self._link(g.get("narrative", n), root) for n in entry.get("narratives") or []],
            "sources": cites.cite_all(entry.get("sources")),
        }

    def _source_view(self, entry: Entry, cites: Citations, root: str) -> dict:
        by_kind: dict[str, list[Link]] = {}
        for citing in self.graph.citing_entries.get(entry.id, []):
            by_kind.setdefault(citing.kind.name, []).append(self._link(citing, root))
        groups = [{"label": self.labels.KIND_PLURALS[kind.name], "links": by_kind[kind.name]}
                  for kind in self.schema.kinds.values() if kind.name in by_kind]
        return {
            "publisher": entry["publisher"], "author": entry.get("author"),
            "published": self._date_text(entry, "published"), "published_note": entry.get("published_note"),
            "url": link_target(entry.get("url")), "archived_url": link_target(entry.get("archived_url")),
            "language": self.language.language_name(entry["language"]),
            "type": self.labels.SOURCE_TYPE_LABELS[entry["source_type"]],
            "description": cites.text(entry.get("description")),
            "notes": Markup(admonition("note", self.language.gettext("Known problems of the copy"),
                                       cites.text(entry["notes"])))
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

    def _attribution(self, incident: Entry, attribution, cites: Citations, root: str) -> dict:
        """An incident's attribution: a confirmed one as a paragraph, any other in a warning box."""
        status, note = attribution.get("status"), attribution.get("note")
        found = {"status": status, "term": self._attribution_term(incident, root)}
        _ = self.language.gettext
        if status == "confirmed":
            found["note"] = cites.text(note, lead=escape(_("Confirmed.")) + " ") if note else None
            return found
        body = cites.text(note) if note else Markup("")
        title = f"{_('Attribution')}: {self.labels.ATTRIBUTION_LABELS[status]}"
        found["note"] = Markup(admonition("warning", title, body))
        return found

    def _date(self, value) -> PartialDate:
        return parse_date(value)

    def _date_text(self, entry: Entry, name: str = "date", root: str | None = None) -> str | Markup:
        """The date as precise as known; an inferred one says "about", linked to
        its definition in the glossary when the page's root is given."""
        value = entry.get(name)
        if value is None:
            return ""
        approximate = bool(entry.get(f"{name}_approximate"))
        text = self.language.date(self._date(value), after_about=approximate)
        if not approximate:
            return text
        if root is None:
            return f"{self.labels.ABOUT} {text}"
        return Markup(f"{self.labels.term('date', 'approximate', root, label=self.labels.ABOUT)} {escape_inline(text)}")

    def _incident_period(self, entry: Entry, root: str | None = None) -> str | Markup:
        start = self._date_text(entry, root=root)
        if entry.get("end_date"):
            return start + f" – {self.language.date(self._date(entry['end_date']))}"
        return start

    def _period(self, role) -> str:
        start = self.language.date(self._date(role["start"])) if role.get("start") else ""
        end = self.language.date(self._date(role["end"])) if role.get("end") else ""
        if start and end:
            return f"{start} – {end}"
        return self.labels.SINCE.format(date=start) if start else self.labels.UNTIL.format(date=end) if end else ""

    def _seen(self, incidents: list[Entry], root: str | None = None) -> dict:
        """First and last seen, and how many incidents, of incidents in any order."""
        ordered = chronological(incidents)
        return {"first": self._incident_period(ordered[0], root) if ordered else "",
                "last": self._incident_period(ordered[-1], root) if len(ordered) > 1 else "",
                "count": len(ordered)}

    def _pushers(self, incidents: list[Entry], root: str) -> list[dict]:
        """Who originated or amplified the incidents, most incidents first; `disputed`
        when every one of those incidents has its authorship contested."""
        counts: dict[str, int] = {}
        settled = set()
        for incident in incidents:
            for link in incident.get("actors") or []:
                if link["role"] in PUSHING_ROLES:
                    counts[link["actor"]] = counts.get(link["actor"], 0) + 1
                    if not in_their_name(incident, link["role"]):
                        settled.add(link["actor"])
        actors = {a: self.graph.get("actor", a) for a in counts}
        ordered = sorted(counts, key=lambda a: (-counts[a], actors[a].title.lower()))
        return [{"link": self._link(actors[a], root), "count": counts[a], "disputed": a not in settled}
                for a in ordered]

    def _actors_in(self, incidents: list[Entry], roles: tuple[str, ...], root: str) -> list[Link]:
        found = {a["actor"]: None for i in incidents for a in i.get("actors") or [] if a["role"] in roles}
        return [self._link(self.graph.get("actor", a), root) for a in found]

    def _attribution_term(self, incident: Entry, root: str) -> Markup:
        status = (incident.get("attribution") or {}).get("status") or "confirmed"
        return self.labels.term("attribution", status, root)

    def _timeline_item(self, incident: Entry, root: str) -> dict:
        """An incident as timelines list it."""
        return {"link": self._link(incident, root), "date": self._incident_period(incident, root),
                "iso": self._date(incident["date"]).iso(), "platform": incident.get("platform"),
                "place": incident.get("place"), "attribution": None, "quotes": []}

    def _debunk_item(self, debunk: Entry, root: str) -> dict:
        return {"link": self._link(debunk, root), "verdict": self.labels.term("verdict", debunk["verdict"], root)}

    def _unsettled_term(self, incident: Entry, root: str) -> Markup | None:
        """The attribution term of an incident whose authorship is not established, else None."""
        return self._attribution_term(incident, root) if unsettled(incident) else None

    @staticmethod
    def _cite_of(item, field: str, cites: Citations) -> Markup:
        """The citation a quote gives in `field`, or nothing."""
        return cites.cite_value(item[field]) if item.get(field) else Markup("")

    def _quote_item(self, quote, incident: Entry, cites: Citations, root: str, status: Markup | None = None) -> dict:
        # In Russian and Kazakh a quote is the translation of the English
        # source's rendering, and says so, unless it is the original wording.
        translated = self.language.code != SOURCE_LANGUAGE and quote["text"] != quote.get("original")
        original = quote.get("original")
        cite = cites.cite_value(quote["source"])  # numbered before the original's, which the page shows after it
        original_cite = self._cite_of(quote, "original_source", cites)
        if original == quote["text"]:
            # A translation that gives the original wording itself: no second
            # "Original" line, and the quote cites where that wording is printed.
            original, cite, original_cite = None, cite + original_cite, Markup("")
        return {"text": quote["text"], "original": original, "original_cite": original_cite,
                "open": self.language.quoted("")[0], "close": self.language.quoted("")[-1],
                "translated": translated,
                "speaker": self._link(self.graph.get("actor", quote["speaker"]), root),
                "incident": self._link(incident, root), "date": self._incident_period(incident, root),
                "cite": cite, "status": status}


ENTRY_VIEWS = {"narrative": Views._narrative_view, "actor": Views._actor_view, "incident": Views._incident_view,
               "debunk": Views._debunk_view, "source": Views._source_view}
INDEX_VIEWS = {"narrative": Views._narrative_index_view, "actor": Views._actor_index_view,
               "incident": Views._incident_index_view, "debunk": Views._debunk_index_view,
               "source": Views._source_index_view, "timeline": Views._timeline_view}
