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


class _Column(NamedTuple):
    """A column's coordinates as SVG text."""

    x: str  # left edge
    right: str  # right edge, where edges to later columns start
    text_x: str  # start of a box's label


class _Row(NamedTuple):
    """A row's coordinates as SVG text."""

    y: str  # top edge
    middle: str  # where edges meet the box
    text_y: str  # baseline of a box's label


def _column(col: int) -> _Column:
    x = col * (BOX_W + GAP_X)
    return _Column(str(x), str(x + BOX_W), str(x + 8))


def _row(row: int) -> _Row:
    y = TOP + row * (BOX_H + GAP_Y)
    return _Row(str(y), str(y + BOX_H / 2), str(y + BOX_H / 2 + 5))


# Every map places its boxes on the same grid, so each coordinate is turned
# into text once rather than for every box and edge of every map.
_COLUMNS_TEXT = tuple(_column(col) for col in range(len(COLUMNS)))
_ROWS_TEXT = tuple(_row(row) for row in range(MAX_PER_COLUMN))


def svg(nodes: list[Node], edges: list[tuple[Node, Node]], title: str, root: str) -> ET.Element:
    """Lays the nodes out in kind columns and returns the SVG element."""
    by_kind: dict[str, list[Node]] = {}
    for node in nodes:
        by_kind.setdefault(node.kind, []).append(node)
    columns = [k for k in COLUMNS if k in by_kind]
    placed: dict[Node, tuple[int, int]] = {}  # node -> (column, row)
    hidden: dict[str, int] = {}
    rows = 1 if not columns else 0
    for col, kind in enumerate(columns):
        members = sorted(by_kind[kind], key=lambda n: not n.focus)  # the page's own entry first
        hidden[kind] = max(0, len(members) - MAX_PER_COLUMN)
        before = len(placed)
        for row, node in enumerate(members[:MAX_PER_COLUMN]):
            placed[node] = (col, row)
        rows = max(rows, len(placed) - before + (1 if hidden[kind] else 0))
    width = max(1, len(columns)) * (BOX_W + GAP_X) - GAP_X
    height = TOP + rows * (BOX_H + GAP_Y)

    root_el = ET.Element("svg", {
        "xmlns": "http://www.w3.org/2000/svg", "viewBox": f"0 0 {width} {height}",
        "class": "kb-map-svg", "role": "group", "aria-labelledby": "kb-map-title",
        "width": str(width), "height": str(height)})
    ET.SubElement(root_el, "title", {"id": "kb-map-title"}).text = title
    for a, b in edges:
        if a in placed and b in placed:
            (col_a, row_a), (col_b, row_b) = placed[a], placed[b]
            (left_col, left_row), (right_col, right_row) = (
                ((col_a, row_a), (col_b, row_b)) if col_a <= col_b else ((col_b, row_b), (col_a, row_a)))
            left = _COLUMNS_TEXT[left_col]
            ET.SubElement(root_el, "line", {
                "x1": left.x if left_col == right_col else left.right, "y1": _ROWS_TEXT[left_row].middle,
                "x2": _COLUMNS_TEXT[right_col].x, "y2": _ROWS_TEXT[right_row].middle, "class": "kb-map-edge"})
    for col, kind in enumerate(columns):
        heading = ET.SubElement(root_el, "text", {"x": _COLUMNS_TEXT[col].x, "y": "20", "class": "kb-map-heading"})
        heading.text = COLUMN_TITLES[kind]
        if hidden[kind]:
            more = ET.SubElement(root_el, "text", {
                "x": _COLUMNS_TEXT[col].text_x,
                "y": str(TOP + MAX_PER_COLUMN * (BOX_H + GAP_Y) + BOX_H / 2 + 5), "class": "kb-map-more"})
            more.text = f"and {hidden[kind]} more"
    box_width, box_height = str(BOX_W), str(BOX_H)
    for node, (col, row) in placed.items():
        column, row_text = _COLUMNS_TEXT[col], _ROWS_TEXT[row]
        link = ET.SubElement(root_el, "a", {"href": _href(node, root), "class": f"kb-map-node kb-map-{node.kind}" + (" kb-map-focus" if node.focus else "")})
        ET.SubElement(link, "title").text = f"{node.kind.capitalize()}: {node.title}"
        ET.SubElement(link, "rect", {"x": column.x, "y": row_text.y, "width": box_width, "height": box_height, "rx": "6"})
        ET.SubElement(link, "text", {"x": column.text_x, "y": row_text.text_y}).text = _label(node.title)
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
