"""Payload entries in Chromium: no script runs, however a reader clicks.

The site is built from the injection run of tests/test_hostile.py (every
payload in every text field; what check refuses is replaced by plain text).
A second page holds the raw payloads rendered by kb/markup.py without any
check, so the sanitizer alone is tried too. Every page is loaded and every
link in its content clicked (a link repeated in another field, or a link
within its page repeated on another page, once); no
dialog may open and no console message may come.
"""
from __future__ import annotations

import functools
import shutil
import threading
from http.server import ThreadingHTTPServer
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from browser.conftest import QuietHandler, Traffic, is_local, record
from kb import markup
from test_hostile import PAYLOADS, TEXT_PAYLOADS
from test_hostile_build import ATTACK_LINES

UNCHECKED = "unchecked-payloads.html"


@pytest.fixture(scope="module")
def payload_site(injection, tmp_path_factory):
    """The injection run's site (tests/test_hostile.py), with a page of the raw payloads beside it."""
    _run, _first, second, build, built = injection
    assert second.ok and build.returncode == 0, build.stderr[-3000:] if build else second.summary()
    site = tmp_path_factory.mktemp("payloads") / "site"
    shutil.copytree(built, site)
    raw = [p for p, _must in {**PAYLOADS, **TEXT_PAYLOADS}.values()] + ATTACK_LINES
    blocks = "\n".join(markup.to_html(text) + markup.to_html(markup.prepare(text)) for text in raw)
    (site / UNCHECKED).write_text(f"<!doctype html><html><body><article>{blocks}</article></body></html>",
                                  encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def payload_url(payload_site):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(payload_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def payload_pages(site) -> list[str]:
    # The entry pages the payloads went into, and the page of unchecked payloads.
    # Debunks hold every kind of field (str, text, lists of objects); one kind keeps the run short.
    names = [p.relative_to(site).as_posix() for p in sorted(site.glob("debunks/*/index.html"))
             if any(p.parent.name.endswith(name) for name in (*PAYLOADS, *TEXT_PAYLOADS))]
    return [UNCHECKED, *names]


def test_no_payload_runs_script_on_load_or_click(browser, payload_site, payload_url):
    traffic = Traffic()
    dialogs, messages, clicked = [], [], 0
    context = browser.new_context(base_url=payload_url, service_workers="block")
    record(context, traffic)
    page = context.new_page()
    here = {"url": ""}

    def stay(route, request):
        # A click that would load another document gets "204 No Content",
        # on which a browser stays on the page: leaving is navigation, not
        # script. A script URL makes no request and runs in the page, where
        # the listeners below catch it.
        if request.is_navigation_request() and urldefrag(request.url).url != here["url"]:
            route.fulfill(status=204)
        else:
            route.fallback()

    page.route("**/*", stay)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    # A payload's relative link may lead to a page that does not exist: that 404 is no script.
    page.on("console", lambda message: "404" not in message.text and messages.append(message.text))
    tried: set[tuple[str, str]] = set()
    for name in payload_pages(payload_site):
        url = here["url"] = urljoin(payload_url, name)
        page.goto(url)
        links = page.eval_on_selector_all("article a", "links => links.map(a => [a.getAttribute('href') || '', a.outerHTML])")
        for index, (href, markup_of_link) in enumerate(links):
            target = urljoin(url, href)
            if urlsplit(target).scheme in ("http", "https") and not is_local(target):
                continue  # leaving for another site is navigation, not script; the route would block it
            # The same link (element and destination) in another field does the same
            # on a click; so does the same link to a place in its own page (a
            # heading's permalink, a citation's note) on another page.
            key = (markup_of_link, href if href.startswith("#") else target)
            if key in tried:
                continue
            tried.add(key)
            page.locator("article a").nth(index).click(timeout=2_000, force=True, no_wait_after=True)
            assert urldefrag(page.url).url == url, f"{href!r} left the page"
            clicked += 1
    found = list(dialogs), list(messages)
    # The harness itself: a script link clicked the same way does open a dialog.
    page.set_content("<article><a href=\"javascript:alert('probe')\">probe</a></article>")
    page.locator("article a").first.click(timeout=2_000, force=True)
    page.wait_for_timeout(200)
    context.close()
    assert dialogs[len(found[0]):] == ["probe"]
    assert found == ([], []) and traffic.external == []
    # 25 distinct links on 33 pages when written: the floor catches a harness that finds none.
    assert clicked > 20 and len(payload_pages(payload_site)) > 30, (clicked, len(payload_pages(payload_site)))
