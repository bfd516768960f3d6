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


def open_page(page, path: str):
    """Loads a page and waits until its scripts and their requests have settled."""
    response = page.goto(path, wait_until="networkidle")
    assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
    return response


def site_path(url: str) -> str:
    """'http://127.0.0.1:8000/actors/x/?h=y#z' -> 'actors/x/'."""
    return urlsplit(url).path.lstrip("/")


def search(page, query: str, start: str = HOME) -> list[dict]:
    """Types a query into the header's search box as a reader would; returns the result list.

    Each result is the page it links to and the text the reader sees for it.
    """
    open_page(page, start)
    # The box is shown once its script has set up its keys (docs/assets/javascripts/search.js).
    page.locator(".kb-search").wait_for(state="visible")
    page.keyboard.press("/")  # the shortcut; also proves search is reachable by keyboard
    search_box = page.locator(".kb-search__input")
    assert search_box.evaluate("el => el === document.activeElement"), "'/' did not focus the search box"
    return search_again(page, query)


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
