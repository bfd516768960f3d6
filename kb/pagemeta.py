"""Page metadata computed from the graph: map blocks, the citation block,
ClaimReview structured data and redirects for former ids.

Like kb/views.py these build views; the templates lay them out.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import jinja2
from markupsafe import Markup

from . import maps
from .dates import PartialDate, parse_date
from .entries import Entry
from .graph import PUSHING_ROLES, Graph, chronological
from .i18n import SOURCE_LANGUAGE, Language
from .labels import NO_DATE
from .site import Site
from .text import escape_inline, full_stop


def map_block(graph: Graph, entry: Entry, labels=None) -> Markup | None:
    """The entry's neighbourhood map wrapped in a raw HTML block, or None."""
    svg = maps.entry_map(graph, entry, root="../../", labels=labels)
    return _html_block(svg) if svg is not None else None


def _html_block(svg: str) -> Markup:
    wrapper = f'<div class="kb-map">{svg}</div>'
    # One line, so Markdown keeps it as a single raw HTML block.
    return Markup(wrapper.replace("\n", " "))


@dataclass(frozen=True)
class Citation:
    """What a citation of a page needs; the template writes it in each style,
    its dates in the page's language."""

    title: str
    site_name: str
    permalink: str
    changed: dt.date | None
    language: Language

    @property
    def day_month_year(self) -> str:
        return self.language.date(PartialDate(self.changed.year, self.changed.month, self.changed.day)) \
            if self.changed else ""

    @property
    def chicago_date(self) -> str:
        """Chicago's "November 21, 2026." in English; the language's own date in the
        others; with the full stop that ends the sentence, once ("2026 г.")."""
        if not self.changed:
            return ""
        if self.language.code == SOURCE_LANGUAGE:
            return f"{self.language.month_day(self.changed)}, {self.changed.year}."
        return full_stop(self.day_month_year)

    @property
    def apa_date(self) -> str:
        if not self.changed:
            return self.language.gettext(NO_DATE)
        return f"{self.changed.year}, {self.language.month_day(self.changed)}"


def report_error(entry: Entry, site: Site) -> str | None:
    """The repository's "Report an error" form, its Entry and Page fields filled in; None without a repository."""
    if not site.repo_url:
        return None
    query = urlencode({"template": "report-error.yml", "title": f"[Error] {entry.title}",
                       "entry": f"entries/{entry.kind.folder}/{entry.id}.yaml", "page": site.permalink(entry)})
    return f"{site.repo_url.rstrip('/')}/issues/new?{query}"


def report_form(site: Site) -> str | None:
    """The repository's "Report an error" form, empty; None without a repository."""
    return f"{site.repo_url.rstrip('/')}/issues/new?template=report-error.yml" if site.repo_url else None


def contact_link(site: Site) -> Markup | None:
    """The configured contact address as a mailto link (or a link, if it is a web address)."""
    contact = (site.contact or "").strip()
    if not contact:
        return None
    target = contact if contact.startswith(("http://", "https://", "mailto:")) else f"mailto:{contact}"
    return Markup(f"[{escape_inline(contact.removeprefix('mailto:'))}](<{quote(target, safe=':/@?=&.+-_~')}>)")


def citation(entry: Entry, site: Site, history: dict, language: Language | None = None) -> Citation:
    changed = history.get(entry.path, (None, None))[1]
    return Citation(title=entry.title, site_name=site.name, permalink=site.permalink(entry),
                    changed=changed.date() if changed else None, language=language or Language.load(SOURCE_LANGUAGE))


VERDICT_RATINGS = {  # schema.org Rating: 1 (false) .. 5 (true); our verdicts are all below true
    "false": 1, "misleading": 2, "unsubstantiated": 2, "missing-context": 3, "disputed": 3,
}


def claim_review(debunk: Entry, graph: Graph, site: Site, history: dict) -> str:
    """schema.org ClaimReview JSON-LD for a debunk page, safe inside <script>."""
    incidents = chronological(graph.get("incident", i) for i in debunk.get("incidents") or [])
    first = incidents[0] if incidents else None
    authors = [graph.get("actor", a["actor"]) for a in (first.get("actors") or [])
               if a["role"] in PUSHING_ROLES] if first else []
    item: dict = {"@type": "Claim"}
    if authors:
        item["author"] = [{"@type": "Person" if a["actor_type"] == "person" else "Organization", "name": a.title}
                          for a in authors]
    if first is not None:
        item["datePublished"] = parse_date(first["date"]).iso()
        item["appearance"] = {"@type": "CreativeWork", "url": site.permalink(first),
                              "name": first.title}
        item["firstAppearance"] = item["appearance"]
    data = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": site.permalink(debunk),
        "claimReviewed": debunk["claim"],
        "itemReviewed": item,
        "author": {"@type": "Organization", "name": site.name},
        "reviewRating": {"@type": "Rating", "ratingValue": VERDICT_RATINGS[debunk["verdict"]],
                         "bestRating": 5, "worstRating": 1, "alternateName": debunk["verdict"]},
    }
    changed = history.get(debunk.path, (None, None))[1]
    if changed is not None:
        data["datePublished"] = changed.date().isoformat()
    # Escaping '<', '>' and '&' keeps '</script>' in a claim from closing the tag.
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def redirect_pages(graph: Graph, templates) -> dict[str, str]:
    """{old page path: HTML} sending each former id's URL to the entry's page."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    template = env.get_template("redirect.html.j2")
    found = {}
    for entries in graph.by_kind.values():
        for entry in entries:
            for old in entry.get("former_ids") or []:
                # The old page sits at <folder>/<old>/, so the target is one level up.
                target = f"../{entry.id}/"
                found[f"{entry.kind.folder}/{old}/index.html"] = template.render(target=target, title=entry.title)
    return dict(sorted(found.items()))
