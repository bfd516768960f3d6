"""Relationship maps: the neighbourhood of an entry as an accessible SVG.

Maps are laid out in one column per kind so that they stay readable at any
number of neighbours, and every node is a link. They need no JavaScript and
no CDN, and print as they show. They are built as ElementTree elements, so
every value is escaped by the serialiser.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import NamedTuple

from .entries import Entry
from .graph import Graph

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
    center_key = (center.kind, center.id)
    unique = list(dict.fromkeys(n for n in neighbours if (n.kind, n.id) != center_key))
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
        return [*incidents, *graph.narratives_pushed_by(entry.id), *graph.debunks_of_actor(entry.id)]
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


class _Layout(NamedTuple):
    """Where the boxes of one map go."""

    columns: list[str]  # the kinds present, in COLUMNS order
    placed: dict[Node, tuple[int, int]]  # node -> (column, row)
    hidden: dict[str, int]  # kind -> boxes that did not fit in its column
    width: int
    height: int


def _layout(nodes: list[Node]) -> _Layout:
    by_kind: dict[str, list[Node]] = {}
    for node in nodes:
        by_kind.setdefault(node.kind, []).append(node)
    columns = [k for k in COLUMNS if k in by_kind]
    placed: dict[Node, tuple[int, int]] = {}
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
    return _Layout(columns, placed, hidden, width, height)


def svg(nodes: list[Node], edges: list[tuple[Node, Node]], title: str, root: str) -> str:
    """Lays the nodes out in kind columns and returns the SVG's text."""
    layout = _layout(nodes)
    width, height = str(layout.width), str(layout.height)
    root_element = ET.Element("svg", {"xmlns": "http://www.w3.org/2000/svg", "viewBox": f"0 0 {width} {height}",
                                      "class": "kb-map-svg", "role": "group", "aria-labelledby": "kb-map-title",
                                      "width": width, "height": height})
    ET.SubElement(root_element, "title", {"id": "kb-map-title"}).text = title
    _edges(root_element, layout.placed, edges)
    _headings(root_element, layout)
    _boxes(root_element, layout.placed, root)
    return ET.tostring(root_element, encoding="unicode")


def _edges(parent: ET.Element, placed: dict[Node, tuple[int, int]], edges: list[tuple[Node, Node]]) -> None:
    for a, b in edges:
        start, end = placed.get(a), placed.get(b)
        if start is None or end is None:
            continue
        if start[0] > end[0]:  # drawn from the left box whichever end comes first
            start, end = end, start
        (left_col, left_row), (right_col, right_row) = start, end
        left = _column(left_col)
        ET.SubElement(parent, "line", {
            "x1": left.x if left_col == right_col else left.right, "y1": _row(left_row).middle,
            "x2": _column(right_col).x, "y2": _row(right_row).middle, "class": "kb-map-edge"})


# Where a column's "and N more" goes: below its last box.
_MORE_Y = str(TOP + MAX_PER_COLUMN * (BOX_H + GAP_Y) + BOX_H / 2 + 5)


def _headings(parent: ET.Element, layout: _Layout) -> None:
    for col, kind in enumerate(layout.columns):
        heading = ET.SubElement(parent, "text", {"x": _column(col).x, "y": "20", "class": "kb-map-heading"})
        heading.text = COLUMN_TITLES[kind]
        if layout.hidden[kind]:
            more = ET.SubElement(parent, "text", {"x": _column(col).text_x, "y": _MORE_Y, "class": "kb-map-more"})
            more.text = f"and {layout.hidden[kind]} more"


def _boxes(parent: ET.Element, placed: dict[Node, tuple[int, int]], root: str) -> None:
    """Each node's box: a link around its tooltip, its rectangle and its label."""
    for node, (col, row) in placed.items():
        column, row_at = _column(col), _row(row)
        link = ET.SubElement(parent, "a", {"href": _href(node, root), "class": _node_class(node)})
        ET.SubElement(link, "title").text = f"{node.kind.capitalize()}: {node.title}"
        ET.SubElement(link, "rect", {"x": column.x, "y": row_at.y, "width": str(BOX_W), "height": str(BOX_H),
                                     "rx": "6"})
        ET.SubElement(link, "text", {"x": column.text_x, "y": row_at.text_y}).text = _label(node.title)


def _node_class(node: Node) -> str:
    return f"kb-map-node kb-map-{node.kind}" + (" kb-map-focus" if node.focus else "")


def entry_map(graph: Graph, entry: Entry, root: str) -> str | None:
    """The entry's neighbourhood map as SVG text, or None if the entry has no neighbours."""
    nodes, edges = neighbourhood(graph, entry)
    if len(nodes) < 2:
        return None
    return svg(nodes, edges, f"Map of the entries connected to {entry.title}", root)


def overview_map(graph: Graph, root: str) -> str:
    nodes, edges = overview(graph)
    return svg(nodes, edges, "Map of all narratives and the actors who spread them", root)
