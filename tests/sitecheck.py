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


def _language_builds(config: Path, out: Path) -> list[tuple[Path, Path]]:
    """(configuration, output folder) of each language's build, as `make build` runs them:
    English into out, and each language whose configuration sits beside config
    (mkdocs.ru.yml...) into out/<language>."""
    return [(config, out)] + [(config.with_name(f"{config.stem}.{lang}.yml"), out / lang) for lang in ("ru", "kk")]


def _mkdocs_build(config: Path, target: Path) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(target)]


def build_site(config: Path, out: Path, **env_vars: str) -> subprocess.CompletedProcess:
    """Builds the site as `make build` does, every language. Returns the
    first failed build, or the last one."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **env_vars)
    for path, target in _language_builds(config, out):
        done = subprocess.run(_mkdocs_build(path, target), capture_output=True, text=True, env=env, timeout=600)
        if done.returncode != 0:
            return done
    return done


class BackgroundBuild:
    """A site build started now and waited for when a test first needs the
    site, so that it runs beside the tests that need no site."""

    def __init__(self, config: Path, out: Path, **env_vars: str):
        self.out = out
        self.log = out.with_name(out.name + ".log")
        command = [sys.executable, __file__, str(config), str(out)]
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **env_vars)
        with self.log.open("w") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)

    def wait(self) -> tuple[int, str]:
        """The build's exit code and everything it printed."""
        code = self.process.wait(timeout=900)
        return code, self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


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


if __name__ == "__main__":  # the background build: sitecheck.py CONFIG OUT
    failed = build_site(Path(sys.argv[1]), Path(sys.argv[2]))
    sys.stdout.write(failed.stdout)
    sys.stderr.write(failed.stderr)
    sys.exit(failed.returncode)
