"""What a journalist on deadline or a teacher sees first, on a laptop (1366x900)
and on a phone (390x844): the answer at the top, maps whose every label can
be read, a way to report an error, and a glossary for every label."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import yaml
from conftest import ROOT

from .conftest import REPO_URL, SIZES
from .reading import ACTOR, DEBUNK, HOME, INCIDENT, NARRATIVE, OVERVIEW_MAP, TIMELINE, open_page, site_path

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


def map_labels_problems(page) -> list[str]:
    """What keeps a map's labels from being read: too small, cut, spilling out, or the map off the screen."""
    found = page.evaluate(MAP_TEXT)
    problems = []
    small = [(t["text"], round(t["px"], 1)) for t in found["texts"] if t["px"] < 12]
    if small:
        problems.append(f"{page.size_name}: text under 12 px: {small}")
    cut = [t["text"] for t in found["texts"] if t["title"] and not t["title"].endswith(t["text"])]
    if cut:
        problems.append(f"labels not whole: {cut}")
    spilling = [t["text"] for t in found["texts"] if not t["inside"]]
    if spilling:
        problems.append(f"labels spill out of their boxes: {spilling}")
    if found["right"] > found["width"]:
        problems.append(f"the map runs off the screen: {found['right']} > {found['width']}")
    return problems


def test_first_screens_answer_and_map_labels_can_be_read(sized_page, subtests):
    page = sized_page
    with subtests.test("home shows search, counts, narratives and latest incidents in the first screen"):
        open_page(page, HOME)
        above_the_fold(page, "article h1")
        above_the_fold(page, "article input[type=search]")
        above_the_fold(page, ".kb-counts a[href*='narratives/']")
        above_the_fold(page, "article .kb-home-grid ol a[href*='narratives/']")
        above_the_fold(page, "article .kb-home-grid ul a[href*='incidents/']")
    with subtests.test("actor's map labels are whole and at least 12 px"):
        open_page(page, ACTOR)
        assert map_labels_problems(page) == []
    with subtests.test("narrative's map labels are whole and at least 12 px"):
        open_page(page, NARRATIVE)
        assert map_labels_problems(page) == []
    with subtests.test("narrative shows its verdict and the debunk link in the first screen"):
        facts = "article .admonition.abstract"
        above_the_fold(page, f"{facts} a[href*='glossary/#verdict-']")
        above_the_fold(page, f"{facts} a[href*='debunks/']")
        # One click from the verdict's debunk to its facts.
        with page.expect_navigation():
            page.locator(f"{facts} a[href*='debunks/']").first.click()
        assert page.locator("article h2#the-facts").is_visible()


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


def test_entry_pages_keep_attributed_words_apart_and_explain_their_labels(page, subtests):
    open_page(page, INCIDENT)
    with subtests.test("the post's words stand with the post on the incident page"):
        order = page.evaluate("""() => Array.from(document.querySelectorAll(
            'article h2, article blockquote, article .admonition.warning')).map(el =>
            el.tagName === 'H2' ? el.id : el.tagName === 'BLOCKQUOTE' ? 'words' : 'attribution')""")
        assert order.index("words") < order.index("attribution") < order.index("actors"), order
    with subtests.test("the error link is visible on an entry page"):
        link = page.locator("article a.kb-report-error")
        link.scroll_into_view_if_needed()
        assert link.is_visible() and link.inner_text().strip() == "Report an error"
    open_page(page, ACTOR)
    with subtests.test("the actor page keeps what they said apart from what was said in their name"):
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
    with subtests.test("the post's words stand with the post on the actor page"):
        post = page.locator("#said-in-their-name-attribution-disputed ~ ul > li").filter(
            has=page.locator("a[href*='medvedev-vk-post']"))
        assert post.count() == 1
        assert "artificial state" in post.locator("blockquote").inner_text()
        assert "disputed" in post.locator("a[href*='glossary/#attribution-']").inner_text()
        # Once on the page: not repeated elsewhere as his own words.
        assert page.locator("article blockquote", has_text="Kazakhstan is an artificial state").count() == 1
    with subtests.test("labels on entry pages link to their definition"):
        roles = page.locator("article a[href*='glossary/#role-']")
        assert roles.count() > 0
        with page.expect_navigation():
            roles.first.click()
        target = page.evaluate("location.hash.slice(1)")
        assert target.startswith("role-") and page.locator(f"[id='{target}']").is_visible()
    with subtests.test("the glossary defines every label the schema allows"):
        if site_path(page.url) != "glossary/":  # the label's link did not lead there
            open_page(page, "glossary/")
        defined = page.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll('article h3[id]'))
          .map(h => [h.id, (h.nextElementSibling?.textContent || '').trim()]))""")
        missing = [f"{group}-{value}" for group, values in schema_labels().items() for value in values
                   if len(defined.get(f"{group}-{value}", "")) < 20]
        assert missing == [], "labels without a definition"


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


# What a printout names (site, address, date): test_reader.py's print test.


def test_handout_fits_two_a4_pages(page, tmp_path):
    open_page(page, "handouts/artificial-state/")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert 1 <= pages <= 2, f"the handout prints on {pages} pages"
