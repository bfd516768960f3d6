"""What a journalist on deadline or a teacher sees first, on a laptop (1366x900)
and on a phone (390x844): the answer at the top, maps whose every label can
be read, a way to report an error, and a glossary for every label."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from conftest import ROOT

from .conftest import REPO_URL, SIZES
from .reading import ACTOR, DEBUNK, HOME, INCIDENT, NARRATIVE, OVERVIEW_MAP, TIMELINE, open_page

TOP = "el => el.getBoundingClientRect().top + window.scrollY"
BOTTOM = "el => el.getBoundingClientRect().bottom + window.scrollY"


def above_the_fold(page, selector: str) -> float:
    """Where the first match ends, in page pixels; the test fails if it is below the first screen."""
    element = page.locator(selector).first
    assert element.count(), f"nothing matches {selector}"
    assert element.is_visible(), f"{selector} is not shown"
    bottom = element.evaluate(BOTTOM)
    height = page.viewport_size["height"]
    assert bottom <= height, f"{page.size_name}: {selector} ends {bottom:.0f} px down, below the {height} px screen"
    return bottom


def test_home_shows_search_counts_narratives_and_latest_incidents_in_the_first_screen(sized_page):
    page = sized_page
    open_page(page, HOME)
    above_the_fold(page, "article h1")
    above_the_fold(page, "article input[type=search]")
    above_the_fold(page, ".kb-counts a[href*='narratives/']")
    above_the_fold(page, "article .kb-home-grid ol a[href*='narratives/']")
    above_the_fold(page, "article .kb-home-grid ul a[href*='incidents/']")


def test_narrative_shows_its_verdict_and_the_debunk_link_in_the_first_screen(sized_page):
    page = sized_page
    open_page(page, NARRATIVE)
    facts = "article .admonition.abstract"
    above_the_fold(page, f"{facts} a[href*='glossary/#verdict-']")
    above_the_fold(page, f"{facts} a[href*='debunks/']")
    # One click from the verdict's debunk to its facts.
    page.locator(f"{facts} a[href*='debunks/']").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("article h2#the-facts").is_visible()


MAP_TEXT = """() => {
  const svg = document.querySelector('article .kb-map svg');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const texts = Array.from(svg.querySelectorAll('text')).map(t => {
    const box = t.getBoundingClientRect();
    const rect = t.closest('a')?.querySelector('rect')?.getBoundingClientRect();
    return {px: parseFloat(getComputedStyle(t).fontSize) * scale,
            text: Array.from(t.querySelectorAll('tspan')).map(s => s.textContent).join(' ') || t.textContent,
            title: t.closest('a')?.querySelector('title')?.textContent || '',
            inside: !rect || (box.left >= rect.left - 0.5 && box.right <= rect.right + 0.5
                              && box.top >= rect.top - 0.5 && box.bottom <= rect.bottom + 0.5)};
  });
  const frame = svg.getBoundingClientRect();
  return {texts, right: frame.right, width: document.documentElement.clientWidth};
}"""


@pytest.mark.parametrize("path", [NARRATIVE, ACTOR])
def test_map_labels_are_whole_and_at_least_12px(sized_page, path):
    page = sized_page
    open_page(page, path)
    found = page.evaluate(MAP_TEXT)
    small = [(t["text"], round(t["px"], 1)) for t in found["texts"] if t["px"] < 12]
    assert small == [], f"{page.size_name}: text under 12 px"
    cut = [t["text"] for t in found["texts"] if t["title"] and not t["title"].endswith(t["text"])]
    assert cut == [], "labels not whole"
    assert [t["text"] for t in found["texts"] if not t["inside"]] == [], "labels spill out of their boxes"
    assert found["right"] <= found["width"], "the map runs off the screen"


def test_every_entry_page_links_to_the_prefilled_error_form(site_dir):
    """Each entry page's "Report an error" opens the repository's form with the entry and the page filled in."""
    form = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/report-error.yml").read_text())
    fields = {item["id"] for item in form["body"] if "id" in item}
    checked = 0
    for entry in sorted(p for p in (ROOT / "entries").glob("*/*.yaml") if p.name.count(".") == 1):
        page = site_dir / entry.parent.name / entry.stem / "index.html"
        html = page.read_text(encoding="utf-8")
        tags = [tag for tag in re.findall(r"<a [^>]*>", html) if 'class="kb-report-error"' in tag]
        assert len(tags) == 1, page
        href = re.search(r'href="([^"]*)"', tags[0]).group(1).replace("&amp;", "&")
        url = urlsplit(href)
        assert f"{url.scheme}://{url.netloc}{url.path}" == f"{REPO_URL}/issues/new", page
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        assert query["template"] == "report-error.yml"
        assert query["entry"] == f"entries/{entry.parent.name}/{entry.name}"
        assert query["page"] == f"/{entry.parent.name}/{entry.stem}/"
        assert {"entry", "page"} <= fields, "the form has no field for the prefilled values"
        checked += 1
    assert checked == len([p for p in (ROOT / "entries").glob("*/*.yaml") if p.name.count(".") == 1])


def test_the_error_link_is_visible_on_an_entry_page(page):
    open_page(page, INCIDENT)
    link = page.locator("article a.kb-report-error")
    link.scroll_into_view_if_needed()
    assert link.is_visible() and link.inner_text().strip() == "Report an error"


def schema_labels() -> dict[str, list[str]]:
    raw = yaml.safe_load((ROOT / "schema/kb.schema.yaml").read_text())
    kinds = raw["kinds"]
    incident = kinds["incident"]["fields"]
    return {
        "kind": list(kinds),
        "verdict": [str(v).lower() for v in kinds["debunk"]["fields"]["verdict"]["values"]],
        "role": incident["actors"]["items"]["fields"]["role"]["values"],
        "attribution": incident["attribution"]["fields"]["status"]["values"],
        "date": list(raw["date_precision"]),
    }


def test_glossary_defines_every_label_the_schema_allows(page):
    open_page(page, "glossary/")
    defined = page.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll('article h3[id]'))
      .map(h => [h.id, (h.nextElementSibling?.textContent || '').trim()]))""")
    missing = [f"{group}-{value}" for group, values in schema_labels().items() for value in values
               if len(defined.get(f"{group}-{value}", "")) < 20]
    assert missing == [], "labels without a definition"


def test_labels_on_entry_pages_link_to_their_definition(page):
    open_page(page, ACTOR)
    roles = page.locator("article a[href*='glossary/#role-']")
    assert roles.count() > 0
    roles.first.click()
    page.wait_for_load_state("networkidle")
    target = page.evaluate("location.hash.slice(1)")
    assert target.startswith("role-") and page.locator(f"[id='{target}']").is_visible()


def test_actor_page_keeps_what_they_said_apart_from_what_was_said_in_their_name(page):
    open_page(page, ACTOR)
    sections = page.eval_on_selector_all("article h2", "hs => hs.map(h => h.id)")
    assert "said-in-their-name-attribution-disputed" in sections
    disputed = page.locator("#said-in-their-name-attribution-disputed ~ ul a[href*='medvedev-vk-post']")
    assert disputed.count() > 0
    debunk_links = page.eval_on_selector_all(f"article a[href$='{DEBUNK}']", "as => as.length")
    headings_with_it = page.evaluate(f"""() => new Set(Array.from(document.querySelectorAll("article a[href$='{DEBUNK}']"))
      .filter(a => !a.closest('svg, .admonition'))
      .map(a => {{ let el = a.closest('ul, p'); while (el && el.tagName !== 'H2') el = el.previousElementSibling;
                  return el ? el.id : ''; }})).size""")
    assert debunk_links and headings_with_it == 1, "the same debunk is listed under two headings"


def test_the_post_s_words_stand_with_the_post_on_the_actor_and_the_incident_page(page):
    open_page(page, ACTOR)
    post = page.locator("#said-in-their-name-attribution-disputed ~ ul > li").filter(
        has=page.locator("a[href*='medvedev-vk-post']"))
    assert post.count() == 1
    assert "artificial state" in post.locator("blockquote").inner_text()
    assert "disputed" in post.locator("a[href*='glossary/#attribution-']").inner_text()
    # Once on the page: not repeated elsewhere as his own words.
    assert page.locator("article blockquote", has_text="Kazakhstan is an artificial state").count() == 1
    open_page(page, INCIDENT)
    order = page.evaluate("""() => Array.from(document.querySelectorAll(
        'article h2, article blockquote, article .admonition.warning')).map(el =>
        el.tagName === 'H2' ? el.id : el.tagName === 'BLOCKQUOTE' ? 'words' : 'attribution')""")
    assert order.index("words") < order.index("attribution") < order.index("actors"), order


PAGE_TYPES = {"home": HOME, "narrative": NARRATIVE, "actor": ACTOR, "incident": INCIDENT, "debunk": DEBUNK,
              "source": "sources/cacds-2020-amrebaev/", "timeline": TIMELINE, "overview": OVERVIEW_MAP,
              "glossary": "glossary/", "about": "about/", "handout": "handouts/artificial-state/"}


def test_screenshots_of_every_page_type(browser, base_url, screenshot_dir):
    """Screenshots for a person to look at, at both sizes; the test only checks they were taken."""
    for size, viewport in SIZES.items():
        context = browser.new_context(base_url=base_url, viewport=viewport, service_workers="block")
        page = context.new_page()
        for name, path in PAGE_TYPES.items():
            # "load", not "networkidle": the pages are static, and the suite has a time budget.
            assert page.goto(path, wait_until="load").ok
            page.locator("article h1").wait_for()
            target = screenshot_dir / f"{name}-{size}.png"
            page.screenshot(path=target)
            assert target.stat().st_size > 10_000
        context.close()


def test_print_names_the_site_the_address_and_the_date(page):
    open_page(page, NARRATIVE)
    page.emulate_media(media="print")
    meta = page.locator(".kb-print-meta")
    assert meta.is_visible()
    text = meta.inner_text()
    assert "Kazakhstan Disinformation Knowledge Base" in text and "/" + NARRATIVE in text
    assert re.search(r"\d{4}-\d{2}-\d{2}", text)
    page.emulate_media(media="screen")
    assert not meta.is_visible()


def test_handout_fits_two_a4_pages(page, tmp_path):
    open_page(page, "handouts/artificial-state/")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert 1 <= pages <= 2, f"the handout prints on {pages} pages"
