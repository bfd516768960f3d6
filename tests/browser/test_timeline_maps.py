"""The timeline and index filters, and the relationship maps, in Chromium."""
from __future__ import annotations

import re

from conftest import ROOT

from .reading import (ACTOR, INCIDENT, NARRATIVE, OVERVIEW_MAP, TIMELINE, open_page, serious_accessibility_violations,
                      site_path)

# English entries only: translations (<id>.<lang>.yaml) beside them are not incidents of their own.
INCIDENT_COUNT = len([p for p in (ROOT / "entries" / "incidents").glob("*.yaml") if p.name.count(".") == 1])

# Every listed entry's filter data, and whether the reader can see it, in page order.
ITEMS = """() => Array.from(document.querySelectorAll('.kb-item')).map(el => ({
  year: el.dataset.year, narratives: (el.dataset.narratives || '').split(' ').filter(Boolean),
  actors: (el.dataset.actors || '').split(' ').filter(Boolean),
  pushed: (el.dataset.pushed || '').split(' ').filter(Boolean),
  attributed: (el.dataset.attributed || '').split(' ').filter(Boolean),
  targeted: (el.dataset.targeted || '').split(' ').filter(Boolean),
  platform: (el.dataset.platform || '').split(' ').filter(Boolean), date: el.dataset.date,
  shown: !el.hidden && el.getClientRects().length > 0,
  link: el.querySelector('a[href*="incidents/"]')?.getAttribute('href') || ''}))"""
YEAR_HEADINGS = """() => Array.from(document.querySelectorAll('article h2'))
  .filter(h => /^\\d{4}/.test(h.textContent.trim()))
  .map(h => ({year: h.textContent.trim().slice(0, 4), shown: !h.hidden && h.getClientRects().length > 0}))"""


def shown_count(page) -> int:
    text = page.locator(".kb-filters__count").inner_text()
    match = re.fullmatch(r"(\d+) of (\d+) shown", text.strip())
    assert match, f"count reads {text!r}"
    return int(match.group(1))


def choose(page, **values):
    for name in ("narratives", "actors", "role", "platform", "year", "sort"):
        if page.locator(f'form.kb-filters select[name="{name}"]').count():
            default = "oldest" if name == "sort" else ""
            page.select_option(f'form.kb-filters select[name="{name}"]', values.get(name, default))


def assert_filtered(page, keep) -> list[dict]:
    """The shown incidents are exactly those `keep` accepts; headings and count follow."""
    items = page.evaluate(ITEMS)
    wrong = [item["link"] for item in items if item["shown"] != keep(item)]
    assert wrong == [], "shown where hidden expected, or the reverse"
    shown = [item for item in items if item["shown"]]
    assert shown_count(page) == len(shown)
    years_shown = {item["year"] for item in shown}
    headings = page.evaluate(YEAR_HEADINGS)
    assert {h["year"] for h in headings if h["shown"]} == years_shown
    return shown


def open_filters(page, path: str) -> None:
    """Opens a page with filters once its script has set them up and applied the address's choices."""
    open_page(page, path)
    page.wait_for_function("Array.from(document.querySelectorAll('form[data-kb-filters]')).every(f => f.dataset.ready)")


# -- one sort order everywhere ---------------------------------------------------

# Every dated item in page order: its list (the heading above it), date, and the entry it links to.
DATED = """() => Array.from(document.querySelectorAll('.md-content [data-date]')).map(el => {
  let heading = el.closest('ul, ol') || el;
  while (heading && !/^H[1-3]$/.test(heading.tagName)) heading = heading.previousElementSibling;
  const link = Array.from(el.querySelectorAll('a[href]')).find(a => !a.href.includes('/glossary/'));
  return {date: el.dataset.date, list: heading ? heading.id : '',
          link: link ? new URL(link.getAttribute('href'), location.href).pathname : ''};
})"""


def dated_lists(page) -> dict[str, list[dict]]:
    """The dated items of each list on the page, in the order the reader sees them."""
    lists: dict[str, list[dict]] = {}
    for item in page.evaluate(DATED):
        lists.setdefault(item["list"], []).append(item)
    return lists


def newest_first(items: list[dict]) -> list[dict]:
    """What "newest first" should show: the dated items turned round, the undated still last."""
    return [i for i in items if i["date"]][::-1] + [i for i in items if not i["date"]]


def test_without_javascript_the_timeline_lists_every_incident_and_entry_pages_oldest_first(page_without_js, subtests):
    page = page_without_js
    with subtests.test("the timeline lists every incident by year"):
        open_page(page, TIMELINE)
        items = page.evaluate(ITEMS)
        assert len(items) == INCIDENT_COUNT
        assert all(item["shown"] for item in items)
        years = [int(item["year"]) for item in items]
        assert years == sorted(years), "incidents are not in time order"
        assert page.locator("#kb-timeline-filters").inner_text().strip()
        assert not page.locator("form.kb-filters").is_visible()
    with subtests.test("entry pages list oldest first"):
        open_page(page, "actors/vladimir-putin/")
        for items in dated_lists(page).values():
            dates = [i["date"] for i in items]
            assert dates == sorted(dates)
        assert not page.locator("form.kb-filters").is_visible()


def test_timeline_filters(page, subtests):
    """One timeline page; each check starts from the choices it makes (choose() sets every filter)."""
    open_filters(page, TIMELINE)
    with subtests.test("the filters start with everything and each has a label"):
        assert not page.locator("#kb-timeline-filters").is_visible()
        for name in ("narratives", "actors", "role", "platform", "year", "sort"):
            select = page.locator(f'form.kb-filters select[name="{name}"]')
            assert select.is_visible()
            assert select.locator("xpath=ancestor::label").count() == 1, f"{name}: select without a label"
            assert select.locator("option").count() >= 2
        assert shown_count(page) == INCIDENT_COUNT
        assert_filtered(page, lambda item: True)
    with subtests.test("filters combine, role apart from actor, and reset"):
        choose(page, narratives="artificial-state")
        shown = assert_filtered(page, lambda item: "artificial-state" in item["narratives"])
        assert 1 < len(shown) < INCIDENT_COUNT and any(item["link"].endswith(INCIDENT) for item in shown)
        # Pushed by Putin, and Putin only discussed, are told apart.
        choose(page, actors="vladimir-putin", role="pushed")
        pushed = assert_filtered(page, lambda item: "vladimir-putin" in item["pushed"])
        choose(page, actors="vladimir-putin")
        involved = assert_filtered(page, lambda item: "vladimir-putin" in item["actors"])
        assert 0 < len(pushed) < len(involved)
        choose(page, platform="VKontakte", year="2022")
        assert assert_filtered(page, lambda item: "VKontakte" in item["platform"] and item["year"] == "2022")
        page.locator(".kb-filters__reset").click()
        assert len(assert_filtered(page, lambda item: True)) == INCIDENT_COUNT
        assert "?" not in page.url
    with subtests.test("words published in someone's name are not counted as theirs"):
        choose(page, actors="dmitry-medvedev", role="attributed")
        attributed = assert_filtered(page, lambda item: "dmitry-medvedev" in item["attributed"])
        assert [item["link"] for item in attributed] == ["../incidents/medvedev-vk-post-2022-artificial-state/"]
        choose(page, actors="dmitry-medvedev", role="pushed")
        assert_filtered(page, lambda item: "dmitry-medvedev" in item["pushed"])
        assert not any(item["shown"] and "medvedev-vk-post" in item["link"] for item in page.evaluate(ITEMS))
    with subtests.test("every platform choice shows its incidents"):
        choose(page)
        values = page.eval_on_selector_all('select[name="platform"] option',
                                           "os => os.map(o => o.value).filter(Boolean)")
        assert values
        empty = []
        for value in values:
            page.select_option('form.kb-filters select[name="platform"]', value)
            if shown_count(page) == 0:
                empty.append(value)
        assert empty == [], "platforms whose choice shows nothing"
    with subtests.test("a filtered timeline address reloads to the same view"):
        choose(page, narratives="artificial-state", actors="vladimir-putin", role="pushed", sort="newest")
        before = [item["link"] for item in page.evaluate(ITEMS) if item["shown"]]
        dates = [item["date"] for item in page.evaluate(ITEMS) if item["shown"]]
        assert before and dates == sorted(dates, reverse=True), "newest first is not newest first"
        address = page.url
        assert "narratives=artificial-state" in address and "sort=newest" in address and "role=pushed" in address
        # A colleague opens the shared address in a fresh tab.
        fresh = page.context.new_page()
        open_filters(fresh, address)
        assert [item["link"] for item in fresh.evaluate(ITEMS) if item["shown"]] == before
        assert fresh.locator('select[name="sort"]').input_value() == "newest"
        fresh.reload(wait_until="load")
        fresh.wait_for_function("document.querySelector('form[data-kb-filters]').dataset.ready")
        assert [item["link"] for item in fresh.evaluate(ITEMS) if item["shown"]] == before
        fresh.close()
    with subtests.test("entry pages list incidents in the timeline's order"):
        open_filters(page, TIMELINE)
        orders = {}
        for sort in ("oldest", "newest"):
            choose(page, sort=sort)
            orders[sort] = [i["link"] for i in page.evaluate(DATED)]
        assert orders["newest"] == orders["oldest"][::-1]
        for path in (ACTOR, "actors/vladimir-putin/", NARRATIVE):
            open_filters(page, path)
            for sort in ("oldest", "newest"):
                page.select_option('form.kb-filters select[name="sort"]', sort)
                lists = dated_lists(page)
                assert max(len(items) for items in lists.values()) > 1, f"{path}: no list to order"
                for name, items in lists.items():
                    links = [i["link"] for i in items]
                    assert links == [link for link in orders[sort] if link in links], \
                        f"{path} {name}: not the timeline's {sort} order"


INDEX_FILTERS = [
    ("actors/", {"role": "targeted"}, lambda el: "targeted" in el["role"]),
    ("incidents/", {"year": "2022"}, lambda el: el["year"] == "2022"),
    ("debunks/", {"verdict": "misleading"}, lambda el: el["verdict"] == "misleading"),
]


def test_index_filters_and_sort_orders_keep_the_reader_s_choice_in_the_address(page, subtests):
    for path, choice, keep in INDEX_FILTERS:
        with subtests.test("a filter narrows the list and keeps it in the address", path=path):
            open_filters(page, path)
            for name, value in choice.items():
                page.select_option(f'form.kb-filters select[name="{name}"]', value)
            items = page.evaluate("""() => Array.from(document.querySelectorAll('.kb-item')).map(el => ({
              role: el.dataset.role || '', year: el.dataset.year || '', verdict: el.dataset.verdict || '',
              shown: !el.hidden && el.getClientRects().length > 0}))""")
            assert [el["shown"] for el in items] == [keep(el) for el in items]
            assert 0 < sum(el["shown"] for el in items) < len(items)
            assert all(f"{name}={value}" in page.url for name, value in choice.items())
    for path in ("actors/", "debunks/"):
        with subtests.test("a sort choice reloads from its address", path=path):
            sort_reloads_from_its_address(page, path)


def sort_reloads_from_its_address(page, path: str) -> None:
    open_filters(page, path)
    oldest = dated_lists(page)
    assert oldest and max(len(items) for items in oldest.values()) > 1
    for items in oldest.values():
        dates = [i["date"] for i in items if i["date"]]
        assert dates == sorted(dates), "not oldest first by default"
        assert all(i["date"] for i in items[:len(dates)]), "an undated entry before a dated one"
    page.select_option('form.kb-filters select[name="sort"]', "newest")
    assert "sort=newest" in page.url
    newest = dated_lists(page)
    assert newest == {name: newest_first(items) for name, items in oldest.items()}
    # A colleague opens the shared address.
    fresh = page.context.new_page()
    open_filters(fresh, page.url)
    assert fresh.locator('form.kb-filters select[name="sort"]').input_value() == "newest"
    assert dated_lists(fresh) == newest
    fresh.select_option('form.kb-filters select[name="sort"]', "oldest")
    assert "sort=" not in fresh.url
    assert dated_lists(fresh) == oldest
    fresh.close()


# -- maps ----------------------------------------------------------------------

MAP_NODES = """() => {
  const svg = document.querySelector('article .kb-map svg');
  if (!svg) return null;
  const name = svg.getAttribute('aria-label') || (svg.getAttribute('aria-labelledby')
    && document.getElementById(svg.getAttribute('aria-labelledby'))?.textContent) || '';
  const hrefOf = a => new URL(a.getAttribute('href'), location.href).pathname;
  const textLinks = Array.from(document.querySelectorAll('article a[href]'))
    .filter(a => !a.closest('svg')).map(hrefOf);
  return {name: name.trim(), nodes: Array.from(svg.querySelectorAll('a')).map(hrefOf), textLinks,
          visible: svg.getClientRects().length > 0};
}"""
ENTRY_PAGE = re.compile(r"/(narratives|actors|incidents|debunks)/[a-z0-9-]+/")


def test_maps_link_every_node_have_a_text_alternative_and_the_overview_lists_who_pushed_what(page, site_dir,
                                                                                              subtests):
    for path in (NARRATIVE, ACTOR, INCIDENT):
        with subtests.test("the entry map links every node and has a text alternative", path=path):
            open_page(page, path)
            assert page.locator("article h2#map").inner_text().rstrip("¶").strip() == "Map"
            found = page.evaluate(MAP_NODES)
            assert found and found["visible"] and found["name"]
            assert len(found["nodes"]) > 1
            assert [n for n in found["nodes"] if not ENTRY_PAGE.fullmatch(n)] == []
            assert [n for n in found["nodes"] if not (site_dir / n.strip("/") / "index.html").is_file()] == []
            untold = sorted(set(found["nodes"]) - set(found["textLinks"]) - {"/" + path})
            assert untold == [], "map nodes with no text link on the page"
    with subtests.test("clicking a map node opens its entry"):
        open_page(page, NARRATIVE)
        node = page.locator(f'article .kb-map svg a[href$="{ACTOR}"]').first
        with page.expect_navigation():
            node.click()
        assert site_path(page.url) == ACTOR
    open_page(page, OVERVIEW_MAP)
    with subtests.test("the overview lists every narrative and who pushed it"):
        rows = page.eval_on_selector_all("article table tbody tr", """rows => rows.map(r => ({
          narrative: new URL(r.cells[0].querySelector('a').href).pathname,
          actors: Array.from(r.cells[1].querySelectorAll('a')).map(a => new URL(a.href).pathname)}))""")
        narratives = {f"/narratives/{p.stem}/" for p in (ROOT / "entries" / "narratives").glob("*.yaml")
                      if p.name.count(".") == 1}
        assert {r["narrative"] for r in rows} == narratives
        artificial = next(r for r in rows if r["narrative"] == "/" + NARRATIVE)
        assert "/" + ACTOR in artificial["actors"]
        assert not any(a == "/actors/government-of-kazakhstan/" for r in rows for a in r["actors"]), \
            "a target counted as pusher"
    with subtests.test("the overview has no serious accessibility violation"):
        serious = serious_accessibility_violations(page)
        assert not serious, "\n".join(serious)
