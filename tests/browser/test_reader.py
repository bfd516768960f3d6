"""A reader on the built site in Chromium: links, errors, accessibility, keyboard (search: test_search.py)."""
from __future__ import annotations

import re

import pytest

from .conftest import Traffic, record
from .reading import (ACTOR, DEBUNK, HOME, INCIDENT, NARRATIVE, TIMELINE, headings, open_page,
                      serious_accessibility_violations, site_path, skipped_levels)


def test_links_lead_from_narrative_to_incident_to_actor_to_debunk(page):
    open_page(page, NARRATIVE)
    for target in (INCIDENT, ACTOR, DEBUNK):
        link = page.locator(f'article a[href$="{target}"]').first
        title = link.inner_text()
        with page.expect_navigation():
            link.click()
        assert site_path(page.url) == target
        assert page.locator("article h1").inner_text().rstrip("¶").strip() == title.strip()


KEY_PAGES = [HOME, NARRATIVE, ACTOR, INCIDENT, DEBUNK, TIMELINE]


@pytest.mark.parametrize("path", KEY_PAGES, ids=lambda p: p or "home")
def test_key_page_loads_cleanly_is_accessible_and_its_headings_go_down_one_level_at_a_time(page, traffic, subtests,
                                                                                          path):
    with subtests.test("loads without errors or outside requests"):
        # Settled: every request the page makes, and every error, is in.
        open_page(page, path, settled=True)
        page.locator("article h1").wait_for()
        problems = traffic.problems()
        assert not problems, "\n".join(problems)
        assert traffic.requests, "the page made no request at all"
    with subtests.test("no serious accessibility violation"):
        serious = serious_accessibility_violations(page)
        assert not serious, "\n".join(serious)
    with subtests.test("headings go down one level at a time"):
        levels = headings(page)
        assert levels and levels[0][0] == 1, levels[:3]
        assert [text for level, text in levels if level == 1] == [levels[0][1]], "more than one h1"
        assert skipped_levels(levels) == []


def test_a_request_that_leaves_localhost_is_caught(browser, base_url):
    """The harness itself: the pages' "no outside request" check does see one, and stops it."""
    caught = Traffic()
    context = browser.new_context(base_url=base_url, service_workers="block")
    record(context, caught)
    page = context.new_page()
    open_page(page, HOME)
    page.evaluate("src => new Promise(done => { const img = new Image(); img.onerror = done; img.src = src; })",
                  "https://example.org/probe.png")
    context.close()
    assert caught.external == ["https://example.org/probe.png"]


# Where focus is after a Tab, and whether the element it left looked different
# while it had focus (outline, shadow, colours, underline: any visible change).
FOCUS_STOP = """() => {
  const look = el => {
    const s = getComputedStyle(el);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.backgroundColor,
            s.color, s.textDecorationLine, s.borderColor].join('|');
  };
  // A visually hidden radio (the colour-scheme toggle) shows its focus on its label.
  const shown = el => (!el.offsetWidth && el.nextElementSibling && el.nextElementSibling.tagName === 'LABEL')
    ? el.nextElementSibling : el;
  const left = window.__kbFocus;
  const leftShowedFocus = left ? left.look !== look(left.el) : null;
  const el = document.activeElement;
  window.__kbFocus = {el: shown(el), look: look(shown(el))};
  return {tag: el.tagName.toLowerCase(), cls: String(el.className || ''), href: el.getAttribute('href') || '',
          inArticle: !!el.closest('article'), leftShowedFocus,
          text: (el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 40)};
}"""
NO_MOTION = "*, *::before, *::after { transition: none !important; animation: none !important; }"


def test_tab_reaches_search_and_main_links_with_a_visible_focus(page):
    open_page(page, NARRATIVE)
    page.add_style_tag(content=NO_MOTION)  # styles are compared at once, not mid-transition
    stops = []
    # The key facts and the glossary links come before the timeline's incidents.
    for _ in range(120):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUS_STOP))
        if len(stops) > 1 and stops[-2]["inArticle"] and stops[-2]["href"].endswith(INCIDENT):
            break
    names = [f"{s['tag']}.{s['cls']} {s['text']!r}" for s in stops]
    assert stops[0]["tag"] == "a" and "md-skip" in stops[0]["cls"], f"first stop is not the skip link: {names[:3]}"
    assert any("kb-search__input" in s["cls"] for s in stops), f"search never focused: {names}"
    assert stops[-2]["inArticle"] and stops[-2]["href"].endswith(INCIDENT), f"incident link never reached: {names}"
    unmarked = [name for name, after in zip(names, stops[1:]) if not after["leftShowedFocus"]]
    assert not unmarked, f"focus is invisible on: {unmarked}"


def test_skip_link_moves_focus_to_the_content(page):
    open_page(page, NARRATIVE)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('md-skip')"), page.evaluate(FOCUS_STOP)
    page.keyboard.press("Enter")
    # The jump updates the address asynchronously on a loaded machine.
    page.wait_for_function("location.hash !== ''", timeout=5000)
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('article')"), page.evaluate(FOCUS_STOP)


# Screenshots of every page type, at both sizes: test_reading_first.py.


def test_print_shows_the_page_its_sources_and_where_it_came_from_without_navigation(page):
    open_page(page, NARRATIVE)
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-footer"):
        assert not page.locator(chrome).first.is_visible(), f"{chrome} is printed"
    assert page.locator("article h1").is_visible()
    assert page.locator("#sources").is_visible()
    assert page.locator("#ref-1").is_visible()
    # The site's name, the address and the date (print.js), on paper only.
    meta = page.locator(".kb-print-meta")
    assert meta.is_visible()
    text = meta.inner_text()
    assert "Kazakhstan Disinformation Knowledge Base" in text and "/" + NARRATIVE in text
    assert re.search(r"\d{4}-\d{2}-\d{2}", text)
    page.emulate_media(media="screen")
    assert not meta.is_visible()
