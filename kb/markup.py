"""Markdown text fields to sanitized HTML, and the links a text makes.

Entry text comes from strangers. Screening Markdown with regular expressions
failed because the parser sees structures the expressions do not (a
reference definition inside a block quote, a list item, an admonition, after
a carriage return). So the text is parsed by Python-Markdown, the library
MkDocs itself uses, and what it produces goes through an allow-list HTML
sanitizer (nh3, the bindings of Rust's ammonia). The check reads the links
from the same parse, so it refuses exactly what a reader would have got.
"""
from __future__ import annotations

from html.parser import HTMLParser

import markdown
import nh3
from markupsafe import escape

# The entry Markdown the site supports: what the MkDocs configuration enables,
# less attr_list (it writes attributes) and toc (headings in entry text are
# not part of a page's outline).
EXTENSIONS = ["admonition", "tables"]

TAGS = {"p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
        "h1", "h2", "h3", "h4", "h5", "h6", "a", "div", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub"}
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
# Admonitions are the only classes entry Markdown produces; the theme styles them.
CLASSES = {"div": {"admonition", "note", "warning", "tip", "info", "danger", "example", "quote", "abstract",
                   "success", "question", "failure", "bug", "kb-text"},
           "p": {"admonition-title"}}
URL_SCHEMES = {"http", "https", "mailto"}
CHECKED_SCHEMES = ("http://", "https://")  # what a contributor may write; mailto only via the sanitizer's allowance


def _relative(url: str) -> str | None:
    # A protocol-relative '//host/...' (or '\\host', which browsers read the
    # same way) would reach another host although it has no scheme.
    squeezed = url.replace("\\", "/").lstrip()
    return None if squeezed.startswith("//") else url


_CLEANER = nh3.Cleaner(tags=TAGS, attributes=ATTRIBUTES, allowed_classes=CLASSES, url_schemes=URL_SCHEMES,
                       url_relative=_relative, strip_comments=True, link_rel="noopener noreferrer",
                       clean_content_tags={"script", "style"})
_PARSER = markdown.Markdown(extensions=EXTENSIONS)


def prepare(text: str) -> str:
    """The text as the parser is given it: every '<' literal, so that no
    raw HTML or autolink can form (the check refuses them as E301 first)."""
    # A '!' right before a citation marker would make an image of its link.
    return text.replace("<", "&lt;").replace("![@", "\\![@")


def parse(text: str) -> str:
    """Python-Markdown's HTML of already prepared text, not yet sanitized."""
    _PARSER.reset()
    return _PARSER.convert(text)


def sanitize(html: str) -> str:
    return _CLEANER.clean(html)


def to_html(markdown_text: str, lead: str = "") -> str:
    """Sanitized HTML of prepared Markdown, as one raw HTML block a page's
    Markdown passes through untouched. lead is trusted inline HTML put at
    the start of the first paragraph (a correction's date)."""
    html = sanitize(parse(markdown_text))
    if lead:
        html = html[3:] if html.startswith("<p>") else "</p>\n" + html
        html = f"<p>{lead}{html}"
    # Python-Markdown takes a block for raw HTML only when it starts a line
    # after a blank one; the blank lines around the block in the template
    # and the single wrapper keep it whole.
    return f'<div class="kb-text">\n{html}\n</div>'


def admonition(kind: str, title: str, body_html: str) -> str:
    """The HTML Python-Markdown's admonition extension writes, around HTML
    already made safe; as one raw block it can sit where indentation would
    stop Python-Markdown from passing a nested block through."""
    return (f'<div class="admonition {escape(kind)}">\n<p class="admonition-title">{escape(title)}</p>\n'
            f"{body_html}\n</div>")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if (tag, name) in (("a", "href"), ("img", "src")):
                self.found.append((tag, value or ""))


def links_in(text: str) -> list[tuple[str, str]]:
    """(tag, URL) of every link ('a') and image ('img') the text makes, as
    the parser reads it; [] without parsing when no link can form."""
    # Every Markdown link or image needs ']' followed by '(' (inline) or a
    # definition's ']:'; '<' never reaches the parser (prepare), so there
    # are no autolinks. Most text has neither.
    if "](" not in text and "]:" not in text:
        return []
    collector = _Links()
    collector.feed(parse(prepare(text)))
    collector.close()
    return collector.found


def is_allowed_link(url: str) -> bool:
    """Whether a contributor may link to this URL: http(s) only."""
    # Browsers ignore ASCII whitespace and control characters inside a scheme.
    squeezed = "".join(c for c in url if ord(c) > 0x20).lower()
    return squeezed.startswith(CHECKED_SCHEMES)
