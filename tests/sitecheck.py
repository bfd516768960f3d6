"""Reads a built site: pages, links and anchors, as a browser would follow them."""
from __future__ import annotations

import os
import subprocess
import sys
import time
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


def build_one(config: Path, target: Path, **env_vars: str) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` of one configuration (one language) into target."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **env_vars)
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(target)],
                          capture_output=True, text=True, env=env, timeout=600)


def build_site(config: Path, out: Path, **env_vars: str) -> subprocess.CompletedProcess:
    """Builds the site as `make build` does, every language. Returns the
    first failed build, or the last one."""
    for path, target in _language_builds(config, out):
        done = build_one(path, target, **env_vars)
        if done.returncode != 0:
            return done
    return done


class BackgroundBuild:
    """A site build started now and waited for when a test first needs the
    site, so that it runs beside the tests that need no site. It leaves its
    output in out.log and, when it ends, its exit code in out.code, so any
    process can wait for it."""

    def __init__(self, config: Path, out: Path, **env_vars: str):
        log = out.with_name(out.name + ".log")
        command = [sys.executable, __file__, str(config), str(out)]
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **env_vars)
        with log.open("w") as stream:
            self.process = subprocess.Popen(command, stdout=stream, stderr=subprocess.STDOUT, env=env)

    @staticmethod
    def result(out: Path, timeout: float = 900) -> tuple[int, str]:
        """The exit code and the output of the build into out, once it has ended."""
        code = out.with_name(out.name + ".code")
        waited = 0.0
        while not code.is_file():
            if waited > timeout:
                return -1, f"the build into {out} did not end within {timeout:.0f} s"
            time.sleep(0.2)
            waited += 0.2
        return int(code.read_text()), out.with_name(out.name + ".log").read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def broken_links(site: Path, unbuilt: tuple[str, ...] = ()) -> list[str]:
    """Every internal link or anchor that does not resolve, as 'page -> href';
    links into the folders of languages not built (unbuilt: 'ru', 'kk') aside."""
    skipped = [(site / language).resolve() for language in unbuilt]
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
            if any(target == folder or folder in target.parents for folder in skipped):
                continue
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                problems.append(f"{page.relative_to(site)} -> {href}")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{page.relative_to(site)} -> {href} (no such anchor)")
    return problems


if __name__ == "__main__":  # a BackgroundBuild: sitecheck.py CONFIG OUT
    out = Path(sys.argv[2])
    done = build_site(Path(sys.argv[1]), out)
    sys.stdout.write(done.stdout)
    sys.stdout.write(done.stderr)
    sys.stdout.flush()
    # Written whole, then renamed: a waiting process never reads half a code.
    partial = out.with_name(out.name + ".code.partial")
    partial.write_text(str(done.returncode))
    partial.replace(out.with_name(out.name + ".code"))
    sys.exit(done.returncode)
