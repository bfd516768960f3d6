"""One entry file's bytes to plain values that remember their lines.

The text is read in one pass over libyaml's public event stream
(`yaml.parse`), and the values are built from the events here rather than
by PyYAML's constructor, because only the events say where each key and
item is, and because the constructor would silently keep the last of two
duplicate keys (losing data), expand aliases (expansion bombs) and recurse
in C on deep nesting (a crash, not an error). Scalars are typed by PyYAML's
own resolver and constructor, without timestamps: dates stay text and are
checked by the validator.
"""
from __future__ import annotations

import os
import re

import yaml

MAX_BYTES = 1_000_000
MAX_DEPTH = 32

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
# Plain scalars typed by the resolver; any other tag it gives ('<<' merge,
# '=' value) is refused, as is any tag written in the file.
_TYPED = {"tag:yaml.org,2002:int": "construct_yaml_int", "tag:yaml.org,2002:float": "construct_yaml_float",
          "tag:yaml.org,2002:bool": "construct_yaml_bool", "tag:yaml.org,2002:null": "construct_yaml_null"}

# Characters YAML refuses (outside its printable set) or reads as line breaks
# (NEL, LS, PS), which would make every later line number wrong in an editor.
# CR is reported on its own.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
# A line whose first character that is not blank is not a '#'.
_CONTENT_LINE = re.compile(r"^\s*[^#\s]", re.MULTILINE)


class LineDict(dict):
    """A mapping that knows its own line and the line of each key."""

    def __init__(self, line: int = 1):
        super().__init__()
        self.line = line
        self.key_lines: dict = {}
        self.block_starts: dict = {}  # key -> first line of a literal block's text

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)

    def text_line(self, key, offset: int) -> int:
        """The line of a character of a text value, exact for literal blocks."""
        if key in self.block_starts:
            return self.block_starts[key] + self[key].count("\n", 0, offset)
        return self.line_of(key)


class LineList(list):
    """A list that knows its own line and the line of each item."""

    def __init__(self, line: int = 1):
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class LoadProblem(Exception):
    def __init__(self, line: int, code: str, message: str):
        super().__init__(message)
        self.line, self.code, self.message = line, code, message


def read_limited(path) -> bytes:
    """The bytes of an entry file; refuses an oversized file without reading it all."""
    with open(path, "rb") as stream:
        raw = stream.read(MAX_BYTES + 1)
        size = os.fstat(stream.fileno()).st_size
    if len(raw) > MAX_BYTES:
        raise LoadProblem(1, "E001", f"file is {max(size, len(raw)):,} bytes; entries are limited to {MAX_BYTES:,}")
    return raw


def decode(raw: bytes) -> str:
    """Checks the bytes of an entry file and returns its text."""
    if len(raw) > MAX_BYTES:
        raise LoadProblem(1, "E001", f"file is {len(raw):,} bytes; entries are limited to {MAX_BYTES:,}")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise LoadProblem(1, "E001", "file starts with a byte-order mark; save it as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise LoadProblem(line, "E001", f"bytes that are not UTF-8 (byte {raw[exc.start]:#04x}); save the file as UTF-8") from None
    control = _CONTROL.search(text)
    if control:
        raise LoadProblem(text.count("\n", 0, control.start()) + 1, "E001",
                          f"invisible character U+{ord(control.group()):04X}, which YAML refuses or reads as a line break; remove it")
    if "\r" in text:
        raise LoadProblem(text.count("\n", 0, text.index("\r")) + 1, "E001",
                          "Windows (CRLF) or CR line ends; save the file with Unix (LF) line ends")
    for number, line in enumerate(text.split("\n"), start=1):
        if "\t" in line[: len(line) - len(line.lstrip(" \t"))]:
            raise LoadProblem(number, "E001", "tab in indentation; YAML indents with spaces only")
    if not _CONTENT_LINE.search(text):
        raise LoadProblem(1, "E006", "file is empty; an entry is a mapping of fields")
    return text


def parse(text: str):
    """Parses one YAML document; returns (data, duplicate-key problems) or raises LoadProblem."""
    builder = _Builder(text)
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            builder.take(event)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_problem(exc, text) from None
    except yaml.YAMLError as exc:
        raise LoadProblem(1, "E002", f"YAML syntax error: {exc}") from None
    if builder.root is None:
        raise LoadProblem(1, "E006", "file is empty; an entry is a mapping of fields")
    return builder.root, builder.duplicates


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> LoadProblem:
    mark = exc.problem_mark or exc.context_mark
    detail = " ".join(p for p in (exc.context, exc.problem) if p)
    if exc.context_mark and mark and exc.context_mark.line != mark.line:
        # An unclosed quote or bracket is found only at the end: say where it opened.
        detail += f" (it opened at line {exc.context_mark.line + 1})"
    # At the end of the file libyaml points one line past the last one.
    line = min(mark.line + 1, len(text.splitlines()) or 1) if mark else 1
    return LoadProblem(line, "E002", f"YAML syntax error: {detail}")


_NO_KEY = object()


class _Frame:
    """An open mapping or sequence, and for a mapping the key awaiting its value."""

    __slots__ = ("value", "key", "key_line")

    def __init__(self, value):
        self.value, self.key, self.key_line = value, _NO_KEY, 0


class _Builder:
    """Builds values from parser events, refusing what entries must not use."""

    def __init__(self, text: str):
        self.text = text
        self.stack: list[_Frame] = []
        self.root = None
        self.documents = 0
        self.duplicates: list[LoadProblem] = []
        self.resolver = yaml.resolver.Resolver()
        self.constructor = yaml.constructor.SafeConstructor()

    def take(self, event) -> None:
        line = event.start_mark.line + 1
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise yaml.composer.ComposerError("expected a single document in the stream", self.first_mark,
                                                  "but found another document", event.start_mark)
            self.first_mark = event.start_mark
        elif isinstance(event, yaml.AliasEvent):  # an anchor alone is harmless
            raise LoadProblem(line, "E004", "YAML anchors and aliases (&name, *name) are not allowed; write the value out")
        elif isinstance(event, yaml.ScalarEvent):
            self.place(self.scalar(event, line), line, literal=event.style == "|")
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self.refuse_tag(event.tag, line)
            if len(self.stack) >= MAX_DEPTH:
                raise LoadProblem(line, "E005", f"nesting deeper than {MAX_DEPTH} levels")
            value = LineDict(line) if isinstance(event, yaml.MappingStartEvent) else LineList(line)
            self.place(value, line)
            self.stack.append(_Frame(value))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            self.stack.pop()

    def scalar(self, event, line: int):
        self.refuse_tag(event.tag, line)
        if not event.implicit[0]:  # quoted or block text
            return event.value
        tag = self.resolver.resolve(yaml.ScalarNode, event.value, (True, False))
        if tag in (_STR, _TIMESTAMP):
            return event.value
        if tag not in _TYPED:
            raise LoadProblem(line, "E004", f"YAML tag '{tag}' is not allowed; use plain values")
        construct = getattr(self.constructor, _TYPED[tag])
        return construct(yaml.ScalarNode(tag, event.value))

    @staticmethod
    def refuse_tag(tag, line: int) -> None:
        if tag is not None:
            raise LoadProblem(line, "E004", f"YAML tag '{tag}' is not allowed; use plain values")

    def place(self, value, line: int, literal: bool = False) -> None:
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        if isinstance(frame.value, LineList):
            frame.value.append(value)
            frame.value.item_lines.append(line)
        elif frame.key is _NO_KEY:
            if isinstance(value, (LineDict, LineList)):
                raise LoadProblem(line, "E006", "a mapping key must be plain text")
            frame.key, frame.key_line = value, line
        else:
            self.set_value(frame, value, line, literal)

    def set_value(self, frame: _Frame, value, line: int, literal: bool) -> None:
        data, key = frame.value, frame.key
        frame.key = _NO_KEY
        if key in data:
            self.duplicates.append(LoadProblem(
                frame.key_line, "E003",
                f"duplicate key '{key}' (first at line {data.key_lines[key]}); YAML would silently keep only the last value"))
            return
        data[key] = value
        data.key_lines[key] = frame.key_line
        if literal:  # a literal block's text starts on the line after its indicator
            data.block_starts[key] = line + 1
