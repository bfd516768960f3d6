"""Coverage of the real content (issue: every narrative, actor, incident and
debunk in the five source documents), so that it cannot silently regress."""
from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml

from conftest import ROOT
from kb import pipeline


@pytest.fixture(scope="module")
def graph():
    result = pipeline.check(ROOT)
    assert result.ok, [str(d) for d in result.diagnostics]
    return pipeline.graph_of(result)


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
    assert sum(s["source_type"] != "analysis" for s in others) >= 30
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


# --- Issue 21: each fix of the line-by-line audit ---------------------------

def _text(entry) -> str:
    """The entry's published text, less its corrections (which quote the old wording)."""
    import json
    return json.dumps({k: v for k, v in entry.data.items() if k != "corrections"}, ensure_ascii=False)


def _sources(entry) -> set:
    return {c if isinstance(c, str) else c["source"] for c in entry.get("sources") or []}


def _corrected(entry, date="2026-12-02") -> bool:
    return any(str(c["date"]) == date for c in entry.get("corrections") or [])


def test_pugachev_figure_of_14_is_attributed_and_disputed(graph):
    for kind, eid in (("incident", "pugachev-group-1999"), ("actor", "viktor-kazimirchuk")):
        entry = graph.get(kind, eid)
        text = _text(entry)
        assert "group of 14 armed men" not in text
        assert "14" in text and "disputed" in text and "22" in text
        assert "ng-1999-11-24-russian-republic" in _sources(entry)
        assert _corrected(entry)


def test_lavrov_remark_has_its_date(graph):
    incident = graph.get("incident", "lavrov-visa-free-criticism")
    assert str(incident["date"]) == "2018-03-15"
    assert not incident.get("date_approximate")
    assert "rferl-2018-03-16-lavrov-visa-free" in _sources(incident)
    assert _corrected(incident)


def test_medvedev_own_denial_is_attributed_and_unconfirmed(graph):
    entries = [graph.get("incident", "medvedev-office-denial-2022"), graph.get("incident", "medvedev-vk-post-2022-artificial-state"),
               graph.get("debunk", "medvedev-post-authorship"), graph.get("actor", "dmitry-medvedev")]
    for entry in entries:
        text = _text(entry)
        assert "unconfirmed" in text or "no other source read confirms" in text, entry.path
        assert "According to Eurasia Review" in text or "Eurasia Review adds" in text, entry.path
        assert "and then Medvedev himself" not in text
    denial = graph.get("incident", "medvedev-office-denial-2022")
    assert str(denial["date"]) == "2022-08-02" and not denial.get("end_date")
    assert {"dmitry-medvedev": "subject"}.items() <= {a["actor"]: a["role"] for a in denial["actors"]}.items()


def test_osipov_is_a_refuter_of_the_authorship_claim(graph):
    debunk = graph.get("debunk", "medvedev-post-authorship")
    refuters = {r["actor"]: str(r.get("date")) for r in debunk["refuted_by"]}
    assert refuters.get("oleg-osipov") == "2022-08-02"
    assert _corrected(debunk)


def test_border_demarcation_is_amrebaevs_assessment(graph):
    debunk = graph.get("debunk", "kazakhstan-artificial-state")
    facts = debunk["facts"]
    assert "settled in law" not in facts and "settled borders" not in debunk["title"]
    assert "According to Amrebaev, Kazakhstan delimited and demarcated" in facts
    assert {"sarbaz-2023-republic-day", "kazinform-2018-08-12-caspian-convention"} <= _sources(debunk)
    assert _corrected(debunk)


def test_limonov_2001_gives_the_verdict_not_the_plot(graph):
    incident = graph.get("incident", "limonov-2001-uprising-plot")
    assert "convicted only of buying arms" in incident["title"]
    assert "cleared him of all terrorism charges" in incident["summary"]
    assert {"moscow-times-2003-limonov-verdict", "moscow-times-2001-limonov-charged"} <= _sources(incident)
    assert str(incident["date"]) == "2001-04-07"
    explainer = graph.get("narrative", "northern-kazakhstan-is-russian")["explainer"]
    assert "for which he was arrested in 2001" not in explainer and "cleared him of the terrorism charges" in explainer
    assert _corrected(incident)


def test_pskovskie_novosti_is_an_assessment_about_russian_speakers(graph):
    incident = graph.get("incident", "pskovskie-novosti-lessons-2022")
    assert "calls for" not in incident["title"] and "language policy" not in incident["title"]
    assert "sleeping cells" in incident["summary"] and "sleeper cells" not in incident["summary"]
    assert _corrected(incident)


@pytest.mark.parametrize("kind, eid, absent", [
    ("narrative", "foreign-hand-january-2022", "served as the justification for calling in CSTO troops"),
    ("incident", "putin-izvestia-2011-eurasian-union", "Izvestia printed"),
    ("incident", "medvedev-vk-post-2022-artificial-state", "after about nine minutes"),
    ("narrative", "chinese-expansion", "migration"),
    ("narrative", "foreign-partners-threat", "foreigners"),
    ("narrative", "kazakh-russophobia", "or to \\\"flirt with Nazis\\\""),
    ("incident", "mikhaylichenko-lessons-2022", "a few days earlier"),
    ("debunk", "genocide-of-russians-claim", "no evidence was offered"),
    ("debunk", "genocide-of-russians-claim", "modelled on"),
    ("debunk", "us-bioweapons-labs-2020", "no evidence for the claim is presented"),
    ("actor", "embassy-of-kazakhstan-in-ukraine", "thanking the Ukrainian authorities"),
    ("incident", "solzhenitsyn-1990-rebuilding-russia", "the only evidence"),
    ("incident", "csto-deployment-2022", "led by Russian units"),
    ("narrative", "russia-as-benefactor", "at their core"),
    ("incident", "limonov-2016-ideal-russia", "set out a programme of Russian territorial expansion"),
    ("incident", "nazarbayev-1994-eurasian-integration", "under Boris Yeltsin, did not take it up"),
])
def test_low_findings_are_gone(graph, kind, eid, absent):
    assert absent not in _text(graph.get(kind, eid))


def test_low_findings_are_attributed_or_cited(graph):
    assert "kazinform-2018-08-12-caspian-convention" in _sources(graph.get("debunk", "kazakhstan-russian-gift"))
    for kind, eid in (("actor", "kazakhstan-ministry-of-defence"), ("incident", "nato-peacekeeping-centre-2023"), ("debunk", "nato-peacekeeping-centre")):
        assert "tass-2023-10-25-mod-nato-centre" in _sources(graph.get(kind, eid))
    assert "caravanserai-2020-05-28-eaeu-strategy" in _sources(graph.get("actor", "kassym-jomart-tokayev"))
    spit = graph.get("incident", "csto-withdrawal-affront-2022")
    assert {q["speaker"] for q in spit["quotes"]} == {"russian-propagandists"}
    assert "interpretation" in graph.get("incident", "uralsk-cossacks-1991")["summary"]
    assert "aggressive Russian propagandists" in graph.get("actor", "russian-propagandists")["description"]
    assert "foreign audiences" in graph.get("narrative", "artificial-state")["aims"]
    assert "other post-Soviet leaders" in graph.get("incident", "nazarbayev-1994-eurasian-integration")["summary"]
    assert "minimal evidence" in graph.get("incident", "solzhenitsyn-1990-rebuilding-russia")["summary"]
    assert "According to Amrebaev, the law also eased" in graph.get("incident", "putin-citizenship-law-2020")["summary"]
    assert "reported only by that analysis" in graph.get("narrative", "russian-speakers-under-threat")["explainer"]
    assert "Declaration of State Sovereignty" in graph.get("incident", "republic-day-2023-congratulations")["summary"]
    assert "4 October" in graph.get("incident", "putin-izvestia-2011-eurasian-union")["summary"]
    assert not graph.get("incident", "mikhaylichenko-lessons-2022").get("narratives")


# --- Issue 21: what the seeds hold --------------------------------------------

def _quotes_by(graph, speaker):
    return [q for i in graph.all("incident") for q in i.get("quotes") or [] if q["speaker"] == speaker]


def test_medvedev_post_words_are_quotes_with_disputed_attribution(graph):
    post = graph.get("incident", "medvedev-vk-post-2022-artificial-state")
    assert post["attribution"]["status"] == "disputed"
    assert any("artificial state" in q["text"] for q in post["quotes"] if q["speaker"] == "dmitry-medvedev")


@pytest.mark.parametrize("speaker, words", [
    ("evgeny-fyodorov", "Kazakh Constitution"),
    ("eduard-limonov", "never seen such a precedent"),
    ("eduard-limonov", "4 million Russians"),
    ("boris-yeltsin", "as much sovereignty as they want"),
    ("embassy-of-kazakhstan-in-ukraine", "insinuations"),
    ("oleg-osipov", "hacked the account"),
    ("yevgeny-primakov", "Russophobic trash"),
    ("maxim-shevchenko", "mouthpiece"),
    ("evan-gershkovich", "hedging its bets"),
    ("kassym-jomart-tokayev", "20,000 bandits"),
])
def test_quotable_statements_are_recorded(graph, speaker, words):
    assert any(words in q["text"] for q in _quotes_by(graph, speaker)), (speaker, words)


@pytest.mark.parametrize("actor", ["maxim-shevchenko", "evan-gershkovich", "shelby-holliday", "informnapalm", "rossotrudnichestvo", "boris-yeltsin"])
def test_actors_named_in_the_seeds_are_present(graph, actor):
    assert graph.get("actor", actor) is not None
    assert graph.incidents_of_actor.get(actor)


def test_dates_found_in_the_record(graph):
    expected = {"putin-seliger-2014-no-statehood": "2014-08-29", "nikonov-2020-great-gift": "2020-12-10",
                "kazakh-embassy-kyiv-statement-2022": "2022-01-10", "eaeu-2025-strategy-demarche-2020": "2020-05-19",
                "solzhenitsyn-1990-rebuilding-russia": "1990-09-18"}
    for eid, date in expected.items():
        assert str(graph.get("incident", eid)["date"]) == date, eid


def test_editorial_rule_holds_for_the_real_content():
    from kb.editorial import check_editorial

    result = pipeline.check(ROOT)
    assert check_editorial({e.id: e for e in result.entries}) == []


def test_single_source_incidents_say_why(graph):
    single = [i for i in graph.all("incident") if i.get("single_source")]
    assert {"yeltsin-sovereignty-saying", "limonov-2016-ideal-russia", "republic-day-2023-congratulations"} <= {i.id for i in single}
    assert all(i.get("single_source_reason") for i in single)


# --- Issue 21, second round: role dates, independent sources, original wording ---

def _source_ids(cites) -> set:
    return {c if isinstance(c, str) else c["source"] for c in cites or []}


def test_every_role_date_cites_a_source_other_than_the_analyses(graph):
    dated = [(a.id, role) for a in graph.all("actor") for role in a.get("roles") or []
             if role.get("start") or role.get("end")]
    assert len(dated) >= 14
    for actor_id, role in dated:
        cited = _source_ids(role.get("sources"))
        assert cited, (actor_id, role["title"])
        assert all(graph.get("source", sid) is not None for sid in cited), (actor_id, cited)
        assert any(graph.get("source", sid)["source_type"] != "analysis" for sid in cited), (actor_id, cited)


@pytest.mark.parametrize("actor, start, end, source", [
    ("askar-umarov", "2022-01", "2022-09-02", "tass-2022-09-02-umarov-relieved"),
    ("ksenia-sobchak", "2017-12", "2018-03", "tass-2017-12-25-sobchak-nominated"),
    ("sergei-lavrov", "2004", None, "un-news-2004-03-lavrov-appointed"),
    ("kassym-jomart-tokayev", "2019", None, "astana-times-2019-03-tokayev-sworn-in"),
])
def test_role_dates_follow_their_sources(graph, actor, start, end, source):
    role = graph.get("actor", actor)["roles"][0]
    assert str(role["start"]) == start
    assert (str(role["end"]) if role.get("end") else None) == end
    assert source in _source_ids(role["sources"])


def test_changed_role_dates_are_corrected(graph):
    for actor in ("askar-umarov", "ksenia-sobchak"):
        assert _corrected(graph.get("actor", actor)), actor


@pytest.mark.parametrize("incident, independent", [
    ("izvestia-2011-integration-articles", {"belta-2011-10-17-lukashenko-izvestia", "central-asia-online-2011-10-27-nazarbayev-izvestia"}),
    ("pompeo-visit-2020-criticism", {"astana-times-2020-02-pompeo-visit"}),
    ("latin-alphabet-campaign-2017", {"kazinform-2017-10-27-latin-decree", "al-farabi-2022-isenberg-alphabet-shift"}),
    ("sinophobia-tokayev-china-visit-2019", {"tca-2019-09-tokayev-china-protests"}),
    ("biolabs-30-transfer-2023", {"diplomat-2023-09-biolabs-fake", "tass-2023-08-01-biolabs-denial"}),
])
def test_seed_incidents_stand_on_an_independent_source(graph, incident, independent):
    entry = graph.get("incident", incident)
    assert independent <= _sources(entry)
    assert not independent & FIVE


def test_biolabs_story_has_its_date_origin_and_denial(graph):
    incident = graph.get("incident", "biolabs-30-transfer-2023")
    assert str(incident["date"]) == "2023-07-21" and not incident.get("date_approximate")
    roles = {a["actor"]: a["role"] for a in incident["actors"]}
    assert roles["baraeva-telegram-channel"] == "originator"
    assert roles["kazakhstan-ministry-of-health"] == "responder"
    debunk = graph.get("debunk", "thirty-biolabs-transfer")
    assert {r["actor"]: str(r["date"]) for r in debunk["refuted_by"]} == {"kazakhstan-ministry-of-health": "2023-08-01"}
    assert _corrected(incident)


@pytest.mark.parametrize("incident, words", [
    ("pompeo-visit-2020-criticism", "reported only by Amrebaev's analysis"),
    ("sinophobia-tokayev-china-visit-2019", "reported only by Amrebaev's analysis"),
    ("medvedev-post-reactions-2022", "reported only by Eurasia Review"),
])
def test_facts_resting_on_one_analysis_say_so(graph, incident, words):
    assert words in graph.get("incident", incident)["summary"]


def test_generalsvr_claim_is_marked_single_source(graph):
    incident = graph.get("incident", "generalsvr-staging-claim-2022")
    assert incident.get("single_source") is True
    assert "Glavred.info" in incident["single_source_reason"]


ORIGINALS = {
    # speaker: a phrase of the original wording a stored page prints
    "vladimir-putin": "У казахов не было государственности никогда",
    "vyacheslav-nikonov": "Казахстана просто не существовало",
    "yevgeny-primakov": "не сотрудничает с русофобской дрянью",
    "dmitry-rogozin": "На космодроме Байконур мы не будем рады",
    "government-of-kazakhstan": "правом любого суверенного государства",
    "kassym-jomart-tokayev": "Пришлось иметь дело с вооруженными",
    "dmitry-medvedev": "Пока туда не придут русские, порядка не будет",
    "margarita-simonyan": "игры с нациками",
    "kazakhstan-ministry-of-health": "Это фейк",
}


def _quotes_with_originals(graph):
    return [(i, q) for i in graph.all("incident") for q in i.get("quotes") or [] if q.get("original")]


@pytest.mark.parametrize("speaker, words", ORIGINALS.items())
def test_original_wording_is_recorded(graph, speaker, words):
    assert any(words in q["original"] for _i, q in _quotes_with_originals(graph) if q["speaker"] == speaker)


def test_every_original_cites_a_page_in_its_language(graph):
    quotes = _quotes_with_originals(graph)
    assert len(quotes) >= len(ORIGINALS)
    for incident, quote in quotes:
        cite = quote.get("original_source") or quote["source"]
        printed_in = graph.get("source", _source_ids([cite]).pop())
        assert printed_in["language"] == "ru", (incident.id, quote["text"])
        assert printed_in.id not in FIVE


@pytest.fixture(scope="module")
def pages():
    from kb.i18n import Language

    result = pipeline.check(ROOT)
    return {code: pipeline.generate(result, history={}, language=Language.load(code))[1] for code in ("en", "ru")}


def test_positions_show_their_citations(pages):
    positions = pages["en"]["actors/vladimir-putin.md"].split("{ #positions }")[1].split("\n## ")[0]
    lines = [line for line in positions.splitlines() if line.startswith("- ")]
    assert len(lines) == 3 and all("](#ref-" in line for line in lines)
    assert "France 24" in pages["en"]["actors/vladimir-putin.md"]


def test_original_wording_is_shown_with_where_it_is_printed(pages):
    english = pages["en"]["incidents/rossotrudnichestvo-umarov-2022.md"]
    line = next(x for x in english.splitlines() if "*Original:* не сотрудничает с русофобской дрянью" in x)
    assert line.endswith(")") and "](#ref-" in line
    assert "Sputnik Абхазия" in english
    # The Russian page gives the words themselves, once, as the speaker's, not as a translation.
    russian = pages["ru"]["incidents/rossotrudnichestvo-umarov-2022.md"]
    quote_lines = [x for x in russian.splitlines() if x.startswith("> ")]
    assert any(x.startswith("> «не сотрудничает с русофобской дрянью»") for x in quote_lines)
    assert not any("Оригинал:" in x and "дрянью" in x for x in quote_lines)


# --- Issue 22: a platform is a medium or outlet, a place is a place -----------

# Words naming a kind of place or gathering, which a medium's or outlet's name is not.
PLACE_WORDS = {"summit", "forum", "embassy", "university", "region", "trial", "lake", "city", "village",
               "oblast", "conference", "congress", "rally", "court"}


def _incident_files(suffix: str) -> dict[str, dict]:
    """Incident id -> its fields, for the English entries ("") or one language's translations (".ru")."""
    folder = ROOT / "entries" / "incidents"
    files = [p for p in folder.glob(f"*{suffix}.yaml") if p.name.count(".") == suffix.count(".") + 1]
    return {p.name.split(".")[0]: yaml.safe_load(p.read_text(encoding="utf-8")) or {} for p in files}


def _place_names(place: str) -> set[str]:
    """'Uralsk (Oral), western Kazakhstan' -> {'uralsk', 'oral', 'western kazakhstan'}."""
    return {" ".join(part.split()).lower() for part in re.split(r"[;,()]", place) if part.strip()}


@pytest.mark.parametrize("suffix", ["", ".ru", ".kk"])
def test_no_incident_gives_a_place_as_its_platform(suffix):
    incidents = _incident_files(suffix)
    places = {name for fields in incidents.values() if fields.get("place") for name in _place_names(fields["place"])}
    assert places, "no incident names a place"
    wrong = []
    for eid, fields in sorted(incidents.items()):
        platform = fields.get("platform") or ""
        named = {" ".join(p.split()).lower() for p in re.split(r"[;,()]", platform) if p.strip()}
        kinds = PLACE_WORDS & set(re.findall(r"[a-z]+", platform.lower()))
        if named & places or kinds:
            wrong.append(f"{eid}: {platform}")
    assert wrong == [], "platforms that are places"


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_translations_keep_place_and_platform_where_the_english_has_them(language):
    english = _incident_files("")
    # A translation may leave a field out (the English shows); it may not keep one the English moved.
    moved = [f"{eid}: {name}" for eid, fields in _incident_files(f".{language}").items()
             for name in ("platform", "place") if fields.get(name) and not english[eid].get(name)]
    assert moved == []
