"""Relationship maps: the neighbourhood of an entry as an accessible SVG.

The SVG is built with ElementTree (never by string concatenation), laid out
in one column per kind so that it stays readable at any number of
neighbours, and every node is a link. It needs no JavaScript and no CDN,
and prints as it shows.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import NamedTuple

from .link import Graph
from .model import Entry

COLUMNS = ("narrative", "actor", "incident", "debunk")
COLUMN_TITLES = {"narrative": "Narratives", "actor": "Actors", "incident": "Incidents", "debunk": "Debunks"}
BOX_W, BOX_H, GAP_Y, GAP_X, TOP = 200, 34, 10, 40, 40
MAX_PER_COLUMN = 24
LABEL_CHARS = 30


class Node(NamedTuple):
    kind: str
    folder: str
    id: str
    title: str
    focus: bool = False


def _node(entry: Entry, focus: bool = False) -> Node:
    return Node(entry.kind.name, entry.kind.folder, entry.id, entry.title, focus)


def neighbourhood(graph: Graph, entry: Entry) -> tuple[list[Node], list[tuple[Node, Node]]]:
    """The entry, the entries one step away, and the edges from the entry to them."""
    center = _node(entry, focus=True)
    neighbours = [_node(e) for e in _neighbour_entries(graph, entry)]
    unique = list(dict.fromkeys(n for n in neighbours if (n.kind, n.id) != (center.kind, center.id)))
    return [center, *unique], [(center, n) for n in unique]


def _neighbour_entries(graph: Graph, entry: Entry) -> list[Entry]:
    kind = entry.kind.name
    if kind == "narrative":
        found = list(graph.incidents_of_narrative.get(entry.id, []))
        found += [a for a, _ in graph.actors_behind(entry.id)]
        found += graph.debunks_of_narrative.get(entry.id, [])
        found += graph.children_of_narrative.get(entry.id, [])
        if entry.get("parent"):
            found.append(graph.get("narrative", entry["parent"]))
        return found
    if kind == "actor":
        incidents = [i for i, _ in graph.incidents_of_actor.get(entry.id, [])]
        return incidents + graph.narratives_pushed_by(entry.id) + graph.debunks_of_actor(entry.id)
    if kind == "incident":
        found = [graph.get("actor", a["actor"]) for a in entry.get("actors") or []]
        found += [graph.get("narrative", n) for n in entry.get("narratives") or []]
        return found + graph.debunks_of_incident.get(entry.id, [])
    return []


def overview(graph: Graph) -> tuple[list[Node], list[tuple[Node, Node]]]:
    """All narratives and the actors who pushed them, linked where they did."""
    narratives = [_node(n) for n in graph.all("narrative")]
    actors, edges = {}, []
    for narrative in narratives:
        for actor, _count in graph.actors_behind(narrative.id):
            node = actors.setdefault(actor.id, _node(actor))
            edges.append((narrative, node))
    return narratives + sorted(actors.values(), key=lambda n: n.title.lower()), edges


def _label(title: str) -> str:
    return title if len(title) <= LABEL_CHARS else title[: LABEL_CHARS - 1].rstrip() + "…"


def _href(node: Node, root: str) -> str:
    return f"{root}{node.folder}/{node.id}/"


def svg(nodes: list[Node], edges: list[tuple[Node, Node]], title: str, root: str) -> ET.Element:
    """Lays the nodes out in kind columns and returns the SVG element."""
    columns = [k for k in COLUMNS if any(n.kind == k for n in nodes)]
    placed: dict[Node, tuple[float, float]] = {}
    hidden: dict[str, int] = {}
    for col, kind in enumerate(columns):
        members = [n for n in nodes if n.kind == kind]
        members.sort(key=lambda n: (not n.focus,))  # the page's own entry first
        hidden[kind] = max(0, len(members) - MAX_PER_COLUMN)
        for row, node in enumerate(members[:MAX_PER_COLUMN]):
            placed[node] = (col * (BOX_W + GAP_X), TOP + row * (BOX_H + GAP_Y))
    rows = max((sum(1 for n in placed if n.kind == k) + (1 if hidden[k] else 0) for k in columns), default=1)
    width = max(1, len(columns)) * (BOX_W + GAP_X) - GAP_X
    height = TOP + rows * (BOX_H + GAP_Y)

    root_el = ET.Element("svg", {
        "xmlns": "http://www.w3.org/2000/svg", "viewBox": f"0 0 {width} {height}",
        "class": "kb-map-svg", "role": "group", "aria-labelledby": "kb-map-title",
        "width": str(width), "height": str(height)})
    ET.SubElement(root_el, "title", {"id": "kb-map-title"}).text = title
    for a, b in edges:
        if a in placed and b in placed:
            (x1, y1), (x2, y2) = placed[a], placed[b]
            left, right = ((x1, y1), (x2, y2)) if x1 <= x2 else ((x2, y2), (x1, y1))
            same_column = x1 == x2
            ET.SubElement(root_el, "line", {
                "x1": str(left[0] + (0 if same_column else BOX_W)), "y1": str(left[1] + BOX_H / 2),
                "x2": str(right[0]), "y2": str(right[1] + BOX_H / 2), "class": "kb-map-edge"})
    for col, kind in enumerate(columns):
        heading = ET.SubElement(root_el, "text", {"x": str(col * (BOX_W + GAP_X)), "y": "20", "class": "kb-map-heading"})
        heading.text = COLUMN_TITLES[kind]
        if hidden[kind]:
            more = ET.SubElement(root_el, "text", {
                "x": str(col * (BOX_W + GAP_X) + 8),
                "y": str(TOP + MAX_PER_COLUMN * (BOX_H + GAP_Y) + BOX_H / 2 + 5), "class": "kb-map-more"})
            more.text = f"and {hidden[kind]} more"
    for node, (x, y) in placed.items():
        link = ET.SubElement(root_el, "a", {"href": _href(node, root), "class": f"kb-map-node kb-map-{node.kind}" + (" kb-map-focus" if node.focus else "")})
        ET.SubElement(link, "title").text = f"{node.kind.capitalize()}: {node.title}"
        ET.SubElement(link, "rect", {"x": str(x), "y": str(y), "width": str(BOX_W), "height": str(BOX_H), "rx": "6"})
        ET.SubElement(link, "text", {"x": str(x + 8), "y": str(y + BOX_H / 2 + 5)}).text = _label(node.title)
    return root_el


# What ElementTree escapes in attribute values and in text.
_ATTRIBUTE_SPECIALS = re.compile('[&<>"\r\n\t]')
_TEXT_SPECIALS = re.compile("[&<>]")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}


def _attribute(name: str, value: str) -> str:
    if _ATTRIBUTE_SPECIALS.search(value):
        value = _ATTRIBUTE_SPECIALS.sub(lambda match: _ESCAPES[match.group()], value)
    return f' {name}="{value}"'


def _text(text: str) -> str:
    return _TEXT_SPECIALS.sub(lambda match: _ESCAPES[match.group()], text) if _TEXT_SPECIALS.search(text) else text


def serialize(element: ET.Element) -> str:
    """The same text as ET.tostring(element, encoding="unicode"), several times faster.

    Maps have no namespaces, comments or processing instructions, which
    ElementTree spends most of its time looking for; every attribute value
    and text is escaped just as it does.
    """
    parts: list[str] = []
    _write(element, parts)
    return "".join(parts)


def _write(element: ET.Element, parts: list[str]) -> None:
    parts.append("<" + element.tag + "".join([_attribute(name, value) for name, value in element.items()]))
    if element.text or len(element):
        parts.append(">" + _text(element.text) if element.text else ">")
        for child in element:
            _write(child, parts)
        parts.append(f"</{element.tag}>")
    else:
        parts.append(" />")
    if element.tail:
        parts.append(_text(element.tail))


def entry_map(graph: Graph, entry: Entry, root: str) -> ET.Element | None:
    nodes, edges = neighbourhood(graph, entry)
    if len(nodes) < 2:
        return None
    return svg(nodes, edges, f"Map of the entries connected to {entry.title}", root)


def overview_map(graph: Graph, root: str) -> ET.Element:
    nodes, edges = overview(graph)
    return svg(nodes, edges, "Map of all narratives and the actors who spread them", root)
