"""The timeline and its filters, and the relationship maps, in Chromium."""
from __future__ import annotations

import re

import pytest
from conftest import ROOT

from .reading import ACTOR, INCIDENT, NARRATIVE, OVERVIEW_MAP, TIMELINE, open_page, site_path

INCIDENT_COUNT = len(list((ROOT / "entries" / "incidents").glob("*.yaml")))

# Every incident's filter data, and whether the reader can see it.
ITEMS = """() => Array.from(document.querySelectorAll('.kb-incident')).map(el => ({
  year: el.dataset.year, narratives: (el.dataset.narratives || '').split(' ').filter(Boolean),
  actors: (el.dataset.actors || '').split(' ').filter(Boolean), platform: el.dataset.platform || '',
  shown: !el.hidden && el.getClientRects().length > 0,
  link: el.querySelector('a[href*="incidents/"]')?.getAttribute('href') || ''}))"""
YEAR_HEADINGS = """() => Array.from(document.querySelectorAll('article h2'))
  .filter(h => /^\\d{4}/.test(h.textContent.trim()))
  .map(h => ({year: h.textContent.trim().slice(0, 4), shown: !h.hidden && h.getClientRects().length > 0}))"""


def shown_count(page) -> int:
    text = page.locator("#kb-timeline-count").inner_text()
    match = re.fullmatch(r"(\d+) incidents? shown", text.strip())
    assert match, f"count reads {text!r}"
    return int(match.group(1))


def choose(page, narrative="", actor="", platform=""):
    page.select_option("#kb-filter-narrative", narrative)
    page.select_option("#kb-filter-actor", actor)
    page.select_option("#kb-filter-platform", platform)


def assert_filtered(page, keep) -> list[dict]:
    """The shown incidents are exactly those `keep` accepts; headings and count follow."""
    items = page.evaluate(ITEMS)
    wrong = [item["link"] for item in items if item["shown"] != keep(item)]
    assert wrong == [], "shown where hidden expected, or the reverse"
    shown = [item for item in items if item["shown"]]
    assert shown_count(page) == len(shown)
    years_shown = {item["year"] for item in shown}
    headings = page.evaluate(YEAR_HEADINGS)
    assert headings, "no year headings"
    assert [h["year"] for h in headings if h["shown"]] == sorted(years_shown)
    return shown


def test_timeline_without_javascript_lists_every_incident_by_year(page_without_js):
    page = page_without_js
    open_page(page, TIMELINE)
    items = page.evaluate(ITEMS)
    assert len(items) == INCIDENT_COUNT
    assert all(item["shown"] for item in items)
    years = [int(item["year"]) for item in items]
    assert years == sorted(years), "incidents are not in time order"
    assert [h["year"] for h in page.evaluate(YEAR_HEADINGS)] == sorted({str(y) for y in years})
    assert page.locator("#kb-timeline-filters").inner_text().strip()
    assert page.locator("select").count() == 0


def test_timeline_filters_replace_the_note_and_start_with_everything(page):
    open_page(page, TIMELINE)
    for name in ("narrative", "actor", "platform"):
        select = page.locator(f"#kb-filter-{name}")
        assert select.is_visible()
        assert select.locator("option").first.get_attribute("value") == ""
        assert select.locator("option").count() > 2
        assert page.locator(f'label[for="kb-filter-{name}"]').count() == 1, "select without a label"
    assert shown_count(page) == INCIDENT_COUNT
    assert_filtered(page, lambda item: True)


def test_filter_by_narrative(page):
    open_page(page, TIMELINE)
    choose(page, narrative="artificial-state")
    shown = assert_filtered(page, lambda item: "artificial-state" in item["narratives"])
    assert 1 < len(shown) < INCIDENT_COUNT
    assert any(item["link"].endswith(INCIDENT) for item in shown)


def test_filter_by_actor(page):
    open_page(page, TIMELINE)
    choose(page, actor="dmitry-medvedev")
    shown = assert_filtered(page, lambda item: "dmitry-medvedev" in item["actors"])
    assert any(item["link"].endswith(INCIDENT) for item in shown)


def test_filter_by_platform(page):
    open_page(page, TIMELINE)
    choose(page, platform="VKontakte")
    shown = assert_filtered(page, lambda item: item["platform"] == "VKontakte")
    assert shown


def test_filters_combine_and_reset(page):
    open_page(page, TIMELINE)
    choose(page, narrative="artificial-state", actor="vladimir-putin")
    both = assert_filtered(page, lambda item: "artificial-state" in item["narratives"]
                           and "vladimir-putin" in item["actors"])
    assert both
    choose(page, narrative="artificial-state", actor="vladimir-putin", platform="VKontakte")
    assert assert_filtered(page, lambda item: False) == []
    choose(page)
    assert len(assert_filtered(page, lambda item: True)) == INCIDENT_COUNT


def test_timeline_filter_is_usable_by_keyboard(page):
    open_page(page, TIMELINE)
    page.focus("#kb-filter-narrative")
    page.keyboard.press("ArrowDown")  # a closed select changes value on arrow keys
    value = page.eval_on_selector("#kb-filter-narrative", "el => el.value")
    assert value
    assert_filtered(page, lambda item: value in item["narratives"])


# -- maps ----------------------------------------------------------------------

MAP_NODES = """() => {
  const svg = document.querySelector('article :is(.kb-map, .mermaid) svg');
  if (!svg) return null;
  const name = svg.getAttribute('aria-label') || (svg.getAttribute('aria-labelledby')
    && document.getElementById(svg.getAttribute('aria-labelledby'))?.textContent)
    || svg.querySelector('title')?.textContent || '';
  const hrefOf = a => new URL(a.getAttribute('href') || a.getAttribute('xlink:href'), location.href).pathname;
  const textLinks = Array.from(document.querySelectorAll('article a[href]'))
    .filter(a => !a.closest('svg')).map(hrefOf);
  return {name: name.trim(), nodes: Array.from(svg.querySelectorAll('a')).map(hrefOf), textLinks,
          visible: svg.getClientRects().length > 0};
}"""
ENTRY_PAGE = re.compile(r"/(narratives|actors|incidents|debunks)/[a-z0-9-]+/")


def read_map(page, path):
    open_page(page, path)
    found = page.evaluate(MAP_NODES)
    assert found is not None, f"{path}: no map"
    assert found["visible"], f"{path}: the map is not displayed"
    assert found["name"], f"{path}: the map has no text name"
    return found


@pytest.mark.parametrize("path", [NARRATIVE, ACTOR, INCIDENT])
def test_entry_map_links_every_node_and_has_a_text_alternative(page, site_dir, path):
    open_page(page, path)
    assert page.locator("article h2#map").inner_text().rstrip("¶").strip() == "Map"
    found = read_map(page, path)
    assert len(found["nodes"]) > 1
    not_entries = [n for n in found["nodes"] if not ENTRY_PAGE.fullmatch(n)]
    assert not_entries == []
    missing = [n for n in found["nodes"] if not (site_dir / n.strip("/") / "index.html").is_file()]
    assert missing == []
    untold = sorted(set(found["nodes"]) - set(found["textLinks"]) - {"/" + path})
    assert untold == [], "map nodes with no text link on the page"


def test_clicking_a_map_node_opens_its_entry(page):
    open_page(page, NARRATIVE)
    node = page.locator(f'article :is(.kb-map, .mermaid) svg a[href$="{ACTOR}"]').first
    with page.expect_navigation():
        node.click()
    assert site_path(page.url) == ACTOR


def test_overview_map_shows_every_narrative_and_lists_its_actors_as_text(page):
    found = read_map(page, OVERVIEW_MAP)
    narratives = {f"/narratives/{p.stem}/" for p in (ROOT / "entries" / "narratives").glob("*.yaml")}
    assert narratives <= set(found["nodes"])
    actors = {n for n in found["nodes"] if n.startswith("/actors/")}
    assert actors and actors <= set(found["textLinks"])
    assert "/" + ACTOR in found["textLinks"]


@pytest.mark.parametrize("path", [OVERVIEW_MAP])
def test_map_page_loads_without_errors_or_outside_requests(page, traffic, path):
    open_page(page, path)
    problems = traffic.problems()
    assert not problems, "\n".join(problems)


def test_overview_map_has_no_serious_accessibility_violation(page):
    from axe_playwright_python.sync_playwright import Axe

    open_page(page, OVERVIEW_MAP)
    violations = Axe().run(page).response["violations"]
    serious = [f"{v['id']} ({v['impact']}): {v['help']} - " + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
               for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(serious)
