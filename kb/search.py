"""Site search: Pagefind indexes the built HTML into small static chunks.

Material's own search downloads the text of every page before it can answer;
Pagefind's browser client fetches only the chunks a query needs.

The index is fed each page as MkDocs writes it, through Pagefind's Python
API: its indexer is a separate process, so it reads pages on the second core
while MkDocs renders the next ones, instead of reading the whole site again
after the build.
"""
from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from pagefind.index import IndexConfig, PagefindIndex

# Heading permalinks ("¶") are not words anyone searches for.
EXCLUDED_SELECTORS = [".headerlink"]
BUNDLE = "pagefind"
INSTALL_HINT = " (is pagefind[extended] installed? pip install -r requirements.txt)"


class SearchIndexError(Exception):
    """The search index could not be built; the message says why."""


class _Abandoned(Exception):
    """Raised inside the index's block so that Pagefind stops without writing."""


class StreamingIndex:
    """One site's Pagefind index, built while the site is written.

    Pagefind's API is asynchronous and MkDocs's events are not, so the index
    lives on an event loop in a thread of its own: add() queues a page and
    returns at once, finish() waits for every page and writes the bundle.
    """

    def __init__(self, site_dir: Path):
        self.bundle = site_dir / BUNDLE
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="pagefind", daemon=True)
        self._thread.start()
        self._queue: asyncio.Queue = self._call(asyncio.Queue)
        self._run = asyncio.run_coroutine_threadsafe(self._index_pages(), self._loop)

    def _call(self, function, *args):
        """Runs function(*args) on the index's loop and returns its result."""
        async def call():
            return function(*args)
        return asyncio.run_coroutine_threadsafe(call(), self._loop).result()

    async def _index_pages(self) -> None:
        config = IndexConfig(exclude_selectors=EXCLUDED_SELECTORS, output_path=str(self.bundle))
        # Leaving the block normally writes the bundle; on an error or a
        # cancellation Pagefind's process stops and nothing is written.
        async with PagefindIndex(config=config) as index:
            while (page := await self._queue.get()) is not None:
                if page is _Abandoned:
                    raise _Abandoned
                html, path = page
                await index.add_html_file(content=html, source_path=path)

    def add(self, html: str, path: str) -> None:
        """Indexes one written page; path is its place in the site ('narratives/x/index.html')."""
        self._loop.call_soon_threadsafe(self._queue.put_nowait, (html, path))

    def finish(self) -> Path:
        """Waits for every page, writes the bundle into the site's pagefind/ and returns its folder."""
        self._loop.call_soon_threadsafe(self._queue.put_nowait, None)
        try:
            self._run.result()
        except Exception as error:
            raise SearchIndexError(f"Pagefind failed: {error or type(error).__name__}{INSTALL_HINT}") from None
        finally:
            self._stop_loop()
        if not (self.bundle / "pagefind.js").is_file():
            raise SearchIndexError(f"Pagefind wrote no index into {self.bundle}{INSTALL_HINT}")
        return self.bundle

    def abandon(self) -> None:
        """Stops Pagefind without writing anything (the build failed)."""
        self._loop.call_soon_threadsafe(self._queue.put_nowait, _Abandoned)
        try:
            self._run.result()
        except Exception:  # abandoned, or had already failed: either way Pagefind has stopped
            pass
        self._stop_loop()

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()
