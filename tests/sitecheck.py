"""Reads a built site: pages, links and anchors, as a browser would follow them."""
from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        # Material renders shadow tags (the entry's kind) as hidden links to tags
        # that the tags index leaves out on purpose; no reader can follow them.
        hidden = "md-tag-shadow" in (attrs.get("class") or "")
        if tag == "a" and attrs.get("href") is not None and not hidden:
            self.links.append(attrs["href"])

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path, article_only: bool = False) -> PageParser:
    html = path.read_text(encoding="utf-8")
    if article_only and "<article" in html:
        html = html[html.index("<article"): html.index("</article>")]
    parser = PageParser()
    parser.feed(html)
    return parser


def site_paths(site: Path, page: str) -> set[str]:
    """The site-relative targets ('narratives/x/', 'x/#ref-1') of a page's article links."""
    base = (site / page).resolve()
    found = set()
    for href in parse(site / page / "index.html", article_only=True).links:
        parts = urlsplit(href)
        if parts.scheme:
            found.add(href)
            continue
        target = (base / unquote(parts.path)).resolve() if parts.path else base
        rel = target.relative_to(site.resolve()).as_posix()
        rel = "" if rel == "." else rel + "/"
        found.add(rel + (f"#{parts.fragment}" if parts.fragment else ""))
    return found


def build_site(config: Path, out: Path, **env_vars: str) -> subprocess.CompletedProcess:
    """Builds the site as `make build` does: English into out, and each
    language whose configuration sits beside config (mkdocs.ru.yml...) into
    out/<language>. Returns the first failed build, or the last one."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **env_vars)
    builds = [(config, out)] + [(config.with_name(f"{config.stem}.{lang}.yml"), out / lang) for lang in ("ru", "kk")]
    for path, target in builds:
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(path), "-d", str(target)],
                              capture_output=True, text=True, env=env, timeout=600)
        if done.returncode != 0:
            return done
    return done


def broken_links(site: Path) -> list[str]:
    """Every internal link or anchor that does not resolve, as 'page -> href'."""
    parsed = {p: parse(p) for p in site.rglob("*.html")}
    problems = []
    for page, parser in parsed.items():
        if page.name == "404.html":  # served at any depth, so it links from the site root
            continue
        for href in parser.links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//") or href.startswith("mailto:"):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                problems.append(f"{page.relative_to(site)} -> {href}")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{page.relative_to(site)} -> {href} (no such anchor)")
    return problems
