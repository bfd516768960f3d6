#!/usr/bin/env python3
"""Writes a synthetic knowledge base of N entries for the benchmark.

    python bench/generate.py N OUT_DIR [--seed S]

The output is deterministic for a given N and seed: the same bytes every
run, on every machine. The entries satisfy the schema, so
`build_entries.py --root OUT_DIR check` passes. Sizes and link density are
modelled on the hand-written entries in entries/:

- the mix of kinds follows what a mature case database holds: most entries
  are incidents, then sources, actors and debunks, a few narratives;
- text fields are as long as the real ones (an explainer of three
  paragraphs, a summary of one or two, a description of a few sentences),
  with an inline citation every two sentences or so;
- links are skewed the way real ones are: a few actors, narratives and
  sources (a head of state, a flagship narrative, a much-cited analysis)
  collect many of the links, so hub pages exist and grow with N;
- actors carry aliases in Latin and Cyrillic script, so search for an
  alias can be tested at scale.

Words come from a generated vocabulary with a Zipf distribution: a search
index of this text is as large and as varied as one of real prose.

With --history, OUT_DIR also becomes a git repository whose history put the
entries there as volunteers would: each entry added as a draft in a commit
of ADDED_PER_COMMIT new entries, then revised to its final text in a commit
of REVISED_PER_COMMIT entries (0.3 commits per entry, one hour apart). The
entry pages' dates come from this history; so does its cost at scale.
"""
from __future__ import annotations

import argparse
import bisect
import itertools
import os
import random
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Share of each kind in the whole (sums to 1).
KIND_MIX = {"incident": 0.45, "source": 0.20, "actor": 0.15, "debunk": 0.15, "narrative": 0.05}
FOLDERS = {"source": "sources", "actor": "actors", "narrative": "narratives",
           "incident": "incidents", "debunk": "debunks"}
MODELINE = "# yaml-language-server: $schema=../../schema/json/{kind}.schema.json\n"

COMMON_WORDS = (
    "the of and to in a that is was for on as with by it at from his her their this which "
    "be are has have had not but an or were been said would its they who one two state "
    "russian kazakh kazakhstan russia moscow border borders territory people language power "
    "government president minister media television channel telegram post claim claims "
    "report reports article analysis deputy duma region north east history soviet union "
    "war security alliance influence sovereignty independence protest unrest aid help "
    "statement interview broadcast speech forum referendum population minority compatriots "
    "citizens passport alphabet latin cyrillic school church army troops peacekeeping "
    "economy gas oil trade sanctions elite experts commentators official officials denied "
    "according argues describes notes writes presented called named spread repeated source"
).split()
SYLLABLES = ("ka za ba ta na ma sa ra la da ny ko zo bo to no mo so ro lo do kh "
             "sh ch ev ov in ar er ul ak ek ik uk ay ey bek tay gul zhan mir sul").split()
CYRILLIC = {
    "kh": "х", "sh": "ш", "ch": "ч", "zh": "ж", "ay": "ай", "ey": "ей", "ny": "ны",
    "a": "а", "b": "б", "d": "д", "e": "е", "g": "г", "i": "и", "k": "к", "l": "л", "m": "м",
    "n": "н", "o": "о", "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "y": "ы", "z": "з",
}
ROLES = ("originator", "amplifier", "amplifier", "target", "responder", "subject")
ACTOR_TYPES = ("person", "person", "person", "tv-channel", "newspaper", "news-agency", "website",
               "telegram-channel", "social-media-account", "government-body", "political-party",
               "organisation")
SOURCE_TYPES = ("analysis", "news-report", "news-report", "opinion", "official-statement",
                "primary-record", "interview", "social-media-post", "broadcast", "book", "dataset")
VERDICTS = ("false", "misleading", "unsubstantiated", "missing-context", "disputed")
ATTRIBUTION = ("confirmed", "confirmed", "disputed", "denied", "unknown")
PLATFORMS = ("Rossiya 1", "Channel One", "VKontakte", "Telegram", "RT", "Sputnik Kazakhstan",
             "Izvestia", "Komsomolskaya Pravda", "YouTube", "State Duma", "Valdai Club")
TAGS = ("borders", "history", "statehood", "language", "csto", "security", "economy", "elections",
        "january-2022", "compatriots", "alphabet", "religion", "separatism", "sanctions", "kremlin")
VOCABULARY_SIZE = 20_000


@dataclass
class Writer:
    """Produces text and picks link targets from one seeded random source."""

    rng: random.Random
    vocabulary: list[str] = field(default_factory=list)
    cumulative: list[float] = field(default_factory=list)

    def __post_init__(self):
        invented = {self._invent_word() for _ in range(VOCABULARY_SIZE)}
        invented = sorted(invented - set(COMMON_WORDS))  # sorted first: set order varies between runs
        self.rng.shuffle(invented)
        self.vocabulary = list(COMMON_WORDS) + invented
        # Zipf: the word of rank r is used in proportion to 1/r.
        weights = [1 / rank for rank in range(1, len(self.vocabulary) + 1)]
        self.cumulative = list(itertools.accumulate(weights))

    def _invent_word(self) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 4)))

    def word(self) -> str:
        at = self.rng.random() * self.cumulative[-1]
        return self.vocabulary[min(bisect.bisect(self.cumulative, at), len(self.vocabulary) - 1)]

    def sentence(self, low: int = 10, high: int = 24) -> str:
        words = [self.word() for _ in range(self.rng.randint(low, high))]
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def line(self, low: int = 4, high: int = 9) -> str:
        return self.sentence(low, high).rstrip(".")

    def paragraph(self, sentences: int, sources: list[str]) -> str:
        """Sentences with an inline citation after every second one or so."""
        out = []
        for index in range(sentences):
            text = self.sentence()
            if sources and (index % 2 == 1 or index == sentences - 1):
                text = text[:-1] + f" [@{self.rng.choice(sources)}, para. {self.rng.randint(1, 40)}]."
            out.append(text)
        return " ".join(out)

    def text(self, paragraphs: int, sentences: tuple[int, int], sources: list[str]) -> str:
        return "\n\n".join(self.paragraph(self.rng.randint(*sentences), sources) for _ in range(paragraphs))

    def skewed(self, population: list[str], count: int) -> list[str]:
        """Distinct picks where the first items are far more likely (hubs)."""
        count = min(count, len(population))
        chosen: dict[str, None] = {}
        while len(chosen) < count:
            rank = int((len(population) + 1) ** self.rng.random()) - 1  # log-uniform: ~1/r
            chosen[population[rank]] = None
        return list(chosen)

    def name(self) -> str:
        return self.rng.choice(self.vocabulary[len(COMMON_WORDS):]).capitalize()

    def date(self, first: int = 2000, last: int = 2024) -> str:
        year = self.rng.randint(first, last)
        precision = self.rng.random()
        if precision < 0.15:
            return f"{year}"
        if precision < 0.3:
            return f"{year}-{self.rng.randint(1, 12):02d}"
        return f"{year}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"


def cyrillic(word: str) -> str:
    out, index = [], 0
    while index < len(word):
        pair = word[index:index + 2].lower()
        if pair in CYRILLIC:
            out.append(CYRILLIC[pair])
            index += 2
        else:
            out.append(CYRILLIC.get(pair[0], pair[0]))
            index += 1
    text = "".join(out)
    return text[:1].upper() + text[1:]


def counts_for(total: int) -> dict[str, int]:
    counts = {kind: max(1, int(total * share)) for kind, share in KIND_MIX.items()}
    counts["incident"] += total - sum(counts.values())
    return counts


def ids_for(kind: str, count: int, w: Writer) -> list[str]:
    prefix = {"source": "src", "actor": "actor", "narrative": "narrative",
              "incident": "incident", "debunk": "debunk"}[kind]
    return [f"{prefix}-{w.word()}-{index:05d}".replace("--", "-") for index in range(1, count + 1)]


# -- one YAML writer per kind -------------------------------------------------
# Values are written as YAML by hand, one field per line like the real entries,
# rather than with yaml.dump, so that the files look like what people write
# (literal blocks for text, flow mappings for citations).

def quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def block(text: str, indent: str = "  ") -> str:
    return "|\n" + "\n".join(indent + line if line else "" for line in text.split("\n"))


def cite(w: Writer, source_id: str) -> str:
    return f"{{source: {source_id}, locator: {quoted(f'paras. {w.rng.randint(1, 20)}-{w.rng.randint(21, 40)}')}}}"


def source_yaml(entry_id: str, w: Writer, ctx: dict) -> str:
    lines = [f"id: {entry_id}",
             f"title: {quoted(w.sentence(5, 12).rstrip('.'))}",
             f"publisher: {quoted(w.name() + ' ' + w.rng.choice(('Review', 'Times', 'Institute', 'Monitor', 'Centre')))}"]
    if w.rng.random() < 0.6:
        lines.append(f"author: {quoted(w.name() + ' ' + w.name())}")
    lines.append(f"published: {quoted(w.date(2005, 2024))}")
    if w.rng.random() < 0.2:
        lines += ["published_approximate: true", f"published_note: {quoted(w.line(8, 16))}"]
    if w.rng.random() < 0.85:
        lines.append(f"url: https://example.org/{entry_id}/{w.word()}")
    lines += [f"language: {w.rng.choice(('en', 'en', 'ru', 'kk'))}",
              f"source_type: {w.rng.choice(SOURCE_TYPES)}",
              "description: " + block(w.text(2, (3, 5), []))]
    if w.rng.random() < 0.5:
        lines.append("notes: " + block(w.text(1, (2, 4), [])))
    return "\n".join(lines)


def actor_yaml(entry_id: str, w: Writer, ctx: dict) -> str:
    first, last = w.name(), w.name()
    aliases = [f"{first[0]}. {last}", f"{first} {last}ov", f"{cyrillic(first)} {cyrillic(last)}", cyrillic(last)]
    sources = w.skewed(ctx["source"], w.rng.randint(1, 3))
    lines = [f"id: {entry_id}", f"name: {quoted(first + ' ' + last)}", "aliases:"]
    lines += [f"  - {quoted(a)}" for a in aliases[: w.rng.randint(1, len(aliases))]]
    lines += [f"actor_type: {w.rng.choice(ACTOR_TYPES)}", f"country: {w.rng.choice(('RU', 'RU', 'KZ', 'UA', 'BY'))}"]
    roles = w.rng.randint(0, 3)
    if roles:
        lines.append("roles:")
        for _ in range(roles):
            start = w.rng.randint(1995, 2020)
            lines += [f"  - title: {quoted(w.line(3, 6))}", f"    start: \"{start}\""]
            if w.rng.random() < 0.5:
                lines.append(f"    end: \"{w.rng.randint(start, 2024)}\"")
    lines += [f"tags: [{', '.join(w.rng.sample(TAGS, w.rng.randint(0, 3)))}]",
              "description: " + block(w.text(1, (4, 7), sources)),
              "sources:"]
    lines += [f"  - {cite(w, s)}" for s in sources]
    return "\n".join(lines)


def narrative_yaml(entry_id: str, w: Writer, ctx: dict) -> str:
    sources = w.skewed(ctx["source"], w.rng.randint(2, 4))
    lines = [f"id: {entry_id}", f"title: {quoted(w.sentence(4, 9).rstrip('.'))}", f"summary: {quoted(w.sentence(14, 26))}"]
    earlier = ctx["narrative"][: ctx["narrative"].index(entry_id)]
    if earlier and w.rng.random() < 0.6:  # parents always come earlier: no cycles
        lines.append(f"parent: {w.skewed(earlier, 1)[0]}")
    lines += [f"tags: [{', '.join(w.rng.sample(TAGS, w.rng.randint(1, 4)))}]",
              "explainer: " + block(w.text(3, (4, 7), sources)), "claims:"]
    lines += [f"  - {quoted(w.sentence(8, 16))}" for _ in range(w.rng.randint(2, 5))]
    lines += ["aims: " + block(w.text(1, (2, 4), sources)), "sources:"]
    lines += [f"  - {cite(w, s)}" for s in sources]
    return "\n".join(lines)


def incident_yaml(entry_id: str, w: Writer, ctx: dict) -> str:
    sources = w.skewed(ctx["source"], w.rng.randint(1, 3))
    actors = w.skewed(ctx["actor"], w.rng.randint(1, 3))
    narratives = w.skewed(ctx["narrative"], w.rng.randint(1, 2))
    date = w.date(2000, 2024)
    lines = [f"id: {entry_id}", f"title: {quoted(w.sentence(6, 12).rstrip('.'))}", f"date: {quoted(date)}"]
    if len(date) == 4:
        lines.append("date_approximate: true")
    lines += ["summary: " + block(w.text(w.rng.randint(1, 2), (3, 6), sources)),
              f"platform: {quoted(w.rng.choice(PLATFORMS))}", "actors:"]
    lines += [f"  - {{actor: {a}, role: {'originator' if i == 0 else w.rng.choice(ROLES)}}}" for i, a in enumerate(actors)]
    lines += ["narratives:"] + [f"  - {n}" for n in narratives]
    quotes = w.rng.choice((0, 0, 1, 1, 2))
    if quotes:
        lines.append("quotes:")
        for _ in range(quotes):
            lines += [f"  - text: {quoted(w.sentence(6, 16))}"]
            if w.rng.random() < 0.5:
                lines.append(f"    original: {quoted(' '.join(cyrillic(w.word()) for _ in range(8)))}")
            lines += [f"    speaker: {w.rng.choice(actors)}", f"    source: {cite(w, w.rng.choice(sources))}"]
        # Source types are drawn at random, so the editorial check (E310) is
        # satisfied the way a contributor with one analysis would.
        lines += ["single_source: true", "single_source_reason: Only the cited analysis records it."]
    if w.rng.random() < 0.7:
        lines += ["attribution:", f"  status: {w.rng.choice(ATTRIBUTION)}"]
        if w.rng.random() < 0.4:
            lines.append("  note: " + block(w.text(1, (2, 3), sources), "    "))
    lines.append("sources:")
    lines += [f"  - {cite(w, s)}" for s in sources]
    return "\n".join(lines)


def debunk_yaml(entry_id: str, w: Writer, ctx: dict) -> str:
    sources = w.skewed(ctx["source"], w.rng.randint(1, 3))
    lines = [f"id: {entry_id}", f"title: {quoted(w.sentence(5, 10).rstrip('.'))}",
             f"claim: {quoted(w.sentence(10, 20))}", f"verdict: \"{w.rng.choice(VERDICTS)}\"",
             "facts: " + block(w.text(w.rng.randint(2, 3), (3, 5), sources))]
    if w.rng.random() < 0.5:
        actor = w.skewed(ctx["actor"], 1)[0]
        lines += ["refuted_by:", f"  - {{actor: {actor}, date: {quoted(w.date(2010, 2024))}, source: {cite(w, sources[0])}}}"]
    lines += ["incidents:"] + [f"  - {i}" for i in w.skewed(ctx["incident"], w.rng.randint(1, 2))]
    lines += ["narratives:"] + [f"  - {n}" for n in w.skewed(ctx["narrative"], 1)]
    lines.append("sources:")
    lines += [f"  - {cite(w, s)}" for s in sources]
    return "\n".join(lines)


WRITERS = {"source": source_yaml, "actor": actor_yaml, "narrative": narrative_yaml,
           "incident": incident_yaml, "debunk": debunk_yaml}


def generate(total: int, out: Path, seed: int = 0) -> dict[str, int]:
    """Writes out/entries/<folder>/<id>.yaml for `total` entries; returns counts per kind."""
    w = Writer(random.Random(seed))
    counts = counts_for(total)
    ctx = {kind: ids_for(kind, counts[kind], w) for kind in WRITERS}
    for kind, ids in ctx.items():
        folder = out / "entries" / FOLDERS[kind]
        folder.mkdir(parents=True, exist_ok=True)
        for entry_id in ids:
            text = MODELINE.format(kind=kind) + WRITERS[kind](entry_id, w, ctx) + "\n"
            (folder / f"{entry_id}.yaml").write_text(text, encoding="utf-8")
    return counts


ADDED_PER_COMMIT = 5
REVISED_PER_COMMIT = 10
FIRST_COMMIT = 1_420_070_400  # 2015-01-01 00:00 UTC
DRAFT_MARK = "# draft, to be revised\n"


def commit_history(out: Path, seed: int = 0) -> int:
    """Makes out a git repository whose history wrote its entries (see the
    module's docstring); returns the number of commits. Deterministic: the
    same commits, with the same ids, for the same entries and seed."""
    rng = random.Random(seed)
    paths = sorted(p.relative_to(out).as_posix() for p in (out / "entries").rglob("*.yaml"))
    finals = {path: (out / path).read_bytes() for path in paths}
    added = paths[:]
    rng.shuffle(added)
    revised = added[:]
    rng.shuffle(revised)
    batches = ([(f"Add {len(batch)} entries", [(path, finals[path] + DRAFT_MARK.encode()) for path in batch])
                for batch in _batches(added, ADDED_PER_COMMIT)]
               + [(f"Revise {len(batch)} entries", [(path, finals[path]) for path in batch])
                  for batch in _batches(revised, REVISED_PER_COMMIT)])
    stream = bytearray()
    for number, (message, files) in enumerate(batches):
        stream += _fast_import_commit(message, FIRST_COMMIT + 3600 * number, files)
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    for command, data in ((["init", "-q"], None), (["symbolic-ref", "HEAD", "refs/heads/main"], None),
                          (["fast-import", "--quiet"], bytes(stream)), (["reset", "-q"], None)):
        subprocess.run(["git", "-C", str(out), *command], input=data, check=True, capture_output=True, env=env)
    return len(batches)


def _batches(items: list, size: int):
    return (items[start:start + size] for start in range(0, len(items), size))


def _fast_import_commit(message: str, seconds: int, files: list[tuple[str, bytes]]) -> bytes:
    """One commit in git fast-import's stream format, on the branch main (each
    commit of the stream follows the one before)."""
    lines = [b"commit refs/heads/main", f"committer Bench <bench@example.org> {seconds} +0000".encode(),
             f"data {len(message.encode())}".encode(), message.encode()]
    for path, content in files:
        lines += [f"M 100644 inline {path}".encode(), f"data {len(content)}".encode(), content]
    return b"\n".join(lines) + b"\n\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("total", type=int, help="number of entries")
    parser.add_argument("out", type=Path, help="directory to write entries/ into (must not hold entries yet)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--history", action="store_true", help="make OUT_DIR a git repository whose history wrote the entries")
    args = parser.parse_args(argv)
    if (args.out / "entries").exists():
        print(f"{args.out / 'entries'} already exists; choose an empty directory", file=sys.stderr)
        return 1
    counts = generate(args.total, args.out, args.seed)
    print(f"{sum(counts.values())} entries written to {args.out / 'entries'}: "
          + ", ".join(f"{n} {FOLDERS[k]}" for k, n in counts.items()))
    if args.history:
        print(f"{commit_history(args.out, args.seed)} commits in the history of {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
