"""Relationship maps: the neighbourhood of an entry as an accessible SVG.

The page's own entry sits at the top; below it, one group per kind, each
connected entry in a box of its own joined to the entry by a branch of one
trunk. A tree rather than a web, so no line crosses another, and one column
narrow enough that a phone shows it at full size: labels wrap onto as many
lines as they need instead of being cut. Every box is a link. Maps need no
JavaScript and no CDN, and print as they show. They are built as
ElementTree elements, so every value is escaped by the serialiser.
"""
from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from typing import NamedTuple

from .entries import Entry
from .graph import Graph
from .labels import Labels

GROUPS = ("narrative", "actor", "incident", "debunk")
# The map's width in SVG units, chosen with the font size so that a phone's
# column shows it at no less than 12 px text (tests/browser check it).
WIDTH = 420
FONT = 15
LINE = 19  # baseline to baseline
PAD = 8  # inside a box, above and below its text
INDENT = 28  # where boxes start, right of the trunk
TRUNK = 12
GAP = 8  # between boxes
HEADING = 30  # a group's heading, with the space above it
LABEL_CHARS = 42  # what fits on one line of a box at FONT
MAX_PER_GROUP = 24


class Node(NamedTuple):
    kind: str
    folder: str
    id: str
    title: str
    focus: bool = False


def _node(entry: Entry, focus: bool = False) -> Node:
    return Node(entry.kind.name, entry.kind.folder, entry.id, entry.title, focus)


def neighbourhood(graph: Graph, entry: Entry) -> tuple[Node, dict[str, list[Node]]]:
    """The entry and the entries one step away, by kind, each once."""
    center = _node(entry, focus=True)
    groups: dict[str, list[Node]] = {}
    seen = {(center.kind, center.id)}
    for other in _neighbour_entries(graph, entry):
        node = _node(other)
        if (node.kind, node.id) not in seen:
            seen.add((node.kind, node.id))
            groups.setdefault(node.kind, []).append(node)
    return center, {kind: groups[kind] for kind in GROUPS if kind in groups}


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


def label_lines(title: str, chars: int = LABEL_CHARS) -> list[str]:
    """The whole title, wrapped at word boundaries."""
    return textwrap.wrap(title, chars, break_long_words=True) or [""]


def _href(node: Node, root: str) -> str:
    return f"{root}{node.folder}/{node.id}/"


def _box(parent: ET.Element, node: Node, x: int, y: int, root: str, labels: Labels) -> int:
    """A box with the node's whole title; returns its height."""
    lines = label_lines(node.title, LABEL_CHARS if x else LABEL_CHARS + 2)
    height = 2 * PAD + LINE * len(lines)
    link = ET.SubElement(parent, "a", {"href": _href(node, root), "class": _node_class(node)})
    ET.SubElement(link, "title").text = f"{labels.KIND_LABELS[node.kind]}: {node.title}"
    ET.SubElement(link, "rect", {"x": str(x), "y": str(y), "width": str(WIDTH - x - 1), "height": str(height),
                                 "rx": "6"})
    text = ET.SubElement(link, "text", {"x": str(x + 10), "y": str(y + PAD + FONT - 1)})
    for index, line in enumerate(lines):
        span = ET.SubElement(text, "tspan", {"x": str(x + 10), "dy": "0" if index == 0 else str(LINE)})
        span.text = line
    return height


def svg(center: Node, groups: dict[str, list[Node]], title: str, root: str, labels: Labels | None = None) -> str:
    """Lays the entry and its groups out as a tree and returns the SVG's text."""
    root_element = ET.Element("svg", {"xmlns": "http://www.w3.org/2000/svg", "class": "kb-map-svg", "role": "group",
                                      "aria-labelledby": "kb-map-title"})
    ET.SubElement(root_element, "title", {"id": "kb-map-title"}).text = title
    branches = ET.SubElement(root_element, "g", {"class": "kb-map-edges"})
    labels = labels or Labels()
    y = 1
    y += _box(root_element, center, 1, y, root, labels)
    trunk_top, trunk_bottom = y, y
    for kind, members in groups.items():
        y += HEADING
        heading = ET.SubElement(root_element, "text", {"x": str(INDENT), "y": str(y - 9), "class": "kb-map-heading"})
        heading.text = f"{labels.KIND_PLURALS[kind]} ({len(members)})"
        for node in members[:MAX_PER_GROUP]:
            height = _box(root_element, node, INDENT, y, root, labels)
            middle = y + height // 2
            ET.SubElement(branches, "line", {"x1": str(TRUNK), "y1": str(middle), "x2": str(INDENT), "y2": str(middle),
                                             "class": "kb-map-edge"})
            trunk_bottom = middle
            y += height + GAP
        hidden = len(members) - MAX_PER_GROUP
        if hidden > 0:
            more = ET.SubElement(root_element, "text", {"x": str(INDENT), "y": str(y + FONT), "class": "kb-map-more"})
            more.text = labels.map_more(hidden)
            y += LINE + GAP
    ET.SubElement(branches, "line", {"x1": str(TRUNK), "y1": str(trunk_top), "x2": str(TRUNK), "y2": str(trunk_bottom),
                                     "class": "kb-map-edge"})
    height = str(y + 1)
    root_element.set("viewBox", f"0 0 {WIDTH} {height}")
    root_element.set("width", str(WIDTH))
    root_element.set("height", height)
    return ET.tostring(root_element, encoding="unicode")


def _node_class(node: Node) -> str:
    return f"kb-map-node kb-map-{node.kind}" + (" kb-map-focus" if node.focus else "")


def entry_map(graph: Graph, entry: Entry, root: str, labels: Labels | None = None) -> str | None:
    """The entry's neighbourhood map as SVG text, or None if the entry has no neighbours."""
    center, groups = neighbourhood(graph, entry)
    if not groups:
        return None
    labels = labels or Labels()
    return svg(center, groups, labels.MAP_TITLE.format(title=entry.title), root, labels)
