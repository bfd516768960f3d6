"""The real site and the fixture site, built with `mkdocs build --strict`."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from conftest import ROOT
from sitecheck import broken_links, parse, site_paths


def text_of(site: Path, page: str) -> str:
    return " ".join(" ".join(parse(site / page / "index.html", article_only=True).text).split())


def links_of(site: Path, page: str) -> set[str]:
    return site_paths(site, page)


def real_entries() -> list[Path]:
    """The entries' files, without their translations (<id>.<lang>.yaml)."""
    return sorted(p for p in (ROOT / "entries").glob("*/*.yaml") if p.name.count(".") == 1)


def test_every_real_entry_has_its_page(real_site):
    entries = real_entries()
    assert entries
    missing = [f"{language}/{e.stem}" for e in entries for language in ("", "ru/", "kk/")
               if not (real_site / language / e.parent.name / e.stem / "index.html").is_file()]
    assert missing == []
    for folder in ("narratives", "actors", "incidents", "debunks", "sources"):
        assert (real_site / folder / "index.html").is_file()


def test_every_link_of_the_real_site_resolves(real_site):
    assert broken_links(real_site) == []


def test_every_link_of_the_fixture_site_resolves(fixture_site):
    assert broken_links(fixture_site) == []


@pytest.mark.parametrize("language", ["", "ru/", "kk/"])
def test_every_file_of_the_search_index_is_whole(real_site, language):
    from kb.search import is_whole

    bundle = real_site / language / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    (meta,) = entry["languages"].values()
    assert meta["page_count"] >= len(real_entries()) > 100
    assert (bundle / f"pagefind.{meta['hash']}.pf_meta").is_file()
    assert len(list((bundle / "fragment").iterdir())) == meta["page_count"]
    cut_short = [path.name for path in sorted(bundle.rglob("*")) if path.is_file() and not is_whole(path)]
    assert cut_short == []


def test_a_search_index_with_a_file_cut_short_fails_and_names_it(tmp_path):
    from kb.search import SearchIndexError, wait_until_complete

    (tmp_path / "fragment").mkdir()
    whole = gzip.compress(b"pagefind_dcd{}")
    (tmp_path / "fragment" / "a.pf_fragment").write_bytes(whole)
    (tmp_path / "fragment" / "b.pf_fragment").write_bytes(whole[:-4])
    (tmp_path / "pagefind-entry.json").write_bytes(b"")
    (tmp_path / "pagefind.js").write_text("export {}")
    with pytest.raises(SearchIndexError) as raised:
        wait_until_complete(tmp_path, timeout=0.2)
    assert str(raised.value) == ("Pagefind's files were not all written within 0.2 s: "
                                 "fragment/b.pf_fragment, pagefind-entry.json")
    (tmp_path / "fragment" / "b.pf_fragment").write_bytes(whole)
    (tmp_path / "pagefind-entry.json").write_text("{}")
    wait_until_complete(tmp_path, timeout=0.2)


def test_docs_folder_is_not_written_by_the_build(real_site):
    generated = [p for p in (ROOT / "docs").rglob("*.md") if p.parent.name in
                 ("narratives", "actors", "incidents", "debunks", "sources")]
    assert generated == []


# Table of backlinks: (page, text that must appear, link that must be there).
BACKLINKS = [
    ("actors/actor-one", "Actor One voices the variant on TV", "incidents/first-event/"),
    ("actors/actor-one", "A variant storyline", "narratives/variant/"),
    ("actors/actor-one", "The thing is real", "debunks/claim-false/"),
    ("actors/ministry-three", "Claims they refuted", "debunks/claim-false/"),
    ("narratives/broad", "Variants", "narratives/variant/"),
    ("narratives/broad", "A disputed post spreads the broad storyline", "incidents/second-event/"),
    ("narratives/variant", "Outlet Two (1)", "actors/outlet-two/"),
    ("narratives/variant", "False : The thing is real", "debunks/claim-false/"),
    ("incidents/first-event", "The thing is real", "debunks/claim-false/"),
    ("sources/report-a", "Cited by", "incidents/first-event/"),
    ("sources/post-b", "Cited by", "narratives/variant/"),
]


@pytest.mark.parametrize("page, text, href", BACKLINKS, ids=[f"{p}->{h}" for p, _, h in BACKLINKS])
def test_backlinks_appear_where_they_should(fixture_site, page, text, href):
    assert text in text_of(fixture_site, page)
    assert href in links_of(fixture_site, page)


def test_actor_page_keeps_their_words_apart_from_words_in_their_name(fixture_site):
    text = text_of(fixture_site, "actors/actor-one")
    said = text.index("What they said or spread ¶")
    in_their_name = text.index("Said in their name (attribution disputed) ¶")
    assert said < text.index("Actor One voices the variant", said) < in_their_name
    assert text.index("A disputed post spreads", in_their_name)


def test_narrative_timeline_is_in_time_order(fixture_site):
    text = text_of(fixture_site, "narratives/broad")
    timeline = text.index("Timeline ¶")
    assert text.index("1 May 2020", timeline) < text.index("about September 2021", timeline)


def test_citations_link_to_source_page_and_original(fixture_site):
    links = links_of(fixture_site, "incidents/first-event")
    assert "incidents/first-event/#ref-1" in links
    assert "sources/report-a/" in links
    assert "https://example.org/report-a" in links


def test_source_facts_are_labelled_and_no_table_has_an_empty_header(fixture_site, real_site):
    text = " ".join(text_of(fixture_site, "sources/report-a").split())
    for fact in ["Publisher: Example Institute", "Author: Jane Analyst", "Published: 4 March 2021", "Language: English"]:
        assert fact in text
    for site in (fixture_site, real_site):
        for page in site.rglob("index.html"):
            html = page.read_text(encoding="utf-8")
            assert "<th></th>" not in html and "<th> </th>" not in html, page


def test_index_pages_group_and_count(fixture_site):
    assert "A variant storyline — A narrower version of the broad storyline. (1 incident)" in text_of(fixture_site, "narratives")
    actors = text_of(fixture_site, "actors")
    actors = actors[actors.index("Show all"):]  # after the filters, whose choices name the groups too
    assert actors.index("People") < actors.index("Actor One") < actors.index("TV channels") < actors.index("Outlet Two")
    incidents = text_of(fixture_site, "incidents")
    assert incidents.index("2020") < incidents.index("2021")


def test_real_backlinks(real_site):
    putin = links_of(real_site, "actors/vladimir-putin")
    assert "incidents/putin-seliger-2014-no-statehood/" in putin
    narrative = links_of(real_site, "narratives/artificial-state")
    assert "incidents/medvedev-vk-post-2022-artificial-state/" in narrative
