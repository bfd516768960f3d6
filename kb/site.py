"""Where the site is published, and files written only when they change."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .entries import Entry

DEFAULT_NAME = "Kazakhstan Disinformation Knowledge Base"


@dataclass(frozen=True)
class Site:
    """What pages and exports need to know about where the site is published."""

    name: str = DEFAULT_NAME
    url: str | None = None  # mkdocs.yml site_url; links are relative without it
    directory_urls: bool = True
    # From mkdocs.yml (repo_url, extra.publisher, extra.contact), so a fork
    # names itself and takes error reports on its own repository.
    repo_url: str | None = None
    publisher: str | None = None
    contact: str | None = None

    def page(self, entry: Entry) -> str:
        """The entry page's address relative to the site root."""
        stem = f"{entry.kind.folder}/{entry.id}"
        return f"{stem}/" if self.directory_urls else f"{stem}.html"

    def absolute(self, path: str) -> str:
        """An absolute URL when site_url is known, else the site-relative path."""
        return self.url.rstrip("/") + "/" + path if self.url else (path or "./")

    def permalink(self, entry: Entry) -> str:
        """The entry's permanent address: absolute with site_url, else from the site root."""
        return self.absolute(self.page(entry)) if self.url else "/" + self.page(entry)


def write_changed(files: dict[str, str], out_dir: Path) -> int:
    """Writes the files whose content changed; returns how many were written.

    Each file is replaced atomically, so a reader or an interrupted run sees
    either the old or the new content, never half a file.
    """
    written = 0
    for rel, content in files.items():
        target = out_dir / rel
        data = content.encode("utf-8")
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
        written += 1
    return written
