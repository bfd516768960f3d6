"""Site search: Pagefind indexes the built HTML into small static chunks.

Material's own search downloads the text of every page before it can answer;
Pagefind's browser client fetches only the chunks a query needs.

MkDocs writes the pages one after another on one core. Pagefind's indexer is
a process of its own, so it indexes each top-level folder of the site
(actors/, incidents/...) as soon as MkDocs has written the folder's last
page, while MkDocs goes on with the next; when MkDocs ends, only the pages at
the site's root and the writing of the bundle are left. It is handed whole
folders, not pages: its Python API takes one answer from the indexer every
tenth of a second, so a message per page would be slower than indexing the
site after the build.
"""
from __future__ import annotations

import asyncio
import gzip
import json
import threading
import time
import zlib
from collections import Counter
from pathlib import Path

# Heading permalinks ("¶") are not words anyone searches for.
EXCLUDED_SELECTORS = [".headerlink"]
BUNDLE = "pagefind"
DONE = object()  # the last job: write the bundle
SETTLE_TIMEOUT = 300.0  # seconds the bundle may take to reach the disk after Pagefind says it is written


class BundleWritten(Exception):
    """Leaves the index's block once the bundle is on disk: left without an
    error, PagefindIndex would write the bundle a second time."""


class SearchIndexError(Exception):
    """The search index could not be built; the message says why."""


def top_folder(page: str) -> str:
    """'actors/x/index.html' -> 'actors'; '' for a page at the site's root."""
    return page.split("/", 1)[0] if "/" in page else ""


class SiteIndexer:
    """Hands the site's folders to Pagefind (its Python API, on a thread of its
    own) as MkDocs finishes writing them, and writes the bundle at the end."""

    def __init__(self, site_dir: Path, pages: list[str]):
        """pages: where MkDocs will write each page of the build, under site_dir."""
        self.site_dir = site_dir
        self.unwritten = Counter(top_folder(page) for page in pages)
        self.sent: set[str] = set()
        self.rendered: str | None = None  # the page MkDocs is about to write
        self.loop = asyncio.new_event_loop()
        self.jobs: asyncio.Queue = asyncio.Queue()
        self.thread = threading.Thread(target=self.loop.run_forever, name="pagefind", daemon=True)
        self.thread.start()
        self.work = asyncio.run_coroutine_threadsafe(self._index(), self.loop)

    async def _index(self) -> None:
        from pagefind.index import IndexConfig, PagefindIndex

        bundle = self.site_dir / BUNDLE
        config = IndexConfig(exclude_selectors=EXCLUDED_SELECTORS, output_path=str(bundle))
        try:
            async with PagefindIndex(config=config) as index:
                while (glob := await self.jobs.get()) is not DONE:
                    await index.add_directory(str(self.site_dir), glob=glob)
                await index.write_files()
                await asyncio.to_thread(wait_until_complete, bundle)
                raise BundleWritten
        except BundleWritten:
            pass

    def _send(self, job) -> None:
        self.loop.call_soon_threadsafe(self.jobs.put_nowait, job)

    def page_rendered(self, page: str) -> None:
        """MkDocs has rendered the page and writes it next; the page before it is on disk."""
        if self.rendered is not None:
            self._written(self.rendered)
        self.rendered = page

    def _written(self, page: str) -> None:
        folder = top_folder(page)
        self.unwritten[folder] -= 1
        if folder and self.unwritten[folder] == 0:
            self.sent.add(folder)
            self._send(f"{folder}/**/*.html")

    def finish(self, timeout: float = 3600) -> Path:
        """Indexes what is left once MkDocs has written the site; writes and returns the bundle's folder."""
        if self.rendered is not None:
            self._written(self.rendered)
            self.rendered = None
        # Folders without pages may hold HTML files MkDocs copied; Pagefind indexes those too.
        for folder in sorted(p.name for p in self.site_dir.iterdir() if p.is_dir() and p.name != BUNDLE):
            if folder not in self.sent:
                self._send(f"{folder}/**/*.html")
        self._send("*.html")
        self._send(DONE)
        try:
            self.work.result(timeout)
        except SearchIndexError:
            raise
        except Exception as error:  # the API raises plain Exceptions carrying Pagefind's message
            raise SearchIndexError(f"Pagefind could not index {self.site_dir}: {error}"
                                   " (is pagefind[extended] installed? pip install -r requirements.txt)") from None
        finally:
            self._stop()
        bundle = self.site_dir / BUNDLE
        if not (bundle / "pagefind.js").is_file():
            raise SearchIndexError(f"Pagefind wrote no bundle to {bundle}")
        return bundle

    def abandon(self) -> None:
        """The build failed: stops Pagefind without writing a bundle."""
        self.work.cancel()
        self._stop()

    def _stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=60)


def wait_until_complete(bundle: Path, timeout: float = SETTLE_TIMEOUT) -> None:
    """Returns once every file of the bundle is whole.

    Pagefind answers that it has written the bundle while its writes may
    still be queued (its files are not flushed), and closing the API stops
    its process: a file not yet written would stay empty or cut short. Its
    compressed files end with gzip's checksum and its entry file is JSON, so
    each can be checked whole; a file written in one piece is whole once it is
    not empty. No library or API call answers this, hence the check here."""
    deadline = time.monotonic() + timeout
    whole: set[Path] = set()
    while True:
        files = [path for path in bundle.rglob("*") if path.is_file() and path not in whole]
        whole.update(path for path in files if is_whole(path))
        unfinished = [path for path in files if path not in whole]
        if not unfinished:
            return
        if time.monotonic() > deadline:
            names = ", ".join(sorted(str(path.relative_to(bundle)) for path in unfinished)[:5])
            raise SearchIndexError(f"Pagefind's files were not all written within {timeout:g} s: {names}")
        time.sleep(0.05)


def is_whole(path: Path) -> bool:
    """Whether a file of Pagefind's bundle has been written to its end."""
    data = path.read_bytes()
    if not data:
        return False
    if data[:2] == b"\x1f\x8b":  # gzip: the index, fragments, filters, meta and WebAssembly
        try:
            gzip.decompress(data)
        except (EOFError, OSError, zlib.error):
            return False
        return True
    if path.suffix == ".json":
        try:
            json.loads(data)
        except ValueError:
            return False
    return True
