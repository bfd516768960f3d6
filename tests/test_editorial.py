"""kb/editorial.py: an incident with quotes must cite a source that is not an
analysis, or say `single_source: true` with a reason (E310)."""
from __future__ import annotations

from pathlib import Path

from kb import pipeline
from kb.editorial import CODE

SOURCES = {
    "an-analysis": "analysis",
    "a-news-report": "news-report",
}

SOURCE = """id: {id}
title: A document
publisher: A publisher
published: "2022-01-10"
language: en
source_type: {type}
"""

ACTOR = """id: some-actor
name: Some Actor
actor_type: person
description: |
  Someone [@an-analysis].
"""

INCIDENT = """id: {id}
title: Something was said
date: "2022-01-10"
summary: |
  It was said [@an-analysis].
{extra}quotes:
  - text: Something
    speaker: some-actor
    source: {{source: {quote_source}, locator: "para. 1"}}
sources:
  - {{source: {source}, locator: "para. 1"}}
"""

CASES = {
    # id: (entry sources, quote source, extra fields, expected line of an E310 or None)
    "only-analysis": ("an-analysis", "an-analysis", "", 6),
    "news-report-in-sources": ("a-news-report", "an-analysis", "", None),
    "news-report-for-the-quote": ("an-analysis", "a-news-report", "", None),
    "declared-single-source": ("an-analysis", "an-analysis",
                               "single_source: true\nsingle_source_reason: Nothing else reports it.\n", None),
    "single-source-without-reason": ("an-analysis", "an-analysis", "single_source: true\n", 6),
}


def write_kb(root: Path) -> None:
    for folder in ("sources", "actors", "incidents", "narratives", "debunks"):
        (root / "entries" / folder).mkdir(parents=True)
    for sid, stype in SOURCES.items():
        (root / "entries" / "sources" / f"{sid}.yaml").write_text(SOURCE.format(id=sid, type=stype), encoding="utf-8")
    (root / "entries" / "actors" / "some-actor.yaml").write_text(ACTOR, encoding="utf-8")
    for iid, (source, quote_source, extra, _line) in CASES.items():
        text = INCIDENT.format(id=iid, source=source, quote_source=quote_source, extra=extra)
        (root / "entries" / "incidents" / f"{iid}.yaml").write_text(text, encoding="utf-8")
    # An incident without quotes needs nothing more than its analysis.
    no_quote = INCIDENT.format(id="no-quotes", source="an-analysis", quote_source="an-analysis", extra="")
    no_quote = no_quote.split("quotes:")[0] + "sources:\n  - an-analysis\n"
    (root / "entries" / "incidents" / "no-quotes.yaml").write_text(no_quote, encoding="utf-8")


def test_fixture_incidents(tmp_path):
    write_kb(tmp_path)
    found = pipeline.check(tmp_path).diagnostics  # the check runs the editorial rule
    expected = sorted((f"entries/incidents/{iid}.yaml", line) for iid, (*_, line) in CASES.items() if line)
    assert sorted((d.path, d.line) for d in found) == expected
    assert {d.code for d in found} == {CODE}
    assert all(str(d).startswith(d.path + ":") for d in found)

