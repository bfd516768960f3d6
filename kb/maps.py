"""Relationship maps: the neighbourhood of an entry as an accessible SVG.

Maps are laid out in one column per kind so that they stay readable at any
number of neighbours, and every node is a link. They need no JavaScript and
no CDN, and print as they show.

Drawing goes through a writer, never through string concatenation: every
element is declared as a Tag and passed to write(tag, values, text,
children). write_tree builds ElementTree elements, the readable reference;
write_text, used for the pages, writes each element straight to the text
ElementTree would serialise, escaping every value just as it does, because
building and then walking some 270,000 elements was the biggest single
cost of generating the pages. Boxes and edges, nearly all of a map, are
written once with placeholders and then filled in for values with nothing
to escape.
"""
from __future__ import annotations

import re
from functools import partial
import xml.etree.ElementTree as ET
from typing import Any, Callable, NamedTuple

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


# Every map places its boxes on the same grid, so each coordinate is turned
# into text once rather than for every box and edge of every map.
_COLUMNS_TEXT = tuple(_column(col) for col in range(len(COLUMNS)))
_ROWS_TEXT = tuple(_row(row) for row in range(MAX_PER_COLUMN))


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


class Tag(NamedTuple):
    """One kind of element in a map: its name and the attributes it always has, in order."""

    name: str
    attributes: tuple[str, ...]
    start: str  # the start tag with a %s for each attribute value


def tag(name: str, *attributes: str) -> Tag:
    return Tag(name, attributes, "<" + name + "".join(f' {attribute}="%s"' for attribute in attributes))


_SVG = tag("svg", "xmlns", "viewBox", "class", "role", "aria-labelledby", "width", "height")
_MAP_TITLE = tag("title", "id")
_EDGE = tag("line", "x1", "y1", "x2", "y2", "class")
_HEADING = tag("text", "x", "y", "class")
_LINK = tag("a", "href", "class")
_TOOLTIP = tag("title")
_BOX = tag("rect", "x", "y", "width", "height", "rx")
_LABEL = tag("text", "x", "y")

# What ElementTree escapes in attribute values and in text.
_ATTRIBUTE_SPECIALS = re.compile('[&<>"\r\n\t]')
_TEXT_SPECIALS = re.compile("[&<>]")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}


def _escape(value: str, specials: re.Pattern) -> str:
    """The value with the characters ElementTree escapes there replaced by their references."""
    return specials.sub(lambda match: _ESCAPES[match.group()], value) if specials.search(value) else value


def write_text(tag: Tag, values: tuple[str, ...], text: str | None = None, children: list[str] = ()) -> str:
    """The element as ET.tostring(element, encoding="unicode") would write it.

    Writing each element as it is laid out saves building a tree only to walk
    it again, and the start tag is filled in with one format call. Almost no
    value needs escaping (most are coordinates), so all of an element's values
    are searched at once and escaped one by one only when that finds something.
    """
    if _ATTRIBUTE_SPECIALS.search("".join(values)):
        values = tuple(_escape(value, _ATTRIBUTE_SPECIALS) for value in values)
    start = tag.start % values
    if text:
        return f"{start}>{_escape(text, _TEXT_SPECIALS)}{''.join(children)}</{tag.name}>"
    if children:
        return f"{start}>{''.join(children)}</{tag.name}>"
    return start + " />"


def write_tree(tag: Tag, values: tuple[str, ...], text: str | None = None,
               children: list[ET.Element] = ()) -> ET.Element:
    """The element as an ElementTree element: what write_text must match, character for character."""
    element = ET.Element(tag.name, dict(zip(tag.attributes, values, strict=True)))
    element.text = text
    element.extend(children)
    return element


# write_text or write_tree: what a map is drawn with.
Write = Callable[..., Any]


def svg(nodes: list[Node], edges: list[tuple[Node, Node]], title: str, root: str, write: Write = write_tree):
    """Lays the nodes out in kind columns and returns the SVG as write() makes it: an element or text."""
    layout = _layout(nodes)
    width, height = str(layout.width), str(layout.height)
    return write(_SVG, ("http://www.w3.org/2000/svg", f"0 0 {width} {height}", "kb-map-svg", "group", "kb-map-title",
                        width, height), None, [
        write(_MAP_TITLE, ("kb-map-title",), title),
        *_edges(layout.placed, edges, write),
        *_headings(layout, write),
        *_boxes(layout.placed, root, write)])


def _edges(placed: dict[Node, tuple[int, int]], edges: list[tuple[Node, Node]], write: Write) -> list:
    draw = _EDGE_TEXT.write if write is write_text else partial(_edge, write)
    lines = []
    for a, b in edges:
        start, end = placed.get(a), placed.get(b)
        if start is None or end is None:
            continue
        if start[0] > end[0]:  # drawn from the left box whichever end comes first
            start, end = end, start
        (left_col, left_row), (right_col, right_row) = start, end
        left = _COLUMNS_TEXT[left_col]
        lines.append(draw(left.x if left_col == right_col else left.right, _ROWS_TEXT[left_row].middle,
                          _COLUMNS_TEXT[right_col].x, _ROWS_TEXT[right_row].middle))
    return lines


def _edge(write: Write, x1: str, y1: str, x2: str, y2: str):
    return write(_EDGE, (x1, y1, x2, y2, "kb-map-edge"))


# Where a column's "and N more" goes: below its last box.
_MORE_Y = str(TOP + MAX_PER_COLUMN * (BOX_H + GAP_Y) + BOX_H / 2 + 5)


def _headings(layout: _Layout, write: Write) -> list:
    headings = []
    for col, kind in enumerate(layout.columns):
        headings.append(write(_HEADING, (_COLUMNS_TEXT[col].x, "20", "kb-map-heading"), COLUMN_TITLES[kind]))
        if layout.hidden[kind]:
            headings.append(write(_HEADING, (_COLUMNS_TEXT[col].text_x, _MORE_Y, "kb-map-more"),
                                  f"and {layout.hidden[kind]} more"))
    return headings


def _boxes(placed: dict[Node, tuple[int, int]], root: str, write: Write) -> list:
    draw = _BOX_TEXT.write if write is write_text else partial(_box, write)
    boxes = []
    for node, (col, row) in placed.items():
        column, row_text = _COLUMNS_TEXT[col], _ROWS_TEXT[row]
        boxes.append(draw(_href(node, root), _node_class(node), f"{node.kind.capitalize()}: {node.title}",
                          column.x, row_text.y, column.text_x, row_text.text_y, _label(node.title)))
    return boxes


def _box(write: Write, href: str, node_class: str, tooltip: str, x: str, y: str, text_x: str, text_y: str, label: str):
    """A node's box: a link around its tooltip, its rectangle and its label."""
    return write(_LINK, (href, node_class), None, [
        write(_TOOLTIP, (), tooltip),
        write(_BOX, (x, y, str(BOX_W), str(BOX_H), "6")),
        write(_LABEL, (text_x, text_y), label)])


class _Prerendered(NamedTuple):
    """What a drawing function writes with write_text, written once with a %s for each value.

    Boxes and edges are almost all of a map's elements and nearly always
    plain: nothing to escape, and no empty text, which ElementTree writes as
    a self-closed element. For such values one format call gives exactly
    what the drawing function would write; any other values go through it.
    """

    draw: Callable[..., str]
    pattern: str

    def write(self, *values: str) -> str:
        if all(values) and not _ATTRIBUTE_SPECIALS.search("".join(values)):
            return self.pattern % values
        return self.draw(write_text, *values)


def _prerender(draw: Callable[..., str], values: int) -> _Prerendered:
    # A NUL marks each value: it is never escaped, and any % the drawing writes
    # itself must stay a plain % once the markers become %s.
    text = draw(write_text, *("\0",) * values)
    return _Prerendered(draw, text.replace("%", "%%").replace("\0", "%s"))


_BOX_TEXT = _prerender(_box, 8)
_EDGE_TEXT = _prerender(_edge, 4)


def _node_class(node: Node) -> str:
    return f"kb-map-node kb-map-{node.kind}" + (" kb-map-focus" if node.focus else "")


def entry_map(graph: Graph, entry: Entry, root: str, write: Write = write_tree):
    """The entry's neighbourhood map as write() makes it, or None if the entry has no neighbours."""
    nodes, edges = neighbourhood(graph, entry)
    if len(nodes) < 2:
        return None
    return svg(nodes, edges, f"Map of the entries connected to {entry.title}", root, write)


def overview_map(graph: Graph, root: str, write: Write = write_tree):
    nodes, edges = overview(graph)
    return svg(nodes, edges, "Map of all narratives and the actors who spread them", root, write)
