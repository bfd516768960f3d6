"""`mkdocs serve` with a broken entry: the last good pages, and the problems
shown on every page the browser has open (the live reload brings them).

MkDocs loads the hook module afresh for every rebuild, so what must outlive
a rebuild lives here, in a module imported once per process.
"""
from __future__ import annotations

import logging
import re
import sys

from markupsafe import escape

last_good: dict[str, str] | None = None  # the files of the last build whose entries checked clean


def terminal() -> logging.Logger:
    """A logger to the terminal outside MkDocs's own, whose errors and
    warnings would abort a strict build: the problems are shown, the build
    of the last good pages goes on."""
    logger = logging.getLogger("kb.serve")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("ERROR   -  %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    return logger


_BODY = re.compile(r"<body[^>]*>")
_STYLE = ("position:sticky;top:0;z-index:10;margin:0;padding:1em;background:#b00020;color:#fff;"
          "font:14px/1.4 monospace;white-space:pre-wrap;max-height:40vh;overflow:auto")


def banner(problems: list[str]) -> str:
    """The alert listing the problems, escaped: they may quote the entries' text."""
    lines = "\n".join(escape(p) for p in problems)
    return (f'<div class="kb-problems" role="alert" style="{_STYLE}"><strong>Entries have problems; '
            f"this is the last good version of the site.</strong>\n{lines}</div>")


def with_banner(html: str, problems: list[str]) -> str:
    """The page with the banner first in its body."""
    match = _BODY.search(html)
    if match is None:
        return banner(problems) + html
    return html[:match.end()] + banner(problems) + html[match.end():]
