"""What link previews, fact-check aggregators, citers and old links see,
read from the built fixture site's HTML."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sitecheck import parse


@pytest.fixture(scope="module")
def site(fixture_site) -> Path:
    return fixture_site


def html_of(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


def meta(html: str, prop: str) -> str | None:
    match = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', html)
    return match.group(1) if match else None


PAGES = ["", "narratives/broad", "actors/actor-one", "incidents/first-event", "debunks/claim-false",
         "sources/report-a", "timeline", "map", "narratives"]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_open_graph_title_and_description(site, page):
    html = html_of(site, page)
    assert meta(html, "og:title")
    assert meta(html, "og:description")
    assert meta(html, "og:site_name") == "Fixture knowledge base"


def test_entry_description_comes_from_its_summary(site):
    html = html_of(site, "narratives/variant")
    assert meta(html, "og:title") == "A variant storyline"
    assert meta(html, "og:description") == "A narrower version of the broad storyline."


def claim_review(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_debunk_carries_claimreview(site):
    data = claim_review(html_of(site, "debunks/claim-false"))
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == "The thing is not real."
    assert data["reviewRating"]["alternateName"] == "false"
    assert data["reviewRating"]["ratingValue"] == 1
    item = data["itemReviewed"]
    assert [a["name"] for a in item["author"]] == ["Actor One", "Outlet Two"]
    assert item["datePublished"] == "2020-05-01"
    assert item["firstAppearance"]["name"] == "Actor One voices the variant on TV"


def test_only_debunks_carry_claimreview(site):
    assert "application/ld+json" not in html_of(site, "incidents/first-event")


def test_cite_block_gives_permalink_and_both_styles(site):
    text = " ".join(" ".join(parse(site / "actors/actor-one/index.html", article_only=True).text).split())
    assert "Permalink: /actors/actor-one/" in text
    assert re.search(r"APA: Actor One\. \(\d{4}, [A-Z][a-z]+ \d{1,2}\)\. <em>Fixture knowledge base</em>\. /actors/actor-one/<",
                     html_of(site, "actors/actor-one"))
    assert "Chicago: “Actor One.” Fixture knowledge base." in text
    # The fixture's files are committed or copied, so a last-changed date is known.
    assert re.search(r"Last changed: \d{1,2} [A-Z][a-z]+ \d{4}", text)


def test_former_id_redirects_to_the_entry(site):
    old = (site / "actors/old-actor-one/index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../actor-one/">' in old
    assert '<link rel="canonical" href="../actor-one/">' in old
    assert (site / "actors/old-actor-one" / "../actor-one/index.html").resolve().is_file()


def test_print_stylesheet_hides_navigation(site):
    css = (site / "assets/stylesheets/kb.css").read_text(encoding="utf-8")
    print_rules = css[css.index("@media print"):]
    for selector in (".md-header", ".md-sidebar", ".md-footer", ".kb-search"):
        assert selector in print_rules
    assert 'assets/stylesheets/kb.css' in html_of(site, "narratives/broad")
