"""Renders the linked graph into Markdown pages with Jinja templates.

A stock Jinja environment whose `finalize` escapes every printed value for
Markdown unless it is `Markup`, which marks Markdown that kb/views.py made
itself (links, neutralised text fields). Views are computed there;
templates only lay them out.
"""
from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from . import pagemeta
from .entries import Entry
from .graph import Graph
from .i18n import SOURCE_LANGUAGE, Language
from .schema import Schema
from .site import Site
from .text import escape_inline, plain
from .labels import KIND_LABELS  # English: the search filter's stable value
from .views import Views, description_of

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def escape_for_markdown(value) -> Markup:
    """The environment's finalize: every printed value not already Markup is escaped."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    return Markup(escape_inline(value))


def make_environment(templates: Path = TEMPLATES, translations=None) -> jinja2.Environment:
    """The Jinja environment of a build; translations (gettext) give the
    interface strings templates mark with _() in the page's language."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        extensions=["jinja2.ext.i18n"],
        # finalize escapes for Markdown, not HTML: Jinja's autoescape would
        # escape for the wrong language. Macros return text made of escaped
        # values, which templates print with |safe.
        autoescape=False,
        finalize=escape_for_markdown,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # A build renders from templates that do not change while it runs.
        auto_reload=False,
    )
    if translations is None:
        env.install_null_translations(newstyle=True)
    else:
        env.install_gettext_translations(translations, newstyle=True)
    return env


class Renderer:
    """Renders every page of the site from a linked graph."""

    def __init__(self, graph: Graph, schema: Schema, env: jinja2.Environment | None = None,
                 site: Site | None = None, history: dict | None = None, language: Language | None = None,
                 notices: dict[str, dict] | None = None):
        self.graph = graph
        self.schema = schema
        self.language = language or Language.load(SOURCE_LANGUAGE)
        self.views = Views(graph, schema, self.language)
        self.env = env or make_environment(translations=self.language.strings)
        self.site = site or Site()
        self.history = history or {}  # entry path -> (created, last changed)
        self.notices = notices or {}  # entry path -> the state of its translation in this language

    def pages(self) -> dict[str, str]:
        """All generated pages, keyed by their path under docs/."""
        pages = {f"{kind.folder}/index.md": self.index_page(kind.name) for kind in self.schema.kinds.values()}
        pages["corrections.md"] = self.corrections_page()
        pages["timeline.md"] = self.timeline_page()
        pages["map.md"] = self.map_page()
        pages["glossary.md"] = self.glossary_page()
        pages["about.md"] = self.about_page()
        for narrative in self.graph.all("narrative"):
            pages[f"handouts/{narrative.id}.md"] = self.handout_page(narrative)
        for kind in self.schema.kinds.values():
            for entry in self.graph.all(kind.name):
                pages[f"{kind.folder}/{entry.id}.md"] = self.entry_page(entry)
        return dict(sorted(pages.items()))

    def entry_page(self, entry: Entry) -> str:
        root = "../"
        cites = self.views.citations(root)
        view = self.views.entry(entry, cites, root)
        template = self.env.get_template(f"{entry.kind.name}.md.j2")
        return template.render(entry=entry, view=view, root=root, cite=cites,
                               kind_label=KIND_LABELS[entry.kind.name], title=entry.title,
                               kind_term=self.views.labels.term("kind", entry.kind.name, root),
                               description=description_of(entry, self.views.labels),
                               tags=[self.language.tag(tag) for tag in entry.get("tags") or []],
                               corrections=self.views.corrections(entry, cites),
                               map=pagemeta.map_block(self.graph, entry, self.views.labels),
                               report=Markup(pagemeta.report_error(entry, self.site) or ""),
                               contact=pagemeta.contact_link(self.site), entry_path=f"entries/{entry.kind.folder}/{entry.id}.yaml",
                               citation=pagemeta.citation(entry, self.site, self.history, self.language),
                               jsonld=pagemeta.claim_review(entry, self.graph, self.site, self.history)
                               if entry.kind.name == "debunk" else None,
                               translation=self.notices.get(entry.path))

    def timeline_page(self) -> str:
        return self.env.get_template("timeline.md.j2").render(view=self.views.index("timeline"))

    def map_page(self) -> str:
        return self.env.get_template("map.md.j2").render(view=self.views.map_lists())

    def home_page(self) -> str:
        return self.env.get_template("home.md.j2").render(view=self.views.home(), site=self.site)

    def glossary_page(self) -> str:
        return self.env.get_template("glossary.md.j2").render(groups=self.views.glossary())

    def about_page(self) -> str:
        return self.env.get_template("about.md.j2").render(site=self.site, contact=pagemeta.contact_link(self.site))

    def handout_page(self, narrative: Entry) -> str:
        cites = self.views.citations("../")
        return self.env.get_template("handout.md.j2").render(
            title=narrative.title, view=self.views.handout(narrative, cites), cite=cites, site=self.site)

    def index_page(self, kind: str) -> str:
        return self.env.get_template(f"{kind}-index.md.j2").render(view=self.views.index(kind), root="../")

    def corrections_page(self) -> str:
        cites = self.views.citations("")
        _ = self.language.gettext
        return self.env.get_template("corrections.md.j2").render(
            items=self.views.all_corrections(cites), cite=cites, corrections=[], title=_("Corrections"), tags=[],
            report_form=Markup(pagemeta.report_form(self.site) or ""), contact=pagemeta.contact_link(self.site),
            search_exclude=True, description=_("What was corrected in published entries, and when, newest first."))
