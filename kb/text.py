"""Rules for text values: inline citations, raw HTML, invisible characters,
the shape of brackets, and plain-text escaping.

Links in Markdown are not screened here: kb/markup.py parses the text and
sanitizes the HTML, and the check reads links from that same parse. Every
pattern here is linear in the length of the text: no character class a
repetition may revisit from another start.
"""
from __future__ import annotations

import re
import unicodedata

# [@source-id] or [@source-id, locator]. Neither part may hold '[' so that a
# scan started at one '[@' stops at the next instead of running to the end.
CITATION = re.compile(r"\[@([^\[\],\s]+)(?:\s*,\s*([^\[\]]+))?\]")
# '<', blanks, an optional '/', a letter: one path through the blanks.
RAW_HTML = re.compile(r"<\s*(?:/\s*)?[A-Za-z!?][^<>]*>?")
SAFE_SCHEMES = ("http://", "https://")
MARKDOWN_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]{}|#!])")

# Characters no value may hold: controls other than newline and tab; bidi
# controls, which reorder what a reviewer sees; zero-width characters, which
# hide differences; non-characters and lone surrogates.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_CONTROLS = "".join(chr(c) for c in range(0xA0) if unicodedata.category(chr(c)) == "Cc" and chr(c) not in "\n\t")
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(f"{chr(p + 0xFFFE)}{chr(p + 0xFFFF)}" for p in range(0, 0x110000, 0x10000))
INVISIBLE = re.compile(f"[{re.escape(_CONTROLS + _BIDI + _ZERO_WIDTH)}{_NONCHARACTERS}\ud800-\udfff]")

# Python-Markdown matches every '[' with its ']' by scanning forward, so an
# unclosed '[' or a deep nest costs a scan of the rest of the paragraph: a
# bound on both keeps the parse linear in the text.
MAX_UNCLOSED = 20
MAX_DEPTH = 4


def find_invisible(text: str) -> tuple[int, str] | None:
    """(offset, character) of the first character no value may hold, or None."""
    match = INVISIBLE.search(text)
    return (match.start(), match.group(0)) if match else None


def describe_character(char: str) -> str:
    """'U+202E RIGHT-TO-LEFT OVERRIDE': a character named, never printed."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def bracket_problem(text: str) -> str | None:
    """What makes the brackets of a Markdown text too costly to parse, or None."""
    if "[" not in text and "(" not in text:
        return None
    for opener, closer in (("[", "]"), ("(", ")")):
        depth = deepest = 0
        for match in re.finditer(f"[{re.escape(opener + closer)}]", text):
            if match.group(0) == opener:
                depth += 1
                deepest = max(deepest, depth)
            elif depth:
                depth -= 1
        # What is left open at the end was never closed; it adds to the depth
        # of everything after it, so the nesting bound allows for it.
        if depth > MAX_UNCLOSED:
            return f"{depth} '{opener}' are never closed (at most {MAX_UNCLOSED} may be)"
        if deepest > MAX_DEPTH + depth:
            return f"'{opener}{closer}' are nested more than {MAX_DEPTH} deep"
    return None


def find_raw_html(text: str):
    """Yields (offset, snippet) for each HTML tag in the text."""
    # Every tag starts with '<'; most text has none, and a substring test is
    # much cheaper than a regex scan.
    if "<" not in text:
        return
    for match in RAW_HTML.finditer(text):
        yield match.start(), match.group(0)[:30]


def find_citations(text: str):
    """Yields (offset, source id, locator or None) for each inline citation."""
    if "[@" not in text:
        return
    for match in CITATION.finditer(text):
        yield match.start(), match.group(1), (match.group(2) or "").strip() or None


def full_stop(text: str) -> str:
    """Text that ends a sentence, with one full stop: "2022 г." takes no second one."""
    return text if text.endswith(".") else f"{text}."


def escape_inline(value: str) -> str:
    """Makes plain text safe to place inside Markdown: no markup, no HTML."""
    flat = " ".join(str(value).split())
    if MARKDOWN_INLINE_SPECIALS.search(flat):  # most values have none: skip the substitution
        flat = MARKDOWN_INLINE_SPECIALS.sub(r"\\\1", flat)
    return flat.replace("<", "&lt;")


_LINK_OR_IMAGE = re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)")
_MARKUP_CHARACTERS = re.compile(r"[*_`#>]")


def plain(text: str) -> str:
    """Text without citations or Markdown link syntax, for descriptions."""
    # Neither pattern can match without its literal part; a substring test
    # is much cheaper than the regex scan over a whole summary.
    if "[@" in text:
        text = _without_citations(text)
    if "](" in text:
        text = _LINK_OR_IMAGE.sub(r"\1", text)
    text = _MARKUP_CHARACTERS.sub("", text)
    return " ".join(text.split())


def _without_citations(text: str) -> str:
    r"""The text without its citations and the blanks before each.

    What re.sub(r"\s*" + CITATION.pattern, "", text) gives, several times
    faster: a pattern starting with \s* is tried at every blank of the text.
    (rstrip and \s agree on what is blank.)
    """
    kept, end = [], 0
    for match in CITATION.finditer(text):
        kept.append(text[end:match.start()].rstrip())
        end = match.end()
    kept.append(text[end:])
    return "".join(kept)


def link_target(url: str):
    """An http(s) URL made safe to place in a Markdown link destination."""
    from markupsafe import Markup

    if not url or not str(url).lower().startswith(SAFE_SCHEMES):
        return None
    encoded = str(url).replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
    return Markup(encoded)


# attr_list values are double-quoted, so no quotes or braces; and Markdown reads
# the line before attr_list does, so no brackets or other inline markup either,
# or '[x](javascript:...)' in a platform would become a link.
_NOT_IN_ATTRIBUTE = re.compile(r'["{}\[\]()<>`*_\\!&]')


def attribute_value(value: str) -> str:
    """Plain text made safe as a double-quoted attr_list value."""
    return " ".join(_NOT_IN_ATTRIBUTE.sub("", str(value)).split())
