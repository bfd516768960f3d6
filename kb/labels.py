"""Every interface label that Python hands to pages, in one place, and the
glossary anchors the labels link to.

The labels are English; N_ marks them for the message catalogue that the
translations will add, as templates mark theirs with _(). Their meanings
are not here: they are the `doc`s and `value_docs` of schema/kb.schema.yaml,
which the glossary page prints.
"""
from __future__ import annotations

from markupsafe import Markup


def N_(text: str) -> str:
    """Marks a label for extraction into the message catalogue; translated where it is printed."""
    return text


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a label that follows a number (extracted with its plural, `make
    messages`); each language's catalogue gives as many forms as its grammar has."""
    return singular, plural


KIND_LABELS = {"source": N_("Source"), "actor": N_("Actor"), "narrative": N_("Narrative"),
               "incident": N_("Incident"), "debunk": N_("Debunk")}
KIND_PLURALS = {"source": N_("Sources"), "actor": N_("Actors"), "narrative": N_("Narratives"),
                "incident": N_("Incidents"), "debunk": N_("Debunks")}
ACTOR_TYPE_LABELS = {
    "person": N_("People"), "tv-channel": N_("TV channels"), "newspaper": N_("Newspapers"),
    "news-agency": N_("News agencies"), "website": N_("Websites"), "telegram-channel": N_("Telegram channels"),
    "social-media-account": N_("Social media accounts"), "government-body": N_("Government bodies"),
    "political-party": N_("Political parties"), "organisation": N_("Organisations"),
}
ACTOR_TYPE_SINGULAR = {
    "person": N_("Person"), "tv-channel": N_("TV channel"), "newspaper": N_("Newspaper"),
    "news-agency": N_("News agency"), "website": N_("Website"), "telegram-channel": N_("Telegram channel"),
    "social-media-account": N_("Social media account"), "government-body": N_("Government body"),
    "political-party": N_("Political party"), "organisation": N_("Organisation"),
}
SOURCE_TYPE_LABELS = {
    "analysis": N_("analysis"), "news-report": N_("news report"), "opinion": N_("opinion"),
    "official-statement": N_("official statement"), "primary-record": N_("primary record"),
    "interview": N_("interview"), "social-media-post": N_("social media post"), "broadcast": N_("broadcast"),
    "book": N_("book"), "dataset": N_("dataset"),
}
VERDICT_LABELS = {"false": N_("False"), "misleading": N_("Misleading"), "unsubstantiated": N_("Unsubstantiated"),
                  "missing-context": N_("Missing context"), "disputed": N_("Disputed")}
ROLE_LABELS = {"originator": N_("originator"), "amplifier": N_("amplifier"), "target": N_("target"),
               "responder": N_("responder"), "subject": N_("subject")}
ATTRIBUTION_LABELS = {"confirmed": N_("confirmed"), "disputed": N_("disputed"), "denied": N_("denied"),
                      "unknown": N_("unknown")}
# What the home page's counts count, after the number ("17 narratives").
KIND_COUNTS = {"narrative": N_plural("narrative", "narratives"), "actor": N_plural("actor", "actors"),
               "incident": N_plural("incident", "incidents"), "debunk": N_plural("debunk", "debunks"),
               "source": N_plural("source", "sources")}
PRECISION_LABELS = {"day": N_("Day"), "month": N_("Month"), "year": N_("Year"), "approximate": N_("About (approximate)")}

# Dates: an inferred date, and the open ends of a period.
ABOUT = N_("about")
NO_DATE = N_("n.d.")  # APA's "no date", in a citation of a page whose history is unknown
SINCE = N_("since {date}")
UNTIL = N_("until {date}")
MAP_TITLE = N_("Map of the entries connected to {title}")
MAP_MORE = N_plural("and {count} more, listed above", "and {count} more, listed above")

# The glossary's sections: (anchor prefix, heading, labels, where the schema defines them).
GLOSSARY_PAGE = "glossary.md"
TERM_GROUPS = {
    "kind": (N_("Kinds of entry"), KIND_LABELS),
    "verdict": (N_("Verdicts"), VERDICT_LABELS),
    "role": (N_("Roles of an actor in an incident"), ROLE_LABELS),
    "attribution": (N_("Attribution"), ATTRIBUTION_LABELS),
    "date": (N_("Dates"), PRECISION_LABELS),
}


class Labels:
    """The labels above in one language: each table and phrase through the
    language's gettext (kb/i18n.py), and glossary links with those words."""

    TABLES = ("KIND_LABELS", "KIND_PLURALS", "ACTOR_TYPE_LABELS", "ACTOR_TYPE_SINGULAR", "SOURCE_TYPE_LABELS",
              "VERDICT_LABELS", "ROLE_LABELS", "ATTRIBUTION_LABELS", "PRECISION_LABELS")
    PHRASES = ("ABOUT", "NO_DATE", "SINCE", "UNTIL", "MAP_TITLE")

    def __init__(self, gettext=None, ngettext=None):
        self.gettext = gettext or (lambda text: text)
        self.ngettext = ngettext or (lambda singular, plural, count: singular if count == 1 else plural)
        for name in self.TABLES:
            setattr(self, name, {key: self.gettext(label) for key, label in globals()[name].items()})
        for name in self.PHRASES:
            setattr(self, name, self.gettext(globals()[name]))
        self.TERM_GROUPS = {group: (self.gettext(heading), {key: self.gettext(label) for key, label in table.items()})
                            for group, (heading, table) in TERM_GROUPS.items()}

    def kind_count(self, kind: str, count: int) -> str:
        """The word for `count` entries of a kind, in the form the number asks for."""
        return self.ngettext(*KIND_COUNTS[kind], count)

    def map_more(self, count: int) -> str:
        """What a map says of the entries it leaves out."""
        return self.ngettext(*MAP_MORE, count).format(count=count)

    def term(self, group: str, value: str, root: str, label: str | None = None) -> Markup:
        """The label (or the given words) as a Markdown link to its definition in the glossary."""
        label = label or self.TERM_GROUPS[group][1][value]
        return Markup(f"[{label}]({root}{GLOSSARY_PAGE}#{anchor(group, value)})")


def heading_anchor(group: str) -> str:
    """The anchor of a glossary section: its English heading's, the same in every language."""
    return "-".join("".join(c for c in TERM_GROUPS[group][0].lower() if c.isalnum() or c == " ").split())


def anchor(group: str, value: str) -> str:
    return f"{group}-{value}"


def term(group: str, value: str, root: str, label: str | None = None) -> Markup:
    """The label (or the given words) as a Markdown link to its definition in the glossary."""
    label = label or TERM_GROUPS[group][1][value]
    return Markup(f"[{label}]({root}{GLOSSARY_PAGE}#{anchor(group, value)})")

# The theme's words mkdocs.yml gives in English (the colour scheme toggles'
# names) and Python-Markdown's title of a heading's permalink; each
# language's build translates them (build_entries.py, on_config).
THEME_STRINGS = (N_("Switch to dark mode"), N_("Switch to light mode"))
PERMALINK_TITLE = N_("Permanent link")

# The navigation's titles (mkdocs.yml's nav; mkdocs.ru.yml and mkdocs.kk.yml
# give them in their language from the catalogue).
NAV_TITLES = (N_("Home"), N_("Narratives"), N_("Actors"), N_("Incidents"), N_("Debunks"), N_("Sources"),
              N_("Timeline"), N_("Who pushes what"), N_("Tags"), N_("Glossary"), N_("About"), N_("Corrections"),
              N_("Data"))
