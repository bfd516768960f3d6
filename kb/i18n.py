"""The site's languages: message catalogues, dates and numbers in each (Babel).

English is the source language: entries are written in it, and the
interface strings in templates and views are English msgids. Russian and
Kazakh come from gettext catalogues in locales/<lang>/LC_MESSAGES/messages.po,
compiled in memory by Babel when a build starts, so no compiled file is
kept in the repository.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

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


@dataclass(frozen=True)
class Language:
    """How pages in one language write dates, numbers and interface strings."""

    code: str
    strings: NullTranslations
    # A page names the same few dates many times over (an incident's date on
    # every page that lists it); Babel formats each once per build.
    _dates: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(cls, code: str, locales: Path = LOCALES) -> "Language":
        return cls(code, translations(code, locales))

    def gettext(self, message: str) -> str:
        return self.strings.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.strings.ngettext(singular, plural, count)

    def date(self, value: PartialDate) -> str:
        """A date as precise as it is known, in the language's grammar."""
        if value not in self._dates:
            self._dates[value] = self._format_date(value)
        return self._dates[value]

    def _format_date(self, value: PartialDate) -> str:
        if value.day:
            return format_date(value.earliest, _DAY[self.code], locale=self.code)
        if value.month:
            return format_skeleton("yMMMM", value.earliest, locale=self.code)
        return format_date(value.earliest, _YEAR[self.code], locale=self.code)

    def quoted(self, text: str) -> str:
        """Text between the language's own quotation marks."""
        start, end = _QUOTES[self.code]
        return f"{start}{text}{end}"

    def number(self, value: int) -> str:
        return format_decimal(value, locale=self.code)
