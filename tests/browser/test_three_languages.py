"""The same narrative, actor and incident in English, Russian and Kazakh, at a
laptop's size and a phone's: what a reader sees first, kept as screenshots
for a person to look at."""
from __future__ import annotations

import yaml

from conftest import ROOT
from kb.i18n import Language

from .reading import ACTOR, INCIDENT, NARRATIVE

LANGUAGES = ("en", "ru", "kk")
PAGES = {"narrative": NARRATIVE, "actor": ACTOR, "incident": INCIDENT}


def title_in(language: str, path: str) -> str:
    """The entry's title as its file (or its translation's) gives it."""
    folder, entry_id = path.strip("/").split("/")
    suffix = "" if language == "en" else f".{language}"
    data = yaml.safe_load((ROOT / "entries" / folder / f"{entry_id}{suffix}.yaml").read_text(encoding="utf-8"))
    return data.get("title") or data["name"]


def test_the_same_entries_in_each_language_at_both_sizes(sized_page, screenshot_dir, subtests):
    page = sized_page
    width = page.viewport_size["width"]
    for language in LANGUAGES:
        draft = Language.load(language).gettext("Machine-assisted draft translation, not yet checked by a reviewer. "
                                                "The English version is the reference.")
        root = "" if language == "en" else f"{language}/"
        for kind, path in PAGES.items():
            with subtests.test(language=language, kind=kind):
                # "load", not "networkidle": the pages are static, and the suite has a time budget.
                assert page.goto(root + path, wait_until="load").ok
                page.screenshot(path=screenshot_dir / f"{kind}-{language}-{page.size_name}.png")
                assert page.evaluate("document.documentElement.lang") == language
                assert page.locator("article h1").inner_text().rstrip("¶").strip() == title_in(language, path)
                notice = page.locator(".kb-translation--draft")
                if language == "en":
                    assert page.locator(".kb-translation").count() == 0
                else:
                    assert notice.is_visible() and draft in notice.inner_text(), (kind, language)
                current = page.locator(".kb-languages__link[aria-current='true']")
                assert current.get_attribute("hreflang") == language and current.is_visible()
                overflow = page.evaluate("document.documentElement.scrollWidth")
                assert overflow <= width, f"{kind} in {language}: the page is {overflow}px wide on a {width}px screen"
                # Every navigation tab in view, none left beyond the header's edge (Kazakh's are long).
                hidden_tabs = page.evaluate(
                    "[...document.querySelectorAll('.md-tabs__link')].filter(a => a.checkVisibility())"
                    ".filter(a => a.getBoundingClientRect().right > a.closest('.md-tabs__list')"
                    ".getBoundingClientRect().right).map(a => a.textContent.trim())")
                assert hidden_tabs == [], f"{kind} in {language}: tabs beyond the edge: {hidden_tabs}"
