"""Site search: Pagefind indexes the built HTML into small static chunks.

Material's own search downloads the text of every page before it can answer;
Pagefind's browser client fetches only the chunks a query needs.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# Heading permalinks ("¶") are not words anyone searches for.
EXCLUDED_SELECTORS = ".headerlink"
BUNDLE = "pagefind"


class SearchIndexError(Exception):
    """The search index could not be built; the message says why."""


def pagefind_command(site_dir: Path) -> list[str]:
    return [sys.executable, "-m", "pagefind", "--site", str(site_dir),
            "--exclude-selectors", EXCLUDED_SELECTORS, "--silent"]


def index_site(site_dir: Path) -> Path:
    """Writes the search bundle into site_dir/pagefind/ and returns its folder."""
    try:
        done = subprocess.run(pagefind_command(site_dir), capture_output=True, text=True)
    except OSError as error:
        raise SearchIndexError(f"could not start Pagefind: {error}") from None
    bundle = site_dir / BUNDLE
    if done.returncode != 0 or not (bundle / "pagefind.js").is_file():
        said = (done.stderr or done.stdout).strip()[-2000:] or f"exit code {done.returncode}"
        raise SearchIndexError(f"Pagefind could not index {site_dir}: {said}"
                               " (is pagefind[extended] installed? pip install -r requirements.txt)")
    return bundle
