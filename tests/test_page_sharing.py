"""Pages converted and laid out by a second process during `mkdocs build`
(kb/page_sharing.py) must be exactly what MkDocs alone makes of them, warnings included.
"""
from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from conftest import ROOT
from kb.page_sharing import RENDERED, SharedConversion

PAGE_COUNT = 300


def page_markdown(number: int) -> str:
    """A page with headings (table of contents, anchors), links to other pages
    and their anchors, a link MkDocs warns about, and a title of its own."""
    other = (number + 1) % PAGE_COUNT
    return (f"---\ntitle: Page {number}\n---\n# Heading {number}\n\n"
            f"Text with a [link](page-{other}.md#part-{other}) and [another](../index.md).\n\n"
            f"## Part {number}\n\n| a | b |\n|---|---|\n| {number} | *x* |\n\n"
            f"<div id=\"raw-{number}\"></div>\n\nA [missing page](missing-{number}.md).\n")


@pytest.fixture
def site(tmp_path):
    """A MkDocs configuration, and its files: an index and PAGE_COUNT pages."""
    docs = tmp_path / "docs"
    (docs / "entries").mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n")
    for number in range(PAGE_COUNT):
        (docs / "entries" / f"page-{number}.md").write_text(page_markdown(number))
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Test\nmarkdown_extensions:\n  - tables\n  - toc:\n      permalink: true\n"
        "validation:\n  anchors: warn\n")
    config = load_config(config_file=str(tmp_path / "mkdocs.yml"))
    def file(uri: str) -> File:
        return File(uri, config.docs_dir, config.site_dir, config.use_directory_urls)

    index = file("index.md")
    pages = [file(f"entries/page-{number}.md") for number in range(PAGE_COUNT)]
    return config, Files([index, *pages]), pages


def rendered(page: Page) -> dict:
    values = {name: getattr(page, name) for name in RENDERED}
    values["toc"] = [(link.title, link.id, link.level, [child.id for child in link.children]) for link in page.toc]
    values["links_to_anchors"] = {file.src_uri: links for file, links in (page.links_to_anchors or {}).items()}
    return values


def convert_as_mkdocs_does(config, files: Files, pages: list[File], caplog, change=None) -> tuple[list, list]:
    """MkDocs's steps for each page in turn; returns what each page holds, and the log."""
    caplog.clear()
    results = []
    for file in pages:
        page = file.page or Page(None, file, config)
        page.read_source(config)
        if change is not None:
            page.markdown = change(file, page.markdown)
        page.render(config, files)
        results.append(rendered(page))
    return results, [(record.name, record.levelname, record.getMessage()) for record in caplog.records]


def test_the_second_process_converts_as_mkdocs_does(forkable, site, caplog):
    config, files, pages = site
    caplog.set_level(logging.INFO)
    alone, alone_log = convert_as_mkdocs_does(config, files, pages, caplog)
    conversion = SharedConversion(pages, config, files, minimum=1)
    shared, shared_log = convert_as_mkdocs_does(config, files, pages, caplog)
    conversion.close()
    assert 0 < conversion.taken < PAGE_COUNT
    assert shared == alone
    # What the child logged is logged here, in the pages' order.
    assert len(alone_log) == PAGE_COUNT and "missing-0.md" in alone_log[0][2] and alone_log[0][1] == "WARNING"
    assert shared_log == alone_log


def test_a_page_whose_markdown_changed_after_the_child_read_it_is_converted_here(forkable, site, caplog):
    config, files, pages = site

    def change(file, markdown):  # as a plugin's on_page_markdown might
        return markdown + "\nChanged here.\n"

    alone, _log = convert_as_mkdocs_does(config, files, pages, caplog, change)
    conversion = SharedConversion(pages, config, files, minimum=1)
    shared, _log = convert_as_mkdocs_does(config, files, pages, caplog, change)
    conversion.close()
    assert shared == alone and "Changed here." in shared[-1]["content"]
    assert conversion.taken == 0


def build_large_site(kb_root: Path, out: Path, one_core: bool) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", KB_ROOT=str(kb_root))
    # --no-strict: the hand-written pages in docs/ link to the real entries.
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--no-strict", "-f", str(ROOT / "mkdocs.yml"),
                           "-d", str(out)], capture_output=True, text=True, env=env, timeout=600,
                          preexec_fn=(lambda: os.sched_setaffinity(0, {0})) if one_core else None)


def html_files(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in site.rglob("*.html")}


def test_a_large_site_is_the_same_built_on_two_cores_or_one(forkable, large_kb, tmp_path):
    two = build_large_site(large_kb, tmp_path / "two", one_core=False)
    one = build_large_site(large_kb, tmp_path / "one", one_core=True)
    assert two.returncode == 0 and one.returncode == 0, (two.stderr + one.stderr)[-3000:]
    for phase in ("converted", "laid out"):
        shared = re.search(rf"pages: (\d+) of (\d+) {phase} by a second process", two.stderr)
        assert shared and 0 < int(shared[1]) < int(shared[2]), two.stderr[-3000:]
    assert "second process stopped" not in two.stderr and "by a second process" not in one.stderr
    two_pages, one_pages = html_files(tmp_path / "two"), html_files(tmp_path / "one")
    assert len(two_pages) > int(shared[2])
    assert two_pages.keys() == one_pages.keys()
    assert [page for page in two_pages if two_pages[page] != one_pages[page]] == []
