"""An Atom feed (RFC 4287) of new and changed entries, newest first.

Ids are tag: URIs (RFC 4151) built from the entry's kind folder and id, so
they stay the same wherever the site is published and whether or not
site_url is set. Links are absolute only when site_url is set; otherwise
they are relative to feed.xml, which sits at the site root.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from .export import LICENSE, Site, dataset_updated, iso
from .history import Dates
from .graph import Graph
from .views import description_of
from .labels import KIND_LABELS
from .schema import Schema

ATOM = "http://www.w3.org/2005/Atom"
TAG_AUTHORITY = "kz-disinfo-kb,2026"
# Enough for a reader to catch up after weeks away; older changes stay in kb.json.
FEED_SIZE = 50


def tag_uri(specific: str) -> str:
    return f"tag:{TAG_AUTHORITY}:{specific}"


def _add(parent: ET.Element, name: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attributes)
    if text is not None:
        element.text = text
    return element


def newest_first(graph: Graph, history: dict[str, Dates]):
    """Entries by last change, newest first; ties in a stable order by file."""
    entries = sorted(graph.entries.values(), key=lambda e: e.path)
    return sorted(entries, key=lambda e: history[e.path][1], reverse=True)


def atom(graph: Graph, schema: Schema, history: dict[str, Dates], site: Site, size: int = FEED_SIZE) -> str:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", tag_uri("feed"))
    _add(feed, "title", site.name)
    _add(feed, "subtitle", "New and changed entries")
    _add(feed, "updated", dataset_updated(history, graph))
    _add(_add(feed, "author"), "name", f"{site.name} contributors")
    _add(feed, "rights", f"Data licensed {LICENSE['title']} ({LICENSE['path']})")
    _add(feed, "link", rel="alternate", type="text/html", href=site.absolute(""))
    if site.url:
        _add(feed, "link", rel="self", type="application/atom+xml", href=site.absolute("feed.xml"))
    for entry in newest_first(graph, history)[:size]:
        created, updated = history[entry.path]
        item = _add(feed, "entry")
        _add(item, "id", tag_uri(f"{entry.kind.folder}/{entry.id}"))
        _add(item, "title", entry.title)
        _add(item, "published", iso(created))
        _add(item, "updated", iso(updated))
        _add(item, "link", rel="alternate", type="text/html", href=site.absolute(site.page(entry)))
        _add(item, "category", term=entry.kind.name, label=KIND_LABELS[entry.kind.name])
        _add(item, "summary", description_of(entry), type="text")
    ET.indent(feed)
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"
