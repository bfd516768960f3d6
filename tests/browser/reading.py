"""What a reader does on the site: open a page, search, read headings and results."""
from __future__ import annotations

from urllib.parse import urlsplit

# The pages a journalist lands on most; every reader-facing check runs on them.
HOME = ""
NARRATIVE = "narratives/artificial-state/"
INCIDENT = "incidents/medvedev-vk-post-2022-artificial-state/"
ACTOR = "actors/dmitry-medvedev/"
DEBUNK = "debunks/medvedev-post-authorship/"
TIMELINE = "timeline/"
OVERVIEW_MAP = "map/"


def open_page(page, path: str, settled: bool = False):
    """Loads a page until its load event, by which the site's scripts (plain
    scripts at the end of the body) have set the page up. settled=True also
    waits until its requests have stopped (networkidle, at least half a second
    more), for a test of everything the page asks for."""
    response = page.goto(path, wait_until="networkidle" if settled else "load")
    assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
    return response


def site_path(url: str) -> str:
    """'http://127.0.0.1:8000/actors/x/?h=y#z' -> 'actors/x/'."""
    return urlsplit(url).path.lstrip("/")


def search(page, query: str, start: str = HOME) -> list[dict]:
    """Types a query into the header's search box as a reader would; returns the result list.

    Each result is the page it links to and the text the reader sees for it.
    """
    open_search(page, start)
    return search_again(page, query)


def open_search(page, start: str = HOME) -> None:
    """Opens a page and presses '/', as a reader would, to reach the search box."""
    open_page(page, start)
    # The box is shown once its script has set up its keys (docs/assets/javascripts/search.js).
    page.locator(".kb-search").wait_for(state="visible")
    page.keyboard.press("/")  # the shortcut; also proves search is reachable by keyboard
    search_box = page.locator(".kb-search__input")
    assert search_box.evaluate("el => el === document.activeElement"), "'/' did not focus the search box"


def search_again(page, query: str) -> list[dict]:
    """Replaces the query in the search box of the page already open; returns the result list."""
    # One query, not one per keystroke: a slow answer to "Dmitri Medv" must not be
    # mistaken for the answer to "Dmitri Medvedev".
    page.locator(".kb-search__input").fill(query)
    wait_for_answer(page, query)
    return results(page)


def wait_for_answer(page, query: str) -> None:
    """The status line names the query once its results are shown, between
    the page language's quotation marks (“English”, «Russian and Kazakh»)."""
    page.wait_for_function(
        "q => { const status = document.querySelector('.kb-search__status').textContent;"
        " return document.querySelector('.kb-search__input').value === q && "
        "(status.includes('\u201c' + q + '\u201d') || status.includes('\u00ab' + q + '\u00bb')); }",
        arg=query)


def results(page) -> list[dict]:
    found = []
    for item in page.locator(".kb-search__result").all():
        link = item.locator("a.kb-search__link")
        found.append({"path": site_path(link.evaluate("a => a.href")), "text": " ".join(item.inner_text().split())})
    return found


def headings(page) -> list[tuple[int, str]]:
    """Every rendered heading of the page, in document order, as (level, text)."""
    return page.eval_on_selector_all(
        "h1, h2, h3, h4, h5, h6",
        "els => els.filter(el => el.getClientRects().length)"
        ".map(el => [Number(el.tagName[1]), el.textContent.trim()])")


def skipped_levels(levels: list[tuple[int, str]]) -> list[str]:
    """Headings that jump more than one level down from the one before ('h2 -> h4 Foo')."""
    problems = []
    for (before, _), (level, text) in zip(levels, levels[1:]):
        if level > before + 1:
            problems.append(f"h{before} -> h{level} {text!r}")
    return problems


def serious_accessibility_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now, with the elements they concern."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} - "
            + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
            for v in violations if v["impact"] in ("serious", "critical")]
