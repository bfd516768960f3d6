"""Reads a built site: pages, links and anchors, as a browser would follow them."""
from __future__ import annotations

import os
import posixpath
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
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
    links into the folders of languages not built (unbuilt: 'ru', 'kk') aside.

    Addresses are resolved as text against one listing of the site: a site
    of a few thousand pages holds a few hundred thousand links, and a
    filesystem call per link would make this the slowest check of the suite."""
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    folders = {str(PurePosixPath(name).parent) for name in files}
    folders |= {str(parent) for folder in list(folders) for parent in PurePosixPath(folder).parents}
    folders = {"" if folder == "." else folder for folder in folders}
    parsed = {name: parse(site / name) for name in sorted(files) if name.endswith(".html")}
    problems = []
    for name, parser in parsed.items():
        if posixpath.basename(name) == "404.html":  # served at any depth, so it links from the site root
            continue
        for href in parser.links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//") or href.startswith("mailto:"):
                continue
            if parts.path.startswith("/"):  # breaks wherever the site is not served at the server's root
                problems.append(f"{name} -> {href} (absolute path)")
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path))) \
                if parts.path else name
            target = "" if target == "." else target
            if target.startswith(".."):
                problems.append(f"{name} -> {href} (outside the site)")
                continue
            if target.split("/", 1)[0] in unbuilt:
                continue
            if target in folders or target == "":
                target = posixpath.join(target, "index.html")
            if target not in files:
                problems.append(f"{name} -> {href}")
            elif parts.fragment and target.endswith(".html") and unquote(parts.fragment) not in parsed[target].ids:
                problems.append(f"{name} -> {href} (no such anchor)")
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
