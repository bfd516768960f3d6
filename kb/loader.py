"""Reads entry files into plain data that remembers the line of every key.

Uses libyaml (CSafeLoader's C parser) for speed; builds the Python values
itself so that it can record lines, refuse duplicate keys (PyYAML silently
keeps the last one, which loses data) and refuse aliases, which make
expansion bombs possible.
"""
from __future__ import annotations

import os
import re
from functools import partial

import yaml
from yaml._yaml import CParser

MAX_BYTES = 1_000_000
MAX_DEPTH = 32

_ALLOWED_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


# Characters YAML refuses (outside its printable set) or reads as line breaks
# (NEL, LS, PS), which would make every later line number wrong in an editor.
# CR is reported on its own.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


class LineDict(dict):
    """A mapping that knows its own line and the line of each key."""

    # Slots: no attribute dict per value, which the cycle collector would
    # walk on every collection (tens of thousands of them in a large set).
    __slots__ = ("line", "key_lines", "block_starts")

    def __init__(self):
        super().__init__()
        self.line = 1
        self.key_lines: dict = {}
        self.block_starts: dict = {}

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)

    def text_line(self, key, offset: int) -> int:
        """The line of a character of a text value, exact for literal blocks."""
        if key in self.block_starts:
            return self.block_starts[key] + self[key].count("\n", 0, offset)
        return self.line_of(key)


class LineList(list):
    """A list that knows its own line and the line of each item."""

    __slots__ = ("line", "item_lines")  # as LineDict's

    def __init__(self):
        super().__init__()
        self.line = 1
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class LoadProblem(Exception):
    def __init__(self, line: int, code: str, message: str):
        super().__init__(message)
        self.line, self.code, self.message = line, code, message


class _Resolver(yaml.resolver.Resolver):
    """Standard resolver without timestamps: dates stay text, checked later."""

    def resolve(self, kind, value, implicit):
        """BaseResolver.resolve, for the composer's every node, without its list
        concatenation per call: there are no wildcard or path resolvers here."""
        if kind is _SCALAR_NODE:
            if implicit[0]:  # a plain scalar: 12, true, null... or text
                for tag, regexp in _IMPLICIT_RESOLVERS.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR_TAG
        return _DEFAULT_TAGS[kind]


_SCALAR_NODE = yaml.ScalarNode
_STR_TAG = "tag:yaml.org,2002:str"
_DEFAULT_TAGS = {yaml.SequenceNode: _Resolver.DEFAULT_SEQUENCE_TAG, yaml.MappingNode: _Resolver.DEFAULT_MAPPING_TAG}

_IMPLICIT_RESOLVERS = _Resolver.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}

# There are no path resolvers either, but libyaml's composer calls
# descend_resolver(node, index) and ascend_resolver() around every node to
# track them: as Python methods that only return, they were 9 % of the
# instructions of composing. These calls to built-in functions do nothing.
_NO_PATH_RESOLVERS: dict = {}


class _Loader(CParser, yaml.constructor.SafeConstructor, _Resolver):
    descend_resolver = staticmethod(_NO_PATH_RESOLVERS.get)
    ascend_resolver = staticmethod(_NO_PATH_RESOLVERS.clear)

    def __init__(self, stream):
        CParser.__init__(self, stream)
        yaml.constructor.SafeConstructor.__init__(self)
        _Resolver.__init__(self)
        self.duplicates: list[LoadProblem] = []


def _line(node) -> int:
    return node.start_mark.line + 1


# Text, most keys and values, is taken straight from its node (what its
# constructor returns): a call per key and value saved, in every file.


def _fill_map(data: LineDict, node, build, duplicates: list) -> None:
    key_lines = data.key_lines
    for key_node, value_node in node.value:
        if key_node.tag == _STR_TAG:
            key = key_node.value
        else:
            key = build(key_node)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise LoadProblem(_line(key_node), "E006", "a mapping key must be plain text")
        if key in data:
            duplicates.append(LoadProblem(
                _line(key_node), "E003",
                f"duplicate key '{key}' (first at line {key_lines[key]}); "
                "YAML would silently keep only the last value"))
            continue
        if value_node.tag == _STR_TAG:
            data[key] = value_node.value
            # (Only a scalar has a style; an explicit !!str may tag a collection.)
            if getattr(value_node, "style", None) == "|":
                # A literal block's text starts on the line after its indicator.
                data.block_starts[key] = _line(value_node) + 1
        else:
            data[key] = build(value_node)
        key_lines[key] = key_node.start_mark.line + 1


def _fill_seq(data: LineList, node, build) -> None:
    item_lines = data.item_lines
    for item in node.value:
        data.append(item.value if item.tag == _STR_TAG else build(item))
        item_lines.append(item.start_mark.line + 1)


def _new_map(node) -> LineDict:
    data = LineDict()
    data.line = _line(node)
    return data


def _new_seq(node) -> LineList:
    data = LineList()
    data.line = _line(node)
    return data


def _construct_map(loader: _Loader, node):
    data = _new_map(node)
    yield data
    _fill_map(data, node, lambda child: loader.construct_object(child, deep=True), loader.duplicates)


def _construct_seq(loader: _Loader, node):
    data = _new_seq(node)
    yield data
    _fill_seq(data, node, lambda child: loader.construct_object(child, deep=True))


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)

_PLAIN_SCALAR_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                      "tag:yaml.org,2002:null"}


def _build(loader: _Loader, node):
    """What loader.construct_document(node) makes of a tree without aliases or
    explicit tags, built directly: a third of the time of the constructor's
    general machinery (object cache, generators, recursion guards), which
    only aliases and custom tags need. Scalars go through the same functions.
    """
    tag = node.tag
    if tag == _STR_TAG:
        return node.value  # what construct_scalar returns for an implicitly tagged scalar
    if tag in _PLAIN_SCALAR_TAGS:
        return loader.yaml_constructors[tag](loader, node)
    if tag == "tag:yaml.org,2002:map":
        data = _new_map(node)
        _fill_map(data, node, partial(_build, loader), loader.duplicates)
        return data
    if tag == "tag:yaml.org,2002:seq":
        data = _new_seq(node)
        _fill_seq(data, node, partial(_build, loader))
        return data
    return loader.construct_object(node, deep=True)


# An '=' that ends a plain scalar; a lone '=' also starts one (see below).
_EQUALS_AT_END = re.compile(r"=(?=$|[\s\]},:])", re.MULTILINE)


def _may_hold_alias_or_tag(text: str) -> bool:
    """False only for text in which _check_tree cannot find anything to refuse.

    Anchors, aliases and explicit tags start with '&', '*' and '!'; of the
    implicit tags, only '<<' (merge), a lone '=' (value) and a lone '!', '&'
    or '*' (yaml) are not plain values. Every entry has an '=' in its
    schema comment, so a lone one is looked for by its neighbours.
    """
    if "&" in text or "*" in text or "!" in text or "<<" in text:
        return True
    for match in _EQUALS_AT_END.finditer(text):
        start = match.start()
        if start == 0 or text[start - 1].isspace() or text[start - 1] in "[{,":
            return True
    return False


def _check_tree(root) -> None:
    """Refuses aliases and custom tags before building values (depth: _check_depth)."""
    seen: set[int] = set()
    stack = [(root, _line(root))]
    while stack:
        node, where = stack.pop()
        if id(node) in seen:
            raise LoadProblem(where, "E004", "YAML anchors and aliases (&name, *name) are not allowed; write the value out")
        seen.add(id(node))
        if node.tag not in _ALLOWED_TAGS:
            raise LoadProblem(where, "E004", f"YAML tag '{node.tag}' is not allowed; use plain values")
        if isinstance(node, yaml.MappingNode):
            children = []
            for key_node, value_node in node.value:
                children.append((key_node, _line(key_node)))
                children.append((value_node, _line(key_node)))
            stack.extend(reversed(children))  # visit in document order
        elif isinstance(node, yaml.SequenceNode):
            # An alias item shares its node (and line) with the anchor, so
            # report items of a sequence at the line where the sequence's key is.
            stack.extend(reversed([(item, where) for item in node.value]))


def _line_at(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def decode(raw: bytes) -> str:
    """Checks the bytes of an entry file and returns its text."""
    if len(raw) > MAX_BYTES:
        raise LoadProblem(1, "E001", f"file is {len(raw):,} bytes; entries are limited to {MAX_BYTES:,}")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise LoadProblem(1, "E001", "file starts with a byte-order mark; save it as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadProblem(_line_at(raw, exc.start), "E001", f"bytes that are not UTF-8 (byte {raw[exc.start]:#04x}); save the file as UTF-8") from None
    control = _refused_character(raw, text)
    if control:
        raise LoadProblem(text.count("\n", 0, control.start()) + 1, "E001",
                          f"invisible character U+{ord(control.group()):04X}, which YAML refuses or reads as a line break; remove it")
    if "\r" in text:
        raise LoadProblem(_line_at(raw, raw.index(b"\r")), "E001", "Windows (CRLF) or CR line ends; save the file with Unix (LF) line ends")
    if "\t" in text:
        _refuse_tab_indent(text)
    if not _CONTENT_LINE.search(text):
        raise LoadProblem(1, "E006", "file is empty; an entry is a mapping of fields")
    return text


# A line whose first character that is not blank (str.isspace) is not a '#'.
_CONTENT_LINE = re.compile(r"^\s*[^#\s]", re.MULTILINE)

# The bytes of text in plain ASCII that _CONTROL lets through.
_ASCII_TEXT_BYTES = bytes(range(0x20, 0x7F)) + b"\t\n\r"


def _refused_character(raw: bytes, text: str) -> re.Match | None:
    """The first character _CONTROL finds in the text, if any.

    Most entries are plain ASCII: deleting the bytes allowed there (a table
    look-up per byte) leaves nothing when nothing is refused, in a sixth of
    the time of the search. The search runs for the rest: text with other
    characters, and text with a refused one, to say where it is.
    """
    if not raw.translate(None, _ASCII_TEXT_BYTES):
        return None
    return _CONTROL.search(text)


# What may precede a block collection on its line: indentation, then the
# indicators '-', '?', ':' (or a document start), each followed by a blank.
# Runs of these characters, whatever their order, are counted: never shorter.
# ('-' last: it is also used as a regular expression character class.)
_PREFIX_CHARACTERS = " \t?:-"


def _nesting_bound(text: str) -> int:
    """An upper bound on how deep the text's collections nest, from the text alone.

    Block collections nest by indentation: libyaml opens each one at a column
    greater than its parent's, except a sequence written at its key's column,
    whose items indent again; and a block collection starts at the end of its
    line's indicator prefix at the latest. So block nesting is at most twice
    the widest prefix plus one. Flow collections hold only flow collections:
    each opens with a bracket, or inside a '[' as an implicit one-pair mapping.
    """
    widest = max(len(line) - len(line.lstrip(_PREFIX_CHARACTERS)) for line in text.split("\n"))
    return 2 * (widest + 1) + _flow_bound(text)


def _flow_bound(text: str) -> int:
    return 2 * text.count("[") + text.count("{")


def _surely_shallow(text: str, limit: int) -> bool:
    """_nesting_bound(text) <= limit, found without measuring every line."""
    widest_allowed = (limit - _flow_bound(text)) // 2 - 1
    if widest_allowed < 0:
        return False
    first_line = len(text) - len(text.lstrip(_PREFIX_CHARACTERS))
    # Only a line with a wider prefix can break the limit; search for one.
    return first_line <= widest_allowed and re.search(f"\n[{_PREFIX_CHARACTERS}]{{{widest_allowed + 1}}}", text) is None


def _refuse_tab_indent(text: str) -> None:
    for number, line in enumerate(text.split("\n"), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            raise LoadProblem(number, "E001", "tab in indentation; YAML indents with spaces only")


def _check_depth(text: str) -> None:
    """Refuses deep nesting by reading parser events, before any node is composed.

    libyaml composes nodes recursively in C: a document nested some ten
    thousand levels deep would crash the whole process, not raise an error.
    Its event parser keeps its own stack, so counting events is safe. Reading
    every event costs about a third of the parse, so it is done only for
    text whose nesting bound leaves room for too deep a document.
    """
    if _surely_shallow(text, MAX_DEPTH):
        return
    parser = CParser(text)
    depth = 0
    try:
        while True:
            event = parser.get_event()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise LoadProblem(event.start_mark.line + 1, "E005", f"nesting deeper than {MAX_DEPTH} levels")
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
            elif isinstance(event, yaml.StreamEndEvent):
                return
    except yaml.YAMLError:
        return  # parse() reports syntax errors with their context
    finally:
        parser.dispose()


def read_limited(path) -> tuple[bytes, int]:
    """The bytes of an entry file, and when it was last changed (whole seconds
    since the epoch, from the same look at the file that gives its size).
    Refuses an oversized file without reading it all.

    The file's size sizes the first read: reading up to the limit at once
    would allocate a megabyte for every file. A file that grows meanwhile is
    read on, up to the limit. Plain descriptors, not a file object: this
    runs for every entry file, and a file object costs more than the read.
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        status = os.fstat(descriptor)
        expected = status.st_size
        raw = _read_up_to(descriptor, min(expected, MAX_BYTES) + 1)
        if len(raw) > expected:
            raw += _read_up_to(descriptor, MAX_BYTES + 1 - len(raw))
    finally:
        os.close(descriptor)
    if len(raw) > MAX_BYTES:
        size = max(expected, len(raw))
        raise LoadProblem(1, "E001", f"file is {size:,} bytes; entries are limited to {MAX_BYTES:,}")
    return raw, int(status.st_mtime)


def _read_up_to(descriptor: int, limit: int) -> bytes:
    """At most limit more bytes: a read may return fewer than asked."""
    chunks = []
    while limit > 0:
        chunk = os.read(descriptor, limit)
        if not chunk:
            break
        chunks.append(chunk)
        limit -= len(chunk)
    return b"".join(chunks)


def parse(text: str):
    """Parses one YAML document; returns (data, problems) or raises LoadProblem."""
    _check_depth(text)
    loader = _Loader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            detail = " ".join(p for p in (exc.context, exc.problem) if p)
            if exc.context_mark and mark and exc.context_mark.line != mark.line:
                # An unclosed quote or bracket is found only at the end: say where it opened.
                detail += f" (it opened at line {exc.context_mark.line + 1})"
            # At the end of the file libyaml points one line past the last one.
            line = min(mark.line + 1, len(text.splitlines()) or 1) if mark else 1
            raise LoadProblem(line, "E002", f"YAML syntax error: {detail}") from None
        except yaml.YAMLError as exc:
            raise LoadProblem(1, "E002", f"YAML syntax error: {exc}") from None
        if root is None:
            raise LoadProblem(1, "E006", "file is empty; an entry is a mapping of fields")
        plain_tree = not _may_hold_alias_or_tag(text)
        if not plain_tree:
            _check_tree(root)
        try:
            data = _build(loader, root) if plain_tree else loader.construct_document(root)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise LoadProblem(mark.line + 1 if mark else 1, "E002", f"YAML error: {exc.problem}") from None
        except (ValueError, TypeError) as exc:
            raise LoadProblem(_line(root), "E002", f"YAML error: {exc}") from None
        return data, loader.duplicates
    finally:
        loader.dispose()
