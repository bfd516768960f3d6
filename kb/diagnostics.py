"""Diagnostics: one problem at one line of one file, with a stable code."""
from __future__ import annotations

from dataclasses import dataclass

# Stable error codes. Tests have one bad fixture per code, named after it.
CODES = {
    "E001": "file cannot be read as UTF-8 YAML text",
    "E002": "YAML syntax error",
    "E003": "duplicate key in a mapping",
    "E004": "YAML anchors, aliases and tags are not allowed",
    "E005": "nesting too deep",
    "E006": "entry is not a mapping",
    "E010": "file is not in a kind folder",
    "E100": "unknown field",
    "E101": "missing required field",
    "E102": "wrong type",
    "E103": "value not allowed",
    "E104": "invalid date",
    "E105": "invalid URL",
    "E106": "invalid id",
    "E107": "id does not match file name",
    "E108": "duplicate id",
    "E109": "invisible or control character in a value",
    "E110": "value longer than its field allows",
    "E200": "reference to a missing entry",
    "E201": "reference to an entry of the wrong kind",
    "E202": "entry refers to itself",
    "E203": "cycle of parent narratives",
    "E204": "the same reference twice in one field",
    "E205": "more references in one entry than allowed",
    "E206": "narratives nested too deep",
    "E300": "no source cited",
    "E301": "raw HTML in text",
    "E302": "unsafe link in text",
    "E303": "dates out of order or in the future",
    "E304": "image in text",
    "E305": "brackets in text unbalanced or nested too deep",
    "E310": "quoted incident resting on analyses only, without single_source and a reason",
    "E400": "translation header missing or incomplete",
    "E401": "field in a translation that is not translated text",
    "E402": "translated field the English entry does not have",
    "E403": "translatable field missing from a translation",
    "E404": "translated list of another length than the English",
    "E405": "translated text cites other sources than the English",
    "E406": "translation of an entry that does not exist",
}
# Warnings: printed by `check`, which still passes.
WARNINGS = {
    "W400": "translation older than the last change of its English entry",
}


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{shown(self.path)}:{self.line}: {self.code} {shown(self.message)}"

    def github_annotation(self) -> str:
        text = shown(self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))
        # In properties ',' and ':' are separators, so a file name holding them must be escaped too.
        path = self.path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")
        return f"::error file={path},line={self.line},title={self.code}::{text}"


def shown(text: str) -> str:
    """Text safe to print on a terminal: every control, format, separator or
    unassigned character written as an escape, so that an ESC sequence in a
    value cannot rewrite what the terminal shows."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else _escape(c) for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    if char == "\n":
        return "\\n"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def sorted_unique(diagnostics) -> list[Diagnostic]:
    return sorted(set(diagnostics))


def with_article(noun: str) -> str:
    """'an actor', 'a source': the noun with its indefinite article."""
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def did_you_mean(word: str, candidates) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
