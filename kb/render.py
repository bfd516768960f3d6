"""Renders the linked graph into Markdown pages with Jinja templates.

Views are computed here; templates only lay them out. Every value a
template prints is escaped for Markdown unless it is `Markup`, which marks
Markdown this module produced itself (links, neutralised text fields).
"""
from __future__ import annotations

import hashlib
import json
import pickle
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, NamedTuple

import jinja2
import jinja2.compiler
from markupsafe import Markup

from .dates import PartialDate, parse_date
from .link import Graph, chronological
from .model import Entry
from .schema import Schema
from . import parallel, reader
from .site import Site
from .text import CITATION, attribute_value, escape_inline, link_target, neutralise, plain

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

KIND_LABELS = {"source": "Source", "actor": "Actor", "narrative": "Narrative",
               "incident": "Incident", "debunk": "Debunk"}
ACTOR_TYPE_LABELS = {
    "person": "People", "tv-channel": "TV channels", "newspaper": "Newspapers",
    "news-agency": "News agencies", "website": "Websites", "telegram-channel": "Telegram channels",
    "social-media-account": "Social media accounts", "government-body": "Government bodies",
    "political-party": "Political parties", "organisation": "Organisations",
}


_NOTHING = Markup("")

# Markup(text) for a str: the value markupsafe's constructor gives, made by
# str's own constructor, which is C. Pages make some 140,000 (escaped values,
# links, citation markers), and the Python-level checks markupsafe's
# constructor makes for other types took as long as the rest of it.
_as_markup = partial(str.__new__, Markup)


def _markdown_escaper() -> Callable[[object], Markup]:
    """The environment's finalize: escapes each printed value for Markdown.

    The same texts (dates, roles, verdicts, publishers) and numbers are
    printed on many pages, so each distinct one is escaped once per
    environment. A function rather than an object with __call__: templates
    call it for every value they print (some 900,000 in a large build), and
    calling an object costs nearly twice as much.
    """
    escaped_values: dict[str | int, Markup] = {}
    known = escaped_values.get

    def finalize(value):
        # Plain text and numbers first: they are most of what pages print.
        # (Exact types: Markup is a str, and True == 1 prints differently.)
        if type(value) is str or type(value) is int:
            escaped = known(value)
            if escaped is None:
                escaped = escaped_values[value] = _as_markup(escape_inline(value))
            return escaped
        if isinstance(value, Markup):
            return value
        if value is None:
            return _NOTHING
        return Markup(escape_inline(value))

    return finalize


class _CodeGenerator(jinja2.compiler.CodeGenerator):
    """Compiles templates as Jinja does, but prints a value as finalize
    (_markdown_escaper) returns it, without the str() Jinja wraps around it:
    finalize returns text already, and a build prints some 900,000 values.

    The pages are the same text either way (tests compare both compilers).
    Output that depends on autoescaping is compiled as Jinja compiles it.
    """

    def _prints_text(self, frame, finalize) -> bool:
        return finalize.src is not None and not frame.eval_ctx.volatile and not frame.eval_ctx.autoescape

    def _output_child_pre(self, node, frame, finalize) -> None:
        if self._prints_text(frame, finalize):
            self.write(finalize.src)
        else:
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node, frame, finalize) -> None:
        if self._prints_text(frame, finalize):
            self.write(")")
        else:
            super()._output_child_post(node, frame, finalize)


class _Environment(jinja2.Environment):
    code_generator_class = _CodeGenerator

    def getattr(self, obj, attribute):
        """`view.name` looks a key up in a plain dict first.

        Views are dicts, and Jinja tries the attribute first: on a dict that
        fails with an exception every time. Keys win only where a view's key
        shadows a dict method, which no template relies on.
        """
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        else:
            # What Jinja tries first too, one call shorter: links and
            # citations are objects, read some 250,000 times in a large build.
            try:
                return getattr(obj, attribute)
            except AttributeError:
                pass
        return super().getattr(obj, attribute)


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates, kept between builds in Jinja's per-user temporary folder.

    Each rendering worker would otherwise compile every template again
    (0.05 s of each build). Jinja recompiles a template whose source
    changed; a cache file that cannot be read or written is passed over,
    as the cache only saves time.
    """

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _bytecode_pattern() -> str:
    """The file names of compiled templates, after this module's own text.

    Jinja finds a compiled template by its source alone, but the code also
    depends on _CodeGenerator and on how each filter is called (a filter
    taking the evaluation context is passed it by the compiled code), both
    defined here: after any change to this module, templates compiled
    before it are never loaded.
    """
    module = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    return f"__jinja2_kb_{module}_%s.cache"


def _bytecode_cache(directory: str | None = None) -> jinja2.BytecodeCache | None:
    try:
        return _BytecodeCache(directory, _bytecode_pattern())
    except (OSError, RuntimeError):  # this module unreadable, or no temporary folder that only this user can write
        return None


def make_environment(templates: Path = TEMPLATES, bytecode_dir: str | None = None) -> jinja2.Environment:
    """The Jinja environment of a build; bytecode_dir holds compiled templates
    (by default a folder of this user's in the system's temporary folder)."""
    env = _Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        # finalize escapes every printed value that is not Markup already;
        # Jinja's autoescape would only wrap each result once more. Macros
        # then return plain text, made of escaped values: templates print
        # them with |safe.
        autoescape=False,
        finalize=_markdown_escaper(),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # Each build makes a new environment, so templates cannot go stale
        # within one; skipping the freshness check saves a stat per page.
        auto_reload=False,
        # Keep every template in a plain dict: the default cache, a bounded
        # LRU, takes a lock on each of the three lookups a page makes.
        cache_size=-1,
        bytecode_cache=_bytecode_cache(bytecode_dir),
    )
    env.filters["tojson"] = _tojson
    # Jinja copies its globals (range, dict, lipsum, cycler, joiner,
    # namespace) into the context of every page it renders; our templates
    # use none of them, and without them that copy is empty.
    env.globals.clear()
    return env


# What Jinja's tojson writes with its default policies: json.dumps(value,
# sort_keys=True), made once rather than for every value.
_SORTED_JSON = json.JSONEncoder(sort_keys=True)
# The characters Jinja's tojson writes as Unicode escapes, so that its output
# is safe in HTML (and in the front matter, which the theme copies there).
_HTML_UNSAFE_IN_JSON = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"))


def _tojson(value, indent: int | None = None) -> Markup:
    """The tojson filter: the text Jinja's own gives (tests compare the two).

    Jinja's reads the environment's JSON policies and builds json.dumps's
    options for each value it writes, and wraps the result with markupsafe's
    constructor; pages print some 35,000 values with it in a large build.
    """
    text = _SORTED_JSON.encode(value) if indent is None else json.dumps(value, sort_keys=True, indent=indent)
    for unsafe, escape in _HTML_UNSAFE_IN_JSON:
        text = text.replace(unsafe, escape)
    return _as_markup(text)


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


@dataclass
class Citations:
    """Numbers the citations of one page in order of first appearance.

    source_details gives what the reference list shows of a source (link,
    publisher, date, original URL); the renderer keeps those per source, as
    many pages cite the same ones.
    """

    source_details: Callable[[str], SourceDetails]
    numbers: dict = field(default_factory=dict)

    def cite_value(self, value) -> Markup:
        return _as_markup(self._value_marker(value))

    def cite_all(self, values) -> Markup:
        return _as_markup("".join([self._value_marker(v) for v in values or []]))

    def text(self, value: str | None) -> Markup:
        if not value:
            return Markup("")
        safe = neutralise(value.strip())
        return _as_markup(CITATION.sub(lambda m: self._marker(m.group(1), m.group(2) and m.group(2).strip()), safe))

    # A build numbers tens of thousands of citations: the markers are built as
    # plain text and made Markup once per value, not once per citation
    # (Markup's constructor and join's escaping cost more than the marker).
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
        original URL) for each, in the order the page template unpacks them.

        Plain tuples that the template unpacks into names, rather than a
        mapping per reference that it would read key by key: a large build
        lists some 60,000 references.
        """
        # Numbers are given in order of first citation, which is also the
        # order in which the dict keeps them: no sort needed.
        listed = []
        for (source_id, locator), number in self.numbers.items():
            link, publisher, date, url = self.source_details(source_id)
            listed.append((number, link, publisher, date, locator, url))
        return listed


def url_of(entry: Entry, root: str = "") -> Markup:
    return _as_markup(f"{root}{entry.kind.folder}/{entry.id}.md")


def link_to(entry: Entry, root: str) -> Link:
    title = _as_markup(escape_inline(entry.title))
    url = url_of(entry, root)
    return Link(title=title, url=url, markdown=_as_markup(f"[{title}]({url})"))


def description_of(entry: Entry) -> str:
    for name in ("summary", "claim", "description", "explainer", "facts"):
        if entry.get(name):
            text = plain(str(entry.get(name)))
            return text if len(text) <= 200 else text[:197].rsplit(" ", 1)[0] + "…"
    return f"{KIND_LABELS[entry.kind.name]}: {entry.title}"


class Renderer:
    """Renders every page of the site from a linked graph."""

    def __init__(self, graph: Graph, schema: Schema, env: jinja2.Environment | None = None,
                 site: Site | None = None, history: dict | None = None):
        self.graph = graph
        self.schema = schema
        self.env = env or make_environment()
        self.site = site or Site()
        self.history = history or {}  # entry path -> (created, last changed)
        # Hub entries appear on hundreds of pages: their links, timeline lines
        # and reference details are built once per root, keyed by entry path.
        self._links: dict[str, dict[str, Link]] = {}  # root -> entry path -> link
        self._timeline_items: dict[tuple[str, str], dict] = {}
        self._source_details: dict[tuple[str, str], SourceDetails] = {}
        self._dates: dict = {}  # date value -> PartialDate

    def pages(self) -> dict[str, str]:
        """All generated pages, keyed by their path under docs/."""
        jobs = self._page_jobs()
        texts = parallel.map_items(lambda render_page: render_page(), [render_page for _path, render_page in jobs])
        return dict(sorted(zip((path for path, _render_page in jobs), texts)))

    def _page_jobs(self) -> list[tuple[str, Callable[[], str]]]:
        """(path, function rendering the page) for every page.

        Pages that list every entry of a kind, or of the site, come first:
        each costs as much as a hundred entry pages, and two processes
        sharing the jobs finish together only if no such job comes last.
        (The child process, which takes jobs from the front, renders them.)
        """
        jobs = [(f"{kind.folder}/index.md", partial(self.index_page, kind.name)) for kind in self.schema.kinds.values()]
        jobs += [("corrections.md", self.corrections_page), ("timeline.md", self.timeline_page), ("map.md", self.map_page)]
        for kind in self.schema.kinds.values():
            jobs += [(f"{kind.folder}/{entry.id}.md", partial(self.entry_page, entry)) for entry in self.graph.all(kind.name)]
        return jobs

    def entry_page(self, entry: Entry) -> str:
        root = "../"
        cites = self._citations(root)
        view = getattr(self, f"_{entry.kind.name}_view")(entry, cites, root)
        template = self.env.get_template(f"{entry.kind.name}.md.j2")
        return template.render(entry=entry, view=view, root=root, cite=cites,
                               kind_label=KIND_LABELS[entry.kind.name], title=entry.title,
                               description=description_of(entry), tags=entry.get("tags") or [],
                               corrections=self._corrections(entry, cites),
                               map=reader.map_block(self.graph, entry),
                               citation=reader.citation(entry, self.site, self.history),
                               jsonld=reader.claim_review(entry, self.graph, self.site, self.history)
                               if entry.kind.name == "debunk" else None)

    def timeline_page(self) -> str:
        return self.env.get_template("timeline.md.j2").render(view=self._timeline_view())

    def map_page(self) -> str:
        pushed = [(actor, self.graph.narratives_pushed_by(actor.id))
                  for actor in sorted(self.graph.all("actor"), key=lambda e: e.title.lower())]
        return self.env.get_template("map.md.j2").render(
            map=reader.overview_map_block(self.graph),
            narratives=[self._link(n, "") for n in self.graph.all("narrative")],
            actors=[(self._link(a, ""), [self._link(n, "") for n in narratives]) for a, narratives in pushed if narratives])

    def index_page(self, kind: str) -> str:
        view = getattr(self, f"_{kind}_index_view")()
        return self.env.get_template(f"{kind}-index.md.j2").render(view=view, root="../")

    def corrections_page(self) -> str:
        """Every correction of every entry, newest first."""
        cites = self._citations("")
        found = [(self._date(c["date"]), entry, c) for kind in self.schema.kinds.values()
                 for entry in self.graph.all(kind.name) for c in entry.get("corrections") or []]
        found.sort(key=lambda item: (item[0], item[1].title.lower()), reverse=True)
        items = [{"date": date.human(), "link": self._link(entry, ""), "kind": KIND_LABELS[entry.kind.name],
                  "text": cites.text(c["text"])} for date, entry, c in found]
        return self.env.get_template("corrections.md.j2").render(
            items=items, cite=cites, corrections=[], title="Corrections", tags=[], search_exclude=True,
            description="What was corrected in published entries, and when, newest first.")

    def _corrections(self, entry: Entry, cites: Citations) -> list[dict]:
        dated = sorted(entry.get("corrections") or [], key=lambda c: self._date(c["date"]))
        return [{"date": self._date(c["date"]).human(), "text": cites.text(c["text"])} for c in dated]

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
            "attribution": {"status": attribution.get("status"), "note": cites.text(attribution.get("note"))} if attribution else None,
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
            "description": cites.text(entry.get("description")), "notes": cites.text(entry.get("notes")),
            "cited_by": groups,
        }

    # -- pieces --------------------------------------------------------------

    def _link(self, entry: Entry, root: str) -> Link:
        links = self._links.get(root)
        if links is None:
            links = self._links[root] = {}
        found = links.get(entry.path)
        if found is None:
            found = links[entry.path] = link_to(entry, root)
        return found

    def _citations(self, root: str) -> Citations:
        return Citations(lambda source_id: self._source_reference(source_id, root))

    def _source_reference(self, source_id: str, root: str) -> SourceDetails:
        key = (source_id, root)
        found = self._source_details.get(key)
        if found is None:
            source = self.graph.get("source", source_id)
            found = self._source_details[key] = SourceDetails(
                link=self._link(source, root), publisher=source.get("publisher"),
                date=self._date_text(source, "published"), url=link_target(source.get("url")))
        return found

    def _date(self, value) -> PartialDate:
        """parse_date, once per distinct value: the same dates recur on many pages."""
        found = self._dates.get(value)
        if found is None:
            found = self._dates[value] = parse_date(value)
        return found

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
        """An incident as timelines list it; shared, so callers copy before adding keys."""
        key = (incident.path, root)
        found = self._timeline_items.get(key)
        if found is None:
            found = self._timeline_items[key] = {
                "link": self._link(incident, root), "date": self._incident_period(incident),
                "iso": self._date(incident["date"]).iso(), "platform": incident.get("platform")}
        return found

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
            # children_of_narrative keeps graph order, so ties in the sort stay as before
            # without a scan of every narrative for each one.
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
