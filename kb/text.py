"""Rules for Markdown text fields: inline citations, raw HTML, link safety.

The validator reports what these find; the renderer applies the same rules
again when it writes pages, so that nothing unsafe reaches the site even if
a check were skipped.
"""
from __future__ import annotations

import re

# [@source-id] or [@source-id, locator]
CITATION = re.compile(r"\[@([^\],\s]+)(?:\s*,\s*([^\]]+))?\]")
RAW_HTML = re.compile(r"<\s*/?\s*[A-Za-z!?][^>]*>?")
# Inline link or image destinations, and reference definitions.
LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)")
REFERENCE_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
SAFE_SCHEMES = ("http://", "https://")
MARKDOWN_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]{}|#!])")


def find_raw_html(text: str):
    """Yields (offset, snippet) for each HTML tag in the text."""
    # Every tag starts with '<'; most text has none, and a substring test is
    # much cheaper than a regex scan (so in the two functions below too).
    if "<" not in text:
        return
    for match in RAW_HTML.finditer(text):
        yield match.start(), match.group(0)[:30]


def find_unsafe_links(text: str, definitions: bool = True):
    """Yields (offset, target) for each link whose target is not http(s).

    definitions=False looks at inline links only: in one line of plain text a
    reference definition cannot form, and '[Update]: ...' is ordinary prose.
    """
    # Each pattern needs its literal ']('/']:'. A search for the literal's last
    # character alone runs at memchr speed and settles most text, and the
    # regex scan is left for the rest.
    patterns = ((LINK_TARGET, "]("), (REFERENCE_DEF, "]:")) if definitions else ((LINK_TARGET, "]("),)
    for pattern, literal in patterns:
        if literal[-1] not in text or literal not in text:
            continue
        for match in pattern.finditer(text):
            target = match.group(1)
            if not target.lower().startswith(SAFE_SCHEMES):
                yield match.start(1), target


def find_citations(text: str):
    """Yields (offset, source id, locator or None) for each inline citation."""
    if "[@" not in text:
        return
    for match in CITATION.finditer(text):
        yield match.start(), match.group(1), (match.group(2) or "").strip() or None


def escape_inline(value: str) -> str:
    """Makes plain text safe to place inside Markdown: no markup, no HTML."""
    flat = " ".join(str(value).split())
    if MARKDOWN_INLINE_SPECIALS.search(flat):  # most values have none: skip the substitution
        flat = MARKDOWN_INLINE_SPECIALS.sub(r"\\\1", flat)
    return flat.replace("<", "&lt;")


def neutralise(text: str) -> str:
    """Escapes HTML in Markdown text and disarms links that are not http(s).

    Escaping '<' alone suffices: no tag can open without it, while '>'
    stays usable for Markdown block quotes.
    """
    # '{' starts attribute lists, which could add event handlers to elements.
    text = text.replace("<", "&lt;").replace("{", "\\{")
    # A '!' right before a citation would turn its numbered link into an image.
    text = text.replace("![@", "\\![@")
    # Neither pattern matches without its literal "](" or "]:", and most
    # texts have neither: a substring test is cheaper than a regex scan.
    if "](" in text:
        text = LINK_TARGET.sub(_disarm, text)
    if "]:" in text:
        text = REFERENCE_DEF.sub(_disarm, text)
    return text


def _disarm(match: re.Match) -> str:
    if match.group(1).lower().startswith(SAFE_SCHEMES):
        return match.group(0)
    offset = match.start(0)
    whole = match.group(0)
    return whole[: match.start(1) - offset] + "#unsafe-link-removed" + whole[match.end(1) - offset :]


_LINK_OR_IMAGE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
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
