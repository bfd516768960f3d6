"""Search in Chromium: Pagefind's index behind the header's search box (kb/search.py,
docs/assets/javascripts/search.js)."""
from __future__ import annotations

import gzip
import json

import pytest

from .reading import (ACTOR, DEBUNK, HOME, NARRATIVE, open_page, open_search, results, search, search_again,
                      serious_accessibility_violations, site_path, wait_for_answer)

FYODOROV = "actors/evgeny-fyodorov/"

# (what the reader types, the page that must come up, within how many results)
SEARCHES = [
    ("Fedorov", FYODOROV, 1),                       # transliteration listed as an alias
    ("Yevgeny Fedorov", FYODOROV, 1),
    ("Фёдоров", FYODOROV, 1),                       # Cyrillic, with ё
    ("Федоров", FYODOROV, 1),                       # Cyrillic, ё written as е
    ("Медведев", ACTOR, 3),                         # after two sources whose own titles are in Cyrillic and name him
    ("Medvedev", ACTOR, 1),                         # his page before the incidents named after him
    ("Dmitri Medvedev", ACTOR, 1),                  # alias beats pages that merely mention him
    ("continuous chain of Russian cities", "incidents/limonov-2016-ideal-russia/", 3),  # quote fragment
    ("direct territorial claim", "incidents/fyodorov-2020-territorial-claim/", 3),      # quote fragment
    ("statehood", NARRATIVE, 3),                    # a narrative's keyword, after the "no statehood" incident and its report
    ("artificial state", NARRATIVE, 1),             # words inside quotation marks in the title
    ("biolabs", "narratives/us-biolabs/", 4),       # after the 2023 story's debunk, incident and denial
]


# Pages that list every entry would match every query; they stay out of the index.
LIST_PAGES = {"timeline/", "map/", "tags/", "corrections/", "narratives/", "actors/", "incidents/", "debunks/",
              "sources/"}
KINDS = [
    ("Fedorov", FYODOROV, "Actor"),
    ("statehood", NARRATIVE, "Narrative"),
    ("authorship", DEBUNK, "Debunk"),
    ("continuous chain of Russian cities", "incidents/limonov-2016-ideal-russia/", "Incident"),
]

# The queries of a test share one page, as a reader's do; each is a subtest,
# so a miss names its query and the other queries are still tried.


def test_search_finds_the_entry_and_no_list_page(page, subtests):
    open_search(page)
    for query, expected, within in SEARCHES:
        with subtests.test(query=query):
            found = [result["path"] for result in search_again(page, query)]
            assert expected in found[:within], f"{query!r} -> {found[:8]}"
    with subtests.test("matching words are highlighted"):
        search_again(page, "biolabs")
        marked = page.locator(".kb-search__result mark").all_inner_texts()
        assert marked and all("biolab" in word.lower() for word in marked), marked
    with subtests.test("no results says so"):
        assert search_again(page, "Xylophonist") == []
        assert page.locator(".kb-search__status").inner_text() == "No results for \u201cXylophonist\u201d."
    with subtests.test("more results are added below"):
        first = search_again(page, "Kazakhstan")
        more = page.locator(".kb-search__more")
        assert len(first) == 10 and more.is_visible()
        more.click()
        page.wait_for_function("document.querySelectorAll('.kb-search__result').length > 10")
        after = results(page)
        assert after[:10] == first and len({r["path"] for r in after}) == len(after)
    for query in ["Medvedev", "artificial state", "Putin"]:
        with subtests.test("list pages are not results", query=query):
            search_again(page, query)
            found = {result["path"] for result in every_result(page)}
            assert found and not found & LIST_PAGES, sorted(found & LIST_PAGES)


def every_result(page) -> list[dict]:
    """Clicks "more" until every result of the query is shown."""
    more = page.locator(".kb-search__more")
    while more.is_visible():
        shown = page.locator(".kb-search__result").count()
        more.click()
        page.wait_for_function("n => document.querySelectorAll('.kb-search__result').length > n", arg=shown)
    return results(page)


def test_results_say_their_kind_and_the_kind_buttons_narrow_them(page, screenshot_dir, subtests):
    open_search(page)
    for query, expected, kind in KINDS:
        with subtests.test(query=query, kind=kind):
            found = {result["path"]: result["text"] for result in search_again(page, query)}
            page.screenshot(path=screenshot_dir / f"search-{kind.lower()}.png")
            assert expected in found, f"{query!r} -> {list(found)[:8]}"
            assert kind in found[expected].split(), found[expected]
    everything = search_again(page, "Medvedev")
    assert len({r["text"].split()[0] for r in everything}) > 1, "the query should match several kinds"
    button = page.get_by_role("button", name="Actors")
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    page.wait_for_function("document.querySelector('.kb-search__status').textContent.includes('among actors')")
    assert button.get_attribute("aria-pressed") == "true"
    page.screenshot(path=screenshot_dir / "search-actors-only.png")
    only_actors = results(page)
    assert only_actors and all(r["text"].split()[0] == "Actor" for r in only_actors), only_actors
    assert only_actors[0]["path"] == ACTOR
    page.get_by_role("button", name="All").click()
    page.wait_for_function("!document.querySelector('.kb-search__status').textContent.includes('among')")
    assert len(results(page)) == len(everything)


def test_keys_escape_enter_and_arrows(page, subtests):
    with subtests.test("Escape closes the results"):
        search(page, "Putin")
        panel = page.locator(".kb-search__panel")
        assert panel.is_visible()
        page.keyboard.press("Escape")
        assert not panel.is_visible()
        assert page.evaluate("document.activeElement.classList.contains('kb-search__input')")
    with subtests.test("Enter in the box opens the first result"):
        found = search_again(page, "Zhirinovsky")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert site_path(page.url) == found[0]["path"] == "actors/vladimir-zhirinovsky/"
    with subtests.test("arrow keys and Enter open a result"):
        found = search(page, "Sobchak")
        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.classList.contains('kb-search__link')")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowUp")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert site_path(page.url) == found[0]["path"]
        assert page.locator("article h1").is_visible()


def test_search_links_and_results_lead_to_real_pages(page, subtests):
    with subtests.test("a search link opens with the results"):
        open_page(page, "?q=Fedorov")
        wait_for_answer(page, "Fedorov")
        assert results(page)[0]["path"] == FYODOROV
    with subtests.test("search from a nested page links to real pages"):
        found = search(page, "Solzhenitsyn", start=NARRATIVE)
        assert found and found[0]["path"].startswith("actors/alexander-solzhenitsyn/")
        with page.expect_navigation():
            page.locator(".kb-search__link").first.click()
        assert site_path(page.url) == found[0]["path"]
        assert page.locator("article h1").inner_text().rstrip("¶").strip() == "Alexander Solzhenitsyn"


def test_the_first_search_downloads_little_and_the_panel_is_accessible_in_both_schemes(browser, base_url, traffic,
                                                                                      subtests):
    from .conftest import watched_page

    # Each scheme is a reader's first visit in a fresh browser: the theme picks the
    # scheme from the system's setting then and keeps it in the browser's storage.
    for scheme in ("light", "dark"):
        for page in watched_page(browser, base_url, traffic, color_scheme=scheme):
            sizes: dict[str, int] = {}

            def measure(response, sizes=sizes):
                sizes[response.url] = len(response.body())

            page.on("response", measure)
            search(page, "Medvedev")
            page.remove_listener("response", measure)
            if scheme == "light":
                with subtests.test("the first search downloads little"):
                    searching = {url: size for url, size in sizes.items() if "/pagefind/" in url}
                    assert not [url for url in sizes if "search_index" in url], "the theme's whole-site index was fetched"
                    assert searching and sum(searching.values()) < 2_000_000, searching
            with subtests.test("no serious accessibility violation", scheme=scheme):
                expected = "slate" if scheme == "dark" else "default"
                page.wait_for_function("s => document.body.dataset.mdColorScheme === s", arg=expected)
                serious = serious_accessibility_violations(page)
                assert not serious, "\n".join(serious)


def test_without_javascript_there_is_no_dead_search_box(page_without_js):
    open_page(page_without_js, HOME)
    assert page_without_js.locator("article h1").is_visible()
    assert not page_without_js.locator(".kb-search").is_visible()


def test_on_a_phone_the_results_fit_the_screen(browser, base_url, traffic, screenshot_dir):
    from .conftest import watched_page

    for page in watched_page(browser, base_url, traffic, viewport={"width": 390, "height": 844}):
        found = search(page, "Medvedev")
        page.screenshot(path=screenshot_dir / "search-phone.png")
        for part in (".kb-search__input", ".kb-search__panel"):
            box = page.locator(part).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (part, box)
        assert found


HOSTILE_TITLE = '<img src=x onerror="window.__kbPwned=1">Dmitry Medvedev'
HOSTILE_TEXT = '<script>window.__kbPwned=2</script><img src=x onerror="window.__kbPwned=3"> Medvedev &amp; co'


def poisoned(route):
    """Serves an index fragment whose text is markup, as if a page's text had been."""
    response = route.fetch()
    raw = gzip.decompress(response.body())
    signature, fragment = raw[:12], json.loads(raw[12:])
    fragment["meta"]["title"] = HOSTILE_TITLE
    fragment["content"] = HOSTILE_TEXT + " " + fragment["content"]
    route.fulfill(response=response, body=gzip.compress(signature + json.dumps(fragment).encode()))


def test_index_text_is_shown_as_text_never_as_markup(page):
    page.route("**/pagefind/fragment/*", poisoned)
    found = search(page, "Medvedev")
    panel = page.locator(".kb-search__panel")
    assert found and found[0]["text"].startswith("Actor " + HOSTILE_TITLE), found[0]
    assert panel.locator("img, script").count() == 0
    assert page.evaluate("window.__kbPwned") is None
    assert panel.locator("mark").count() > 0


# Search in Russian and Kazakh: the box searches the page's language first.
# Pagefind stems Russian, so an inflected word finds the page; it has no
# Kazakh stemmer, so Kazakh pages carry the Kazakh spellings readers type.
# The queries of one language share a page, which loads the index once.
TOKAYEV = "actors/kassym-jomart-tokayev/"
LANGUAGE_SEARCHES = {
    "ru/": [("искусственного государства", NARRATIVE, 1),  # genitive of the narrative's title words
            # The dative, on the first screen of results: the stemmer makes "медвед"
            # of the nominative in his page's title and "медведев" of the other
            # cases, so his page matches through the forms in its text.
            ("Медведеву", ACTOR, 10),
            ("Tokayev", TOKAYEV, 5)],                      # Latin spelling, after sources titled with it
    "kk/": [("Тоқаев", TOKAYEV, 1),                        # Kazakh spelling, before "Тоқаевтың" (mkdocs.kk.yml)
            ("Tokayev", TOKAYEV, 5)],
}


def russian_plural(count: int, one: str, few: str, many: str) -> str:
    if count % 10 == 1 and count % 100 != 11:
        return one
    return few if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14 else many


def test_search_in_russian_and_kazakh_finds_the_entry_in_that_language(page, screenshot_dir, subtests):
    for start in ("kk/", "ru/"):
        open_search(page, start)
        for query, expected, within in LANGUAGE_SEARCHES[start]:
            with subtests.test(start=start, query=query):
                found = [result["path"] for result in search_again(page, query)]
                assert start + expected in found[:within], f"{query!r} on /{start} -> {found[:8]}"
                assert all(path.startswith(start) for path in found), f"other languages' pages without asking: {found}"
                status = page.locator(".kb-search__status").inner_text()
                if start == "ru/":
                    count = int(status.split()[0])
                    words = russian_plural(count, "результат", "результата", "результатов")
                    assert status == f"{count} {words} по запросу «{query}».", status
                else:
                    assert status.startswith(f"«{query}» бойынша ") and status.endswith(" нәтиже."), status
    # Still on /ru/: widened to every language, each result is marked with its language.
    assert [r["path"] for r in search_again(page, "Toqaev")][:1] == ["ru/" + TOKAYEV]
    page.locator(".kb-search__all-languages").check()
    page.wait_for_function("document.querySelectorAll('.kb-search__result .kb-search__language').length > 0")
    wait_for_answer(page, "Toqaev")
    page.screenshot(path=screenshot_dir / "search-all-languages-ru.png")
    marks = {}
    for item in page.locator(".kb-search__result").all():
        path = site_path(item.locator("a.kb-search__link").evaluate("a => a.href"))
        mark = item.locator(".kb-search__language")
        marks[path] = mark.inner_text() if mark.count() else ""
    assert marks.get("ru/" + TOKAYEV) == "" and marks.get("kk/" + TOKAYEV) == "KK" and marks.get(TOKAYEV) == "EN", marks
    expected = {path: "" if path.startswith("ru/") else "KK" if path.startswith("kk/") else "EN" for path in marks}
    assert marks == expected
