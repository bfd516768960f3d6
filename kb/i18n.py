"""The site's languages: message catalogues, dates and numbers in each (Babel).

English is the source language: entries are written in it, and the
interface strings in templates and views are English msgids. Russian and
Kazakh come from gettext catalogues in locales/<lang>/LC_MESSAGES/messages.po,
compiled in memory by Babel when a build starts, so no compiled file is
kept in the repository.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from .dates import PartialDate

LOCALES = Path(__file__).resolve().parent.parent / "locales"
SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "ru", "kk")
TRANSLATED = ("ru", "kk")
# What the language switch shows, each in its own language.
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша"}

# Year patterns per language: CLDR's skeleton gives "2022" for a bare year,
# while Russian and Kazakh write "2022 г." and "2022 ж." (with the narrow
# no-break space CLDR puts before them in full dates).
_YEAR = {"en": "y", "ru": "y\u202f'г.'", "kk": "y\u202f'ж.'"}
_DAY = {"en": "d MMMM y", "ru": "long", "kk": "long"}
# After "ок." (около, which governs the genitive) Russian writes the month
# in the genitive, "ок. августа 2022 г.", not CLDR's stand-alone "август".
_MONTH_AFTER_ABOUT = {"ru": "MMMM y\u202f'г'."}
# Quotation marks as each language prints them (CLDR's delimiters, which
# Babel does not expose; the glossaries use the same).
_QUOTES = {"en": ("“", "”"), "ru": ("«", "»"), "kk": ("«", "»")}


def translations(language: str, locales: Path = LOCALES) -> NullTranslations:
    """The interface strings of a language; English (the msgids) needs none."""
    if language == SOURCE_LANGUAGE:
        return NullTranslations()
    path = locales / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as stream:
        catalog = read_po(stream, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


def tag_names(language: str, locales: Path = LOCALES) -> dict[str, str]:
    """The entries' tags as the language's site shows them (its glossary's `tags`)."""
    path = locales / language / "glossary.yaml"
    if language == SOURCE_LANGUAGE or not path.is_file():
        return {}
    return dict((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("tags") or {})


@dataclass(frozen=True)
class Language:
    """How pages in one language write dates, numbers, tags and interface strings."""

    code: str
    strings: NullTranslations
    tags: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    # A page names the same few dates many times over (an incident's date on
    # every page that lists it); Babel formats each once per build.
    _dates: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(cls, code: str, locales: Path = LOCALES) -> "Language":
        return cls(code, translations(code, locales), tag_names(code, locales))

    def tag(self, slug: str) -> str:
        """A tag's name in the language; its slug where the glossary gives none."""
        return self.tags.get(slug, slug)

    def gettext(self, message: str) -> str:
        return self.strings.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.strings.ngettext(singular, plural, count)

    def plural_forms(self, singular: str, plural: str) -> dict[str, str]:
        """A message in each of the language's CLDR plural categories (one, few,
        many, other), for a script that picks one with Intl.PluralRules: the
        catalogue's form for the first whole number in each category."""
        rule = Locale.parse(self.code).plural_form
        samples: dict[str, int] = {}
        for number in range(200):
            samples.setdefault(rule(number), number)
        # Russian puts no whole number in "other" (it is for fractions); a
        # script that falls back to "other" then says "0 результатов".
        samples.setdefault("other", 0)
        return {category: self.ngettext(singular, plural, number) for category, number in samples.items()}

    def date(self, value: PartialDate, after_about: bool = False) -> str:
        """A date as precise as it is known, in the language's grammar; after_about
        when it follows the word for "about" (labels.ABOUT), which may govern its case."""
        key = (value, after_about)
        if key not in self._dates:
            self._dates[key] = self._format_date(value, after_about)
        return self._dates[key]

    def _format_date(self, value: PartialDate, after_about: bool) -> str:
        if value.day:
            return format_date(value.earliest, _DAY[self.code], locale=self.code)
        if value.month and after_about and self.code in _MONTH_AFTER_ABOUT:
            return format_date(value.earliest, _MONTH_AFTER_ABOUT[self.code], locale=self.code)
        if value.month:
            return format_skeleton("yMMMM", value.earliest, locale=self.code)
        return format_date(value.earliest, _YEAR[self.code], locale=self.code)

    def month_day(self, value: dt.date) -> str:
        """A day of a month without its year ("November 21", "21 ноября")."""
        return format_skeleton("MMMMd", value, locale=self.code)

    def language_name(self, code: str) -> str:
        """A language's name, from its ISO 639-1 code, in this language ("английский")."""
        try:
            return Locale.parse(code).get_display_name(self.code) or code
        except (ValueError, UnknownLocaleError):
            return code

    def quoted(self, text: str) -> str:
        """Text between the language's own quotation marks."""
        start, end = _QUOTES[self.code]
        return f"{start}{text}{end}"

    def number(self, value: int) -> str:
        return format_decimal(value, locale=self.code)
