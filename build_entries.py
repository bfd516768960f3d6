#!/usr/bin/env python3
"""Validate the knowledge-base entries and generate the site's pages.

    python build_entries.py check            report every problem, exit 1 if any
    python build_entries.py [build]          check, then write pages to build/pages/
    python build_entries.py new KIND ID      write a commented template for a new entry
    python build_entries.py new KIND ID --translate ru   start a translation of an entry
    python build_entries.py schemas          regenerate schema/json/ (editor schemas)
    python build_entries.py export --out DIR write the open data files and the Atom feed

It is also the MkDocs hook (mkdocs.yml: hooks), so `mkdocs build` and
`mkdocs serve` generate the pages in memory without writing into docs/.
"""
from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # MkDocs loads this file as a hook, not as a script
    sys.path.insert(0, str(ROOT))

from kb import pipeline  # noqa: E402
from kb.site import DEFAULT_NAME  # noqa: E402

PAGES_DIR = ROOT / "build" / "pages"
log = logging.getLogger("mkdocs.hooks.build_entries")


def print_diagnostics(result: pipeline.CheckResult, github: bool) -> None:
    for diagnostic in result.diagnostics:
        print(diagnostic)
        if github:
            print(diagnostic.github_annotation())
    print(result.summary())


def command_check(args) -> int:
    result = pipeline.check(args.root)
    if result.ok:  # warnings need a clean check: they compare the entries' history
        for warning in pipeline.stale_translations(result, pipeline.record_of(result).dates):
            print(f"{warning} (warning)")
    print_diagnostics(result, args.github)
    return 0 if result.ok else 1


def clean_check(args, nothing: str) -> pipeline.CheckResult | None:
    """The check result if clean; otherwise prints the problems and returns None."""
    result = pipeline.check(args.root)
    if result.ok:
        return result
    print_diagnostics(result, args.github)
    print(f"no {nothing} written")
    return None


def command_build(args) -> int:
    result = clean_check(args, "pages")
    if result is None:
        return 1
    _graph, pages = pipeline.generate(result)
    try:
        written, removed = pipeline.write_pages(pages, args.out)
    except pipeline.ForeignFiles as refusal:
        print(refusal)
        return 1
    print(f"{len(pages)} pages generated in {args.out}: {written} written, {removed} removed, "
          f"{len(pages) - written} unchanged")
    return 0


def command_swap(args) -> int:
    from kb import swap

    if args.new is None:
        swap.recover(args.target)
    else:
        swap.swap_in(args.new, args.target)
    return 0


def command_new(args) -> int:
    from kb import scaffold

    if args.translate:
        return scaffold.start_translation(args.root, args.kind, args.id, args.translate)
    return scaffold.main(args.root, args.kind, args.id)


def command_export(args) -> int:
    from kb import opendata
    from kb.site import Site, write_changed

    result = clean_check(args, "data")
    if result is None:
        return 1
    site = Site(name=args.site_name, url=args.site_url)
    record = pipeline.record_of(result)
    files = opendata.data_files(pipeline.graph_of(result), result.schema, record.dates, site, record.commit)
    written = write_changed(files, args.out)
    print(f"{len(files)} data files in {args.out}: {written} written, {len(files) - written} unchanged")
    return 0


def command_schemas(args) -> int:
    from kb import editor_schemas

    json_dir = args.root / "schema" / "json"
    if args.check:
        stale = editor_schemas.stale_files(json_dir=json_dir)
        for path in stale:
            print(f"{path.relative_to(args.root).as_posix()}: out of date; run `python build_entries.py schemas`")
        return 1 if stale else 0
    changed = editor_schemas.write(json_dir=json_dir)
    for path in changed:
        print(f"wrote {path.relative_to(args.root).as_posix()}")
    print(f"{len(changed)} JSON Schema file{'s' if len(changed) != 1 else ''} changed")
    return 0


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    parser.add_argument("--github", action="store_true", default=os.environ.get("GITHUB_ACTIONS") == "true",
                        help="also print GitHub Actions annotations (default under GitHub Actions)")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("check", help="validate every entry")
    build = sub.add_parser("build", help="validate and generate pages (the default)")
    build.add_argument("--out", type=Path, default=PAGES_DIR)
    new = sub.add_parser("new", help="write a template for a new entry")
    new.add_argument("kind", help="source, actor, narrative, incident or debunk")
    new.add_argument("id", help="the new entry's id, e.g. evgeny-fyodorov")
    new.add_argument("--translate", metavar="LANG", help="start a translation of the existing entry (ru or kk)")
    exporter = sub.add_parser("export", help="write the open data files (data/, feed.xml) to a folder")
    exporter.add_argument("--out", type=Path, required=True)
    exporter.add_argument("--site-url", default=None, help="the site's public address, for absolute links")
    exporter.add_argument("--site-name", default=DEFAULT_NAME, help=argparse.SUPPRESS)
    swapper = sub.add_parser("swap", help=argparse.SUPPRESS)  # the Makefile's: put a built site in place
    swapper.add_argument("target", type=Path)
    swapper.add_argument("new", type=Path, nargs="?", help="without it, recover a site an interrupted swap left aside")
    schemas = sub.add_parser("schemas", help="regenerate the editors' JSON Schemas in schema/json/")
    schemas.add_argument("--check", action="store_true", help="only report files that are out of date")
    args = parser.parse_args(argv)
    if args.command is None:
        args.command, args.out = "build", PAGES_DIR
    return args


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    return {"check": command_check, "build": command_build, "new": command_new,
            "schemas": command_schemas, "export": command_export, "swap": command_swap}[args.command](args)


# -- MkDocs hook -------------------------------------------------------------

# Where docs/index.md takes the home page's generated part.
HOME_MARKER = re.compile(r"<!-- kb:home\b.*?-->", re.S)


class SiteBuild:
    """The MkDocs side of a build in one language: checks the entries before
    MkDocs touches the site folder, adds every generated page and data file in
    memory, gives the theme's templates the language's interface strings and
    links to the same page in the other languages, and indexes the written
    site for search. Its state lives on itself; MkDocs loads this file afresh
    for each build it runs, `mkdocs serve`'s too."""

    def __init__(self):
        self.files: dict[str, str] = {}
        self.language = None
        self.home = ""
        self.problems: list[str] = []  # under `mkdocs serve`: the diagnostics the banner shows
        self.pages: list[str] = []  # where each page of the build is written, as MkDocs reads them
        self.indexer = None  # kb.search.SiteIndexer, from the moment MkDocs starts writing

    def on_config(self, config):
        """Reads the build's language (theme.language); another language's site lives under /<lang>/."""
        from kb.i18n import LANGUAGES, SOURCE_LANGUAGE, Language
        from mkdocs.exceptions import PluginError

        code = config.theme["language"]
        if code not in LANGUAGES:
            raise PluginError(f"theme.language is '{code}'; this site is built in {', '.join(LANGUAGES)}")
        self.language = Language.load(code)
        _translate_theme_words(config, self.language.gettext)
        if code != SOURCE_LANGUAGE and config.site_url and not config.site_url.rstrip("/").endswith(f"/{code}"):
            config.site_url = f"{config.site_url.rstrip('/')}/{code}/"
        return config

    def on_startup(self, command, dirty):
        """Remembers for the whole process whether it serves: MkDocs loads this
        hook afresh for each rebuild, but calls on_startup only once."""
        os.environ["KB_SERVING"] = "1" if command == "serve" else ""

    def on_pre_build(self, config):
        """Fails on bad entries before MkDocs empties the site folder, so the
        last good site stays. Under `mkdocs serve` it builds the last good
        entries' pages again instead, and every page shows the problems."""
        from mkdocs.exceptions import PluginError

        from kb import serving
        from kb.site import Site

        result = pipeline.check(_site_entries_root(config))
        if not result.ok:
            if os.environ.get("KB_SERVING") and serving.last_good is not None:
                self.files, self.problems = serving.last_good, [str(d) for d in result.diagnostics]
                for problem in [*self.problems, f"entries: {result.summary()}; serving the last good pages until they are fixed"]:
                    serving.terminal().error(problem)
                return
            for diagnostic in result.diagnostics:
                log.error(str(diagnostic))
            raise PluginError(f"entries: {result.summary()}; run `python build_entries.py check`; "
                              "site folder left as it was")
        extra = config.extra or {}
        site = Site(name=config.site_name, url=config.site_url or None, directory_urls=config.use_directory_urls,
                    repo_url=config.repo_url or None, publisher=extra.get("publisher") or None,
                    contact=extra.get("contact") or None)
        self.files = pipeline.publish(result, site, self.language)
        self.home = self.files.pop(pipeline.HOME_PART, "")
        self.problems = []
        serving.last_good = self.files
        log.info("entries (%s): %s; %d files generated", self.language.code, result.summary(), len(self.files))

    def on_post_page(self, output, page, config):
        """Tells the search indexer which page is written next; under `mkdocs
        serve` with broken entries, puts the problems on top of every page."""
        from kb import serving

        self.indexer.page_rendered(page.file.dest_uri)
        return serving.with_banner(output, self.problems) if self.problems else output

    def on_files(self, files, config):
        """Adds the generated pages and data files, and the hand-written pages in the build's language."""
        from mkdocs.exceptions import PluginError
        from mkdocs.structure.files import File

        for uri, content in self.files.items():
            if files.get_file_from_path(uri) is not None:
                raise PluginError(f"docs/{uri} is hand-written but {uri} is a generated page; rename or remove it")
            files.append(File.generated(config, uri, content=content))
        for file, content in _translated_pages(files, config, self.language.code):
            files.remove(file)
            files.append(File.generated(config, file.src_uri, content=content))
        return files

    def on_env(self, env, config, files):
        """The theme's templates (overrides/) mark interface strings with _() too
        (and a script's messages about a number with plural_forms), and the sitemap (overrides/sitemap.xml) lists each page's other languages.
        MkDocs has read every page and writes them next: the search indexer starts."""
        from kb.search import SiteIndexer

        self.indexer = SiteIndexer(Path(config.site_dir), self.pages)
        env.add_extension("jinja2.ext.i18n")
        env.install_gettext_translations(self.language.strings, newstyle=True)
        env.globals["plural_forms"] = self.language.plural_forms
        env.globals["kb_alternates_of"] = lambda page: self.alternates(page.url, config)
        return env

    def on_page_context(self, context, page, config, nav):
        """The same page in every language, for the language switch."""
        context["kb_alternates"] = self.alternates(page.url, config, context["base_url"])
        return context

    def alternates(self, url: str, config, base_url: str | None = None) -> list[dict]:
        """The page at url (relative to its language's root) in every language.

        Addresses are absolute when the site's address is known (search
        engines want hreflang addresses whole), else relative to base_url,
        or to the server's root when there is none (the sitemap).
        """
        from kb.i18n import LANGUAGE_NAMES, LANGUAGES, SOURCE_LANGUAGE

        own = self.language.code
        if config.site_url:
            root = config.site_url.rstrip("/")
            root = root.removesuffix(f"/{own}") if own != SOURCE_LANGUAGE else root
        elif base_url is not None:
            root = base_url + ("" if own == SOURCE_LANGUAGE else "/..")
        else:
            root = ""
        found = []
        for code in LANGUAGES:
            language_root = f"{root}/{'' if code == SOURCE_LANGUAGE else code + '/'}"
            found.append({"lang": code, "name": LANGUAGE_NAMES[code], "current": code == own,
                          "root": language_root, "href": language_root + url})
        return found

    def on_page_markdown(self, markdown, page, config, files):
        """Puts the home page's generated part (counts, latest incidents) where
        docs/index.md marks it; notes where each page will be written."""
        self.pages.append(page.file.dest_uri)
        if page.file.src_uri == "index.md":
            return HOME_MARKER.sub(lambda _match: self.home, markdown, count=1)
        return markdown

    def on_post_build(self, config):
        """Finishes the search index (kb/search.py), on every build and rebuild."""
        from mkdocs.exceptions import PluginError

        from kb.search import SearchIndexError

        try:
            bundle = self.indexer.finish()
        except SearchIndexError as error:
            raise PluginError(f"search: {error}") from None
        log.info("search: index written to %s", bundle)

    def on_build_error(self, error):
        """Stops the search indexer of a build that failed."""
        if self.indexer is not None:
            self.indexer.abandon()


def _translated_pages(files, config, language: str):
    """(hand-written page, its text in the language) for each page of docs/ that
    docs/<language>/ translates; the translations are excluded from every build
    as pages of their own (mkdocs.yml, exclude_docs)."""
    folder = Path(config.docs_dir) / language
    for file in list(files.documentation_pages()):
        translated = folder / file.src_uri
        if file.generated_by is None and translated.is_file():
            yield file, translated.read_text(encoding="utf-8")


def _translate_theme_words(config, gettext) -> None:
    """The words mkdocs.yml gives in English for the theme (the colour scheme
    toggles) and for Python-Markdown (a heading's permalink), in the build's
    language (kb/labels.py marks them for the catalogue)."""
    from kb.labels import PERMALINK_TITLE

    for option in config.theme.get("palette") or []:
        if isinstance(option, dict) and option.get("toggle"):
            option["toggle"]["name"] = gettext(option["toggle"]["name"])
    config.mdx_configs.setdefault("toc", {})["permalink_title"] = gettext(PERMALINK_TITLE)


def _site_entries_root(config) -> Path:
    # Entries live beside mkdocs.yml, so a test or benchmark site with its own
    # config builds its own entries; KB_ROOT overrides that.
    site_root = Path(config.config_file_path).resolve().parent if config.config_file_path else ROOT
    return Path(os.environ.get("KB_ROOT") or site_root)


_build = SiteBuild()
on_startup, on_config, on_pre_build, on_files, on_env = (_build.on_startup, _build.on_config, _build.on_pre_build,
                                                       _build.on_files, _build.on_env)
on_page_markdown, on_page_context, on_post_page, on_post_build = (_build.on_page_markdown, _build.on_page_context,
                                                                  _build.on_post_page, _build.on_post_build)
on_build_error = _build.on_build_error


if __name__ == "__main__":
    sys.exit(main())
