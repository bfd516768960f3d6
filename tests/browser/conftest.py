"""The built site in a real browser: Debian's Chromium, driven by Playwright.

One site build, one HTTP server and one browser serve the whole session; every
test gets its own page, which records each request and console message so a
test can fail on an error or on a request that leaves localhost.
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import REPO_URL, ROOT

CHROMIUM = os.environ.get("KB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Every address but the local server's. Playwright matches it in its driver, so a local
# request is not held up for a round trip to Python; anything else is stopped.
NOT_LOCAL = re.compile(r"^(?!(https?://(127\.0\.0\.1|localhost)[:/]|data:|blob:|about:))")
# Keep Chromium from calling home: no updates, sync, QUIC probes or GPU.
OFFLINE_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def unavailable(reason: str):
    """In CI a browser test that cannot run is a failure; on a laptop, a skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # keeps pytest output readable
        pass


@pytest.fixture(scope="session")
def site_dir(real_site) -> Path:
    """The site the browser reads: the real one, in every language."""
    return real_site


@pytest.fixture(scope="session")
def base_url(site_dir) -> str:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install -r requirements-dev.txt)")
    if not Path(CHROMIUM).is_file():
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium chromium-driver)")
    # Playwright gives each launch a fresh temporary profile (--user-data-dir).
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=OFFLINE_FLAGS)
        yield launched
        launched.close()


@dataclass
class Traffic:
    """What a page asked for and complained about."""

    requests: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return ([f"request left localhost: {url}" for url in self.external]
                + [f"console error: {text}" for text in self.errors])


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in LOCAL_HOSTS


def record(context, traffic: Traffic) -> None:
    def route(request_route, request):
        if is_local(request.url):
            request_route.continue_()
        else:
            traffic.external.append(request.url)
            request_route.abort("blockedbyclient")

    context.route(NOT_LOCAL, route)
    context.on("request", lambda request: traffic.requests.append(request.url))
    context.on("console", lambda message: message.type == "error" and traffic.errors.append(
        f"{message.text} ({message.location.get('url', '')})"))
    # The stack names the script that failed, which the message alone does not.
    context.on("weberror", lambda error: traffic.errors.append(f"page error: {error.error.stack or error.error}"))


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


def watched_page(browser, base_url, traffic, **options):
    """A fresh page on the served site; the test fails if it erred or left localhost."""
    settings = {"viewport": {"width": 1280, "height": 900}, **options}
    context = browser.new_context(base_url=base_url, service_workers="block", **settings)
    record(context, traffic)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()
    problems = traffic.problems()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def page(browser, base_url, traffic):
    yield from watched_page(browser, base_url, traffic)


@pytest.fixture
def page_without_js(browser, base_url, traffic):
    """The same, for a reader who has switched JavaScript off."""
    yield from watched_page(browser, base_url, traffic, java_script_enabled=False)


DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SIZES = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(params=list(SIZES))
def sized_page(request, browser, base_url, traffic):
    """A page at a journalist's laptop size and at a phone's (touch, no hover)."""
    size = request.param
    options = {"viewport": SIZES[size]}
    if size == "phone":
        options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
    for page in watched_page(browser, base_url, traffic, **options):
        page.size_name = size
        yield page


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
