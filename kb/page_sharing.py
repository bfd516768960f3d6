"""Converts and lays out the generated pages on both cores during `mkdocs build`.

MkDocs converts every page's Markdown to HTML, then lays every page out with
the theme's templates, in one process, one page after the other: at 10,000
entries that was 70 s and 22 s of a 105 s build, with the second core idle.
Here, in each of the two phases, a forked child does the entry pages from the
back of the list while MkDocs works from the front (parallel.SharedFromTheBack),
and MkDocs takes the child's result for each page the child got to first.

- Converting: the child runs MkDocs's own `Page.render` on a copy of the same
  file, with the same configuration and files, forked after every plugin's
  `on_nav`. Its result is used only if the page's Markdown, after the
  plugins' `on_page_markdown`, is what the child converted. What the child
  logged, such as a warning about a link, is logged here when MkDocs reaches
  the page, so `--strict` counts it. This relies on the five attributes
  MkDocs 1.6's `Page.render` sets (RENDERED).
- Laying out: the child, forked after every plugin's `on_env`, renders each
  page's template with its context as MkDocs's `_build_page` does
  (`lay_out`); what it logs is logged here too. The pages get the template
  overrides/kb-shared.html, which hands on to main.html unless it is given
  the child's HTML (`kb_html`, added to the context by the hook's
  `on_page_context`); MkDocs then runs the `on_post_page` events and writes
  the file, as for any page.

MkDocs 1.x is frozen and requirements.lock pins it; the tests build a large
site on one core and on two and compare every page. Where no child can be
forked (`mkdocs serve` runs server threads), every page is built as before.
"""
from __future__ import annotations

import hashlib
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple, Sequence

from markupsafe import Markup
from mkdocs.commands.build import get_context
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from kb import parallel

log = logging.getLogger("mkdocs.hooks.build_entries")

# What Page.render sets, besides running Python-Markdown (MkDocs 1.6).
RENDERED = ("content", "toc", "_title_from_render", "present_anchor_ids", "links_to_anchors")


@dataclass(frozen=True)
class Converted:
    """One page's conversion by the child, in a form that pickles."""

    markdown_digest: bytes
    content: str
    toc: TableOfContents
    title: str | None
    anchor_ids: set[str] | None
    # {linked page's src_uri: {anchor: link as written}}; None when MkDocs keeps none (debug logging)
    links_to_anchors: dict[str, dict[str, str]] | None
    log_records: list[logging.LogRecord]


def digest(markdown: str) -> bytes:
    return hashlib.blake2b(markdown.encode(), digest_size=16).digest()


def convert(file: File, config, files: Files) -> Converted:
    """What MkDocs's render makes of the file's page (runs in the child)."""
    page = Page(None, file, config)
    page.read_source(config)
    with captured_log() as records:
        page.render(config, files)
    links = page.links_to_anchors
    return Converted(
        markdown_digest=digest(page.markdown),
        content=page.content,
        toc=page.toc,
        title=page._title_from_render,
        anchor_ids=page.present_anchor_ids,
        links_to_anchors=None if links is None else {linked.src_uri: anchors for linked, anchors in links.items()},
        log_records=records,
    )


class _ListHandler(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]):
        super().__init__()
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        # Formatted now: the arguments and traceback may not pickle.
        record.msg, record.args = record.getMessage(), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        self.records.append(record)


def _log_again(records: list[logging.LogRecord]) -> None:
    """Logs here what the child logged, when MkDocs reaches the page (so --strict counts warnings)."""
    for record in records:
        logging.getLogger(record.name).handle(record)


@contextmanager
def captured_log():
    """Keeps what is logged (MkDocs's loggers and any other) in a list instead of printing it."""
    records: list[logging.LogRecord] = []
    handler = _ListHandler(records)
    mkdocs_log, root = logging.getLogger("mkdocs"), logging.getLogger()
    saved = mkdocs_log.handlers, mkdocs_log.propagate, root.handlers
    mkdocs_log.handlers, mkdocs_log.propagate, root.handlers = [handler], False, [handler]
    try:
        yield records
    finally:
        mkdocs_log.handlers, mkdocs_log.propagate, root.handlers = saved


class _SharedPages:
    """Pages, in MkDocs's order, that a child does from the back (work(item)
    for each item), and how many of its results MkDocs took."""

    done = ""  # what the child does to a page, for the log

    def __init__(self, uris: list[str], work, items: list, minimum: int):
        self._positions = {uri: position for position, uri in enumerate(uris)}
        self._shared = parallel.SharedFromTheBack(work, items, minimum)
        self.taken = 0

    def _claim(self, page: Page):
        """The child's result for the page, or None if MkDocs does it here."""
        position = self._positions.get(page.file.src_uri)
        return None if position is None else self._shared.claim(position)

    def close(self) -> None:
        """Stops the child; logs how many pages it did, and why it stopped early if it did."""
        self._shared.close()
        if not self._shared.started:  # a small site, or `mkdocs serve`: nothing to report
            return
        if self._shared.failure:
            log.info("pages: the second process stopped, so this one %s the rest: %s", self.done, self._shared.failure)
        log.info("pages: %d of %d %s by a second process", self.taken, len(self._positions), self.done)


class SharedConversion(_SharedPages):
    """The pages a child may convert, and what it converted."""

    done = "converted"

    def __init__(self, files_in_order: Sequence[File], config, files: Files, minimum: int = parallel.MINIMUM_ITEMS):
        """Gives each file a SharedPage (replacing the plain page MkDocs made for
        a file outside the navigation), then starts the child."""
        for file in files_in_order:
            SharedPage(self, file, config)
        super().__init__([file.src_uri for file in files_in_order], partial(convert, config=config, files=files),
                         list(files_in_order), minimum)

    def render(self, page: Page, files: Files) -> bool:
        """Gives the page the child's conversion, if the child converted this Markdown; False otherwise."""
        converted = self._claim(page)
        if converted is None or converted.markdown_digest != digest(page.markdown):
            return False
        page.content = converted.content
        page.toc = converted.toc
        page._title_from_render = converted.title
        page.present_anchor_ids = converted.anchor_ids
        if converted.links_to_anchors is not None:
            page.links_to_anchors = {files.get_file_from_path(uri): anchors
                                     for uri, anchors in converted.links_to_anchors.items()}
        _log_again(converted.log_records)
        self.taken += 1
        return True


class SharedPage(Page):
    """A page whose Markdown the child may have converted already."""

    def __init__(self, conversion: SharedConversion, file: File, config):
        super().__init__(None, file, config)
        self._conversion = conversion

    def render(self, config, files: Files) -> None:
        if not self._conversion.render(self, files):
            super().render(config, files)


# The template of the pages the child may lay out (in overrides/).
SHARED_TEMPLATE = "kb-shared.html"


class LaidOut(NamedTuple):
    """One page laid out by the child: its HTML, and what was logged meanwhile."""

    html: str
    log_records: list[logging.LogRecord]


def lay_out(page: Page, config, nav, doc_files: Sequence[File], env) -> LaidOut:
    """The page's HTML before the on_post_page events, as MkDocs's _build_page renders it (runs in the child)."""
    config._current_page = page
    page.active = True
    try:
        with captured_log() as records:
            context = get_context(nav, doc_files, config, page)
            template = env.get_template(page.meta.get("template", "main.html"))
            context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
            return LaidOut(template.render(context), records)
    finally:
        page.active = False
        config._current_page = None


class SharedLayout(_SharedPages):
    """The pages a child may lay out, and what it laid out."""

    done = "laid out"

    def __init__(self, files_in_order: Sequence[File], config, nav, files: Files, env,
                 minimum: int = parallel.MINIMUM_ITEMS):
        """Starts the child on the files' pages that use the default template; if it
        started, gives those pages SHARED_TEMPLATE here (the child uses main.html)."""
        pages = [file.page for file in files_in_order if "template" not in file.page.meta]
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)  # as `mkdocs build` lists them
        super().__init__([page.file.src_uri for page in pages],
                         partial(lay_out, config=config, nav=nav, doc_files=doc_files, env=env), pages, minimum)
        if self._shared.started:
            for page in pages:
                page.meta["template"] = SHARED_TEMPLATE

    def html_for(self, page: Page) -> Markup | None:
        """The child's HTML for the page, or None if MkDocs lays it out here."""
        laid_out = self._claim(page)
        if laid_out is None:
            return None
        _log_again(laid_out.log_records)
        self.taken += 1
        return Markup(laid_out.html)
