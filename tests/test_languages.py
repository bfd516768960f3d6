"""The site in English, Russian and Kazakh: every page in each language, with
its language, alternates and switch; translations shown, and said to be drafts
or out of date; translation files checked against their English entry."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from html import unescape
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

from conftest import KB_FIXTURE, ROOT, run_cli
from kb.i18n import Language

LANGUAGES = ("en", "ru", "kk")


def page_in(site: Path, language: str, path: str) -> Path:
    return (site if language == "en" else site / language) / path / "index.html"


def entry_paths() -> list[str]:
    return sorted(f"{p.parent.name}/{p.name.split('.')[0]}" for p in (KB_FIXTURE / "entries").glob("*/*.yaml")
                  if p.name.count(".") == 1)


def test_every_entry_page_exists_in_every_language_with_its_lang_and_a_switch_to_the_same_page(fixture_site):
    for path in entry_paths():
        for language in LANGUAGES:
            html = page_in(fixture_site, language, path).read_text(encoding="utf-8")
            assert f'<html lang="{language}"' in html, (language, path)
            switch = re.findall(r'class="kb-languages__link" href="([^"]+)" hreflang="(\w+)"', html)
            assert [lang for _href, lang in switch] == list(LANGUAGES)
            here = page_in(fixture_site, language, path).parent
            for href, other in switch:
                assert (here / href / "index.html").resolve() == page_in(fixture_site, other, path).resolve()


def test_the_sitemap_gives_each_page_its_hreflang_alternates(tmp_path):
    # Addresses in a sitemap are whole only when the site's address is known,
    # which the session's fixture site leaves unset; one language shows it.
    site = tmp_path / "kk"
    from sitecheck import build_one

    built = build_one(KB_FIXTURE / "mkdocs.kk.yml", site, KB_SITE_URL="https://example.org/kb/")
    assert built.returncode == 0, built.stderr[-3000:]
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    block = sitemap.split("<loc>https://example.org/kb/kk/actors/actor-one/</loc>")[1].split("</url>")[0]
    assert re.findall(r'hreflang="(\w+)" href="([^"]+)"', block) == [
        ("en", "https://example.org/kb/actors/actor-one/"), ("ru", "https://example.org/kb/ru/actors/actor-one/"),
        ("kk", "https://example.org/kb/kk/actors/actor-one/")]


def test_a_translated_entry_shows_its_text_and_says_it_is_a_draft(fixture_site):
    ru = page_in(fixture_site, "ru", "actors/actor-one").read_text(encoding="utf-8")
    assert "Актор Один" in ru and "Политик, который озвучивает общий нарратив" in ru
    assert 'class="kb-translation kb-translation--draft"' in ru
    kk = page_in(fixture_site, "kk", "actors/actor-one").read_text(encoding="utf-8")
    assert 'class="kb-translation kb-translation--missing"' in kk and "A politician who voices" in kk
    en = page_in(fixture_site, "en", "actors/actor-one").read_text(encoding="utf-8")
    assert "kb-translation" not in en and "Актор Один" not in en.split("Also written")[0]


def git(repo: Path, *args: str, date: str) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="T", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="T",
               GIT_COMMITTER_EMAIL="t@example.org", GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(["git", "-c", "commit.gpgsign=false", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def test_a_translation_older_than_its_english_entry_is_a_warning_and_its_page_says_so(kb_copy, tmp_path):
    git(kb_copy, "init", "-q", date="2024-01-01T00:00:00+00:00")
    git(kb_copy, "add", ".", date="2024-01-01T00:00:00+00:00")
    git(kb_copy, "commit", "-qm", "entries and a translation", date="2024-01-01T00:00:00+00:00")
    english = kb_copy / "entries/actors/actor-one.yaml"
    english.write_text(english.read_text(encoding="utf-8").replace("A politician", "A former politician"), encoding="utf-8")
    git(kb_copy, "commit", "-qam", "the English changes", date="2024-03-05T00:00:00+00:00")
    done = run_cli("check", root=kb_copy)
    assert done.returncode == 0, done.stdout
    assert ("entries/actors/actor-one.ru.yaml:1: W400 the English entry changed on 2024-03-05, after this "
            "translation; bring it up to date (warning)") in done.stdout.splitlines()
    from kb import pipeline
    from kb.i18n import Language

    result = pipeline.check(kb_copy)
    notices = pipeline.translation_notices(result, pipeline.record_of(result).dates, Language.load("ru"))
    assert notices["entries/actors/actor-one.yaml"]["english_changed"] == "5 марта 2024\u202fг."
    assert notices["entries/actors/outlet-two.yaml"] == {"status": "missing"}


def test_an_untranslated_field_in_a_translation_is_refused_with_its_line(kb_copy):
    (kb_copy / "entries/actors/actor-one.kk.yaml").write_text(
        "translation: {status: draft}\nname: Актор Бір\nroles:\n  - title: Депутат\n  - title: Комментатор\n"
        "description: Саясаткер [@report-a, p. 2].\nactor_type: person\n", encoding="utf-8")
    done = run_cli("check", root=kb_copy)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == ("entries/actors/actor-one.kk.yaml:7: E401 'actor_type' is not translated "
                                           "text (it is the English entry's in every language); remove it from the translation")


def test_new_starts_a_translation_that_passes_check_and_refuses_a_second(kb_copy):
    (kb_copy / "entries/actors/actor-one.ru.yaml").unlink()
    done = run_cli("new", "actor", "actor-one", "--translate", "kk", root=kb_copy)
    assert done.returncode == 0 and done.stdout.startswith("wrote entries/actors/actor-one.kk.yaml"), done.stderr
    text = (kb_copy / "entries/actors/actor-one.kk.yaml").read_text(encoding="utf-8")
    assert text.startswith("translation:\n  status: draft")
    assert "roles:\n- title: Deputy\n- title: Commentator\n" in text and "[@report-a, p. 2]" in text
    assert run_cli("check", root=kb_copy).returncode == 0
    again = run_cli("new", "actor", "actor-one", "--translate", "kk", root=kb_copy)
    assert again.returncode == 1 and "already exists" in again.stderr
    missing = run_cli("new", "actor", "nobody", "--translate", "ru", root=kb_copy)
    assert missing.returncode == 1 and "does not exist" in missing.stderr


class InterfaceText(HTMLParser):
    """The words of a page's interface: headings, navigation, buttons, labels, table
    headers, the footer's line, and the titles and labels of controls and links."""

    TAGS = {"h1", "h2", "h3", "button", "label", "th", "summary"}
    ATTRIBUTES = ("title", "aria-label", "placeholder")

    def __init__(self):
        super().__init__()
        self.texts, self.open = [], []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        classes = values.get("class") or ""
        self.texts.extend(" ".join(values[name].split()) for name in self.ATTRIBUTES if values.get(name))
        if tag in self.TAGS or (tag == "a" and "md-tabs__link" in classes) or "md-copyright" == classes:
            self.open.append([tag, ""])

    def handle_endtag(self, tag):
        if self.open and self.open[-1][0] == tag:
            self.texts.append(" ".join(self.open.pop()[1].replace("¶", "").split()))

    def handle_data(self, data):
        if self.open:
            self.open[-1][1] += data


def english_msgids() -> set[str]:
    with (ROOT / "locales" / "messages.pot").open("rb") as stream:
        catalog = read_po(stream)
    return {m.id for m in catalog if isinstance(m.id, str) and m.id and "{" not in m.id and "%" not in m.id
            and len(m.id) > 3}


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_no_english_interface_string_is_left_on_a_russian_or_kazakh_page(fixture_site, language):
    english = english_msgids()
    translations = Language.load(language)
    untranslated = {m for m in english if translations.gettext(m) == m}
    left = set()
    # The fixture's own hand-written pages (home, data, tags) have no translations; the real ones do.
    handwritten = {KB_FIXTURE / "docs" / f"{p}.md" for p in ("index", "data", "tags")}
    skipped = {fixture_site / language / p.stem / "index.html" for p in handwritten} | {fixture_site / language / "index.html"}
    for page in sorted((fixture_site / language).rglob("index.html")):
        if page in skipped:
            continue
        parser = InterfaceText()
        parser.feed(page.read_text(encoding="utf-8"))
        left |= {f"{page.relative_to(fixture_site).parent}: {text}" for text in parser.texts if text in english}
    assert not untranslated, f"{len(untranslated)} strings without a {language} translation, e.g. {sorted(untranslated)[:5]}"
    assert sorted(left) == []


ENGLISH_MONTHS = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|"
                            r"December)\b")


def test_dates_are_written_in_each_languages_grammar(fixture_site):
    # Babel's forms; the page writes CLDR's narrow no-break space as a plain space.
    expected = {"en": "1 May 2020", "ru": "1 мая 2020 г.", "kk": "2020 ж. 1 мамыр"}
    for language, date in expected.items():
        html = page_in(fixture_site, language, "incidents/first-event").read_text(encoding="utf-8")
        assert date in html, language
    # An approximate month after "ок." (около) is in the genitive; a sentence ends with one full stop.
    ru = article_text(page_in(fixture_site, "ru", "incidents").read_text(encoding="utf-8"))
    assert "ок. сентября 2021 г. – октябрь 2021 г." in ru
    assert "г.." not in article_text(page_in(fixture_site, "ru", "sources").read_text(encoding="utf-8"))


def test_the_citation_block_dates_the_page_in_its_language(fixture_site):
    for language in ("ru", "kk"):
        text = article_text(page_in(fixture_site, language, "actors/actor-one").read_text(encoding="utf-8"))
        cite = text[text.index(Language.load(language).gettext("Cite this page")):]
        assert not ENGLISH_MONTHS.search(cite), f"{language}: {cite}"
        assert "г.." not in cite and "ж.." not in cite


def article_text(html: str) -> str:
    """The words of a page's article, without markup, on one line."""
    article = html[html.index("<article"):html.index("</article>")]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", article)).split())


def test_counts_take_the_form_their_number_asks_for_in_each_language(fixture_site):
    # The fixture's narratives are in 2 and 1 incidents; Russian says "2 эпизода", "1 эпизод".
    expected = {"en": ("(2 incidents)", "(1 incident)", "1 debunk,"), "ru": ("(2 эпизода)", "(1 эпизод)", "1 опровержение,"),
                "kk": ("(2 оқиға)", "(1 оқиға)", "1 теріске шығару,")}
    for language, phrases in expected.items():
        narratives = article_text(page_in(fixture_site, language, "narratives").read_text(encoding="utf-8"))
        debunks = article_text(page_in(fixture_site, language, "debunks").read_text(encoding="utf-8"))
        for phrase in phrases:
            assert phrase in narratives + debunks, (language, phrase)
    assert "эпизодов" not in article_text(page_in(fixture_site, "ru", "narratives").read_text(encoding="utf-8"))


def test_russian_counts_of_five_say_the_genitive_plural(kb_copy):
    # Three more incidents of both narratives: 5 in the broad one, 4 in its variant.
    first = (kb_copy / "entries/incidents/first-event.yaml").read_text(encoding="utf-8")
    for number in (3, 4, 5):
        (kb_copy / f"entries/incidents/event-{number}.yaml").write_text(
            first.replace("id: first-event", f"id: event-{number}").replace("2020-05-01", f"2020-05-0{number}"),
            encoding="utf-8")
    from kb import pipeline

    result = pipeline.check(kb_copy)
    assert result.ok, [str(d) for d in result.diagnostics]
    pages = pipeline.generate(result, history={}, language=Language.load("ru"))[1]
    assert "(5 эпизодов)" in pages["narratives/index.md"] and "(4 эпизода)" in pages["narratives/index.md"]
    assert "Зафиксирован:** 5 эпизодов," in pages["narratives/broad.md"]
    assert "— 5 эпизодов (2020" in pages["actors/index.md"] and "— 1 эпизод (" in pages["actors/index.md"]
    assert "5 эпизодов в хронологическом порядке." in pages["timeline.md"]


def glossary_definitions() -> list[str]:
    """What the glossary defines, as the schema writes it in English."""
    from kb.schema import load_schema

    schema = load_schema()
    incident = schema.kinds["incident"]
    pairs = ([(name, kind.doc) for name, kind in schema.kinds.items()]
             + list(schema.kinds["debunk"].field("verdict").value_docs)
             + list(incident.field("actors").items.subfield("role").value_docs)
             + list(incident.field("attribution").subfield("status").value_docs) + list(schema.date_precision))
    return [doc for _value, doc in pairs]


def test_the_glossary_defines_each_term_in_the_pages_language(fixture_site):
    definitions = glossary_definitions()
    english = article_text(page_in(fixture_site, "en", "glossary").read_text(encoding="utf-8"))
    assert all(doc in english for doc in definitions)
    for language in ("ru", "kk"):
        page = article_text(page_in(fixture_site, language, "glossary").read_text(encoding="utf-8"))
        left = [doc for doc in definitions if doc in page]
        assert left == [], f"{language}: English definitions on the glossary page: {left}"
        strings = Language.load(language)
        assert all(strings.gettext(doc) in page for doc in definitions), language


def test_every_tag_has_a_name_in_each_language_and_pages_show_it(fixture_site):
    import yaml

    used = {tag for path in (ROOT / "entries").glob("*/*.yaml") if path.name.count(".") == 1
            for tag in yaml.safe_load(path.read_text(encoding="utf-8")).get("tags") or []}
    for language in ("ru", "kk"):
        names = Language.load(language).tags
        assert sorted(used - set(names)) == [], f"tags without a name in locales/{language}/glossary.yaml"
    # The fixture's broad narrative is tagged "history".
    expected = {"en": "history", "ru": "история", "kk": "тарих"}
    for language, name in expected.items():
        html = page_in(fixture_site, language, "narratives/broad").read_text(encoding="utf-8")
        assert re.search(rf'class="md-tag[^"]*"[^>]*>\s*{name}\s*<', html), language
