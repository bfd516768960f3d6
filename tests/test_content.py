"""Coverage of the real content (issue: every narrative, actor, incident and
debunk in the five source documents), so that it cannot silently regress."""
from __future__ import annotations

from collections import Counter

import pytest

from conftest import ROOT
from kb import pipeline


@pytest.fixture(scope="module")
def graph():
    result = pipeline.check(ROOT)
    assert result.ok, [str(d) for d in result.diagnostics]
    return pipeline.generate(result, history={})[0]


MINIMUMS = {"source": 5, "narrative": 12, "actor": 25, "incident": 25, "debunk": 6}


@pytest.mark.parametrize("kind, minimum", MINIMUMS.items())
def test_counts(graph, kind, minimum):
    assert len(graph.all(kind)) >= minimum


FIVE = {"cacds-2020-amrebaev", "eurasia-review-2022", "fpri-kyiv-2022", "novye-izvestia-2022", "tomorrows-affairs-2023"}


def test_the_five_source_documents(graph):
    ids = {s.id for s in graph.all("source")}
    assert FIVE <= ids
    inferred = {s.id for s in graph.all("source") if s.get("published_approximate") and s.id in FIVE}
    assert inferred == {"cacds-2020-amrebaev", "tomorrows-affairs-2023", "fpri-kyiv-2022"}


def test_independent_sources_stand_beside_the_five_analyses(graph):
    # Issue 21: the primary record and independent reporting, not only the five analyses.
    others = [s for s in graph.all("source") if s.id not in FIVE]
    assert len(others) >= 20
    assert all(s["source_type"] != "analysis" for s in others)
    assert all(s.get("url") for s in others)
    # Every inferred date says how it was inferred.
    assert all(s.get("published_note") for s in graph.all("source") if s.get("published_approximate"))


def test_every_incident_debunk_and_quote_cites_a_source(graph):
    for entry in graph.all("incident") + graph.all("debunk"):
        assert entry.get("sources"), entry.path
    for incident in graph.all("incident"):
        for quote in incident.get("quotes") or []:
            assert quote.get("source"), incident.path


def test_every_actor_appears_in_an_incident(graph):
    lonely = [a.id for a in graph.all("actor") if not graph.incidents_of_actor.get(a.id)]
    assert lonely == []


def test_every_narrative_has_at_least_two_incidents(graph):
    counts = {n.id: len(graph.incidents_of_narrative.get(n.id, [])) for n in graph.all("narrative")}
    assert {k: v for k, v in counts.items() if v < 2} == {}


def test_narratives_nest(graph):
    assert sum(1 for n in graph.all("narrative") if n.get("parent")) >= 3


def find_actor(graph, name):
    wanted = name.lower()
    for actor in graph.all("actor"):
        names = [actor.title, *(actor.get("aliases") or [])]
        if any(wanted == n.lower() for n in names):
            return actor
    return None


NAMED = ["Vladimir Putin", "Dmitry Medvedev", "Vyacheslav Nikonov", "Evgeny Fyodorov", "Margarita Simonyan",
         "Eduard Limonov", "Vladimir Zhirinovsky", "Alexander Solzhenitsyn", "Andrey Suzdaltsev",
         "Ksenia Sobchak", "Sergei Lavrov"]


@pytest.mark.parametrize("name", NAMED)
def test_named_actors_are_present(graph, name):
    assert find_actor(graph, name) is not None


@pytest.mark.parametrize("spelling, name", [
    ("Fedorov", "Evgeny Fyodorov"), ("Фёдоров", "Evgeny Fyodorov"), ("Медведев", "Dmitry Medvedev"),
    ("Путин", "Vladimir Putin"), ("Tokaev", "Kassym-Jomart Tokayev"),
])
def test_aliases_cover_transliterations_and_cyrillic(graph, spelling, name):
    actor = find_actor(graph, name)
    assert actor is not None
    assert any(spelling.lower() in alias.lower() for alias in actor.get("aliases") or []), actor.path


def test_medvedev_post_attribution_is_disputed(graph):
    incident = graph.get("incident", "medvedev-vk-post-2022-artificial-state")
    assert incident["attribution"]["status"] == "disputed"
    assert incident["platform"] == "VKontakte"


def test_timeline_runs_from_1990_to_october_2023(graph):
    dates = sorted(e["date"] if isinstance(e["date"], str) else str(e["date"]) for e in graph.all("incident"))
    assert dates[0].startswith("1990")
    assert dates[-1].startswith("2023-10")


def test_known_errors_of_the_copies_are_not_repeated():
    # Source entries name the errors in their notes; no other entry may repeat them.
    text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "entries").rglob("*.yaml")
                     if p.parent.name != "sources")
    lowered = text.lower()
    assert "ciacr" not in lowered
    assert "xnumx" not in lowered
    assert "september 000" not in lowered
    assert "21 copies" not in lowered and "925 copies" not in lowered


def test_actor_types_and_roles_are_varied(graph):
    types = Counter(a["actor_type"] for a in graph.all("actor"))
    assert types["person"] >= 10
    assert sum(n for t, n in types.items() if t in ("tv-channel", "newspaper", "telegram-channel", "website",
                                                    "news-agency", "social-media-account")) >= 5
    assert types["government-body"] >= 2
