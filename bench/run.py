#!/usr/bin/env python3
"""The benchmark: how check, page generation, the site build and search scale.

    python bench/run.py                      N = 1,000 and 10,000 (about 5 minutes on 2 cores)
    python bench/run.py --sizes 1000         one size only (about 40 seconds)
    python bench/run.py --no-site            no MkDocs build or search
    python bench/run.py --no-history         no git history, no entry dates from it

For each N it generates a synthetic knowledge base (bench/generate.py) under
bench/results/kb-N/ and measures, each in a fresh process so that peak
memory belongs to one phase (the timed phases take turns for --runs rounds,
5 by default, and each one's fastest run counts):

- floors: the libyaml loader alone over the same files, and a bare Jinja
  template rendering one page per entry;
- the engine: `pipeline.check` and `pipeline.generate`, as the hook runs them;
- the site: `mkdocs build` of the repository's mkdocs.yml with the generated
  entries (KB_ROOT), search index included (the hook runs Pagefind after
  the build), --site-runs times (2 by default; the fastest counts), its
  size per page, and what a first search downloads;
- entry dates from git (`pipeline.history_of`), after the generator has
  given the entries a history: on a first run, on the next run and after
  one more commit.

Results go to bench/results/results.json and a summary table to stdout.
Method and measured numbers: bench/README.md.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from search_probe import pagefind_first_search  # noqa: E402

ENTRY_FOLDERS = ("sources", "actors", "narratives", "incidents", "debunks")


# -- phases, each run in its own process ------------------------------------

def phase_floor_yaml(root: Path) -> dict:
    import yaml

    files = sorted(root.glob("entries/*/*.yaml"))
    start = time.perf_counter()
    for path in files:
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    return {"seconds": time.perf_counter() - start, "files": len(files)}


BARE_PAGE = """---
title: {{ d.title or d.name }}
---

# {{ d.title or d.name }}

{% for key, value in d.items() %}
## {{ key }}

{{ value }}

{% endfor %}
"""


def phase_floor_jinja(root: Path) -> dict:
    import jinja2
    import yaml

    docs = [yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader) for p in sorted(root.glob("entries/*/*.yaml"))]
    template = jinja2.Environment().from_string(BARE_PAGE)
    start = time.perf_counter()
    size = sum(len(template.render(d=doc)) for doc in docs)
    return {"seconds": time.perf_counter() - start, "pages": len(docs), "bytes": size}


def phase_engine(root: Path) -> dict:
    from kb import pipeline
    from kb.schema import load_schema

    schema = load_schema()
    start = time.perf_counter()
    result = pipeline.check(root, schema)
    checked = time.perf_counter()
    if not result.ok:
        raise SystemExit(f"generated entries do not pass check: {result.diagnostics[:3]}")
    _graph, pages = pipeline.generate(result, schema)
    generated = time.perf_counter()
    return {"check_seconds": checked - start, "generate_seconds": generated - checked,
            "pages": len(pages), "markdown_bytes": sum(len(p.encode()) for p in pages.values())}


def _timed_history(root: Path) -> dict:
    """Entry dates from git, as the build gets them after its check."""
    from kb import pipeline

    result = pipeline.check(root)
    start = time.perf_counter()
    history = pipeline.history_of(result)
    return {"seconds": time.perf_counter() - start, "entries": len(history)}


def phase_history_first(root: Path) -> dict:
    """A first run: no dates kept yet, the whole log is read."""
    from kb.history import CACHE_FILE

    (root / ".git" / CACHE_FILE).unlink(missing_ok=True)
    return _timed_history(root)


def phase_history_kept(root: Path) -> dict:
    """The next run, HEAD unchanged: the kept dates."""
    return _timed_history(root)


def phase_history_new_commit(root: Path) -> dict:
    """A run after one more commit, which edits one entry."""
    edited = sorted((root / "entries" / "actors").glob("*.yaml"))[0]
    with edited.open("a", encoding="utf-8") as stream:
        stream.write("# revised again\n")
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org",
           "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+00:00", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+00:00"}
    subprocess.run(["git", "-C", str(root), "-c", "commit.gpgsign=false", "commit", "-q", "-am", "Revise one entry"],
                   check=True, capture_output=True, env=env)
    return _timed_history(root)


PHASES = {"floor-yaml": phase_floor_yaml, "floor-jinja": phase_floor_jinja, "engine": phase_engine,
          "history-first": phase_history_first, "history-kept": phase_history_kept,
          "history-new-commit": phase_history_new_commit}
HISTORY_PHASES = ["history-first", "history-kept", "history-new-commit"]


def run_child(command: list[str], env: dict | None = None, cwd: Path = ROOT) -> tuple[str, float]:
    """Runs a command; returns (stdout, wall seconds). Children report their own peak memory."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, **(env or {})}, cwd=cwd)
    out, err = process.communicate()
    seconds = time.perf_counter() - start
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{err[-3000:]}")
    return out, seconds


def measure_phases(names: list[str], root: Path, runs: int) -> dict[str, dict]:
    """Runs each phase `runs` times, each run in a fresh interpreter; keeps each phase's fastest run.

    A shared machine only ever adds time, so the fastest of several runs is
    the best estimate of the work itself (as timeit reports it). The phases
    take turns, round after round, so that a slow spell of the machine
    falls on the floors and the engine alike. Each result also lists every
    run's seconds and the highest peak memory of all runs.
    """
    measured: dict[str, list[dict]] = {name: [] for name in names}
    for _ in range(runs):
        for name in names:
            out, _seconds = run_child([sys.executable, str(Path(__file__)), "--phase", name, str(root)])
            measured[name].append(json.loads(out.splitlines()[-1]))
    return {name: _fastest(results) for name, results in measured.items()}


def _fastest(results: list[dict]) -> dict:
    fastest = min(results, key=_phase_seconds)
    return {**fastest, "runs": [_phase_seconds(r) for r in results], "peak_rss": max(r["peak_rss"] for r in results),
            "worker_peak_rss": max(r["worker_peak_rss"] for r in results)}


def _phase_seconds(measured: dict) -> float:
    return measured.get("seconds", measured.get("check_seconds", 0) + measured.get("generate_seconds", 0))


def phase_main(name: str, root: Path) -> int:
    import resource

    result = PHASES[name](root)
    result["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    # The engine renders in forked workers: the largest of them, counting the
    # pages it still shares with this process.
    result["worker_peak_rss"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(json.dumps(result))
    return 0


def measure_site(kb_root: Path, site: Path, runs: int) -> dict:
    """Builds the site `runs` times with MkDocs, each in a fresh process that
    reports its own peak memory; the fastest build counts, as for the phases."""
    builds = []
    for _ in range(runs):
        shutil.rmtree(site, ignore_errors=True)
        command = [sys.executable, str(Path(__file__)), "--mkdocs", str(site)]
        out, seconds = run_child(command, env={"KB_ROOT": str(kb_root), "NO_MKDOCS_2_WARNING": "1"})
        builds.append((seconds, json.loads(out.splitlines()[-1])["peak_rss"]))
    return {"build_seconds": min(seconds for seconds, _ in builds), "build_runs": [seconds for seconds, _ in builds],
            "peak_rss": max(peak for _, peak in builds), **site_sizes(site)}


def mkdocs_main(site: Path) -> int:
    """Runs `mkdocs build` in this process (so that RUSAGE_SELF is the build's peak)."""
    import resource

    from mkdocs.__main__ import cli

    try:
        # --no-strict: hand-written pages in docs/ link to real entries, which the
        # synthetic knowledge base does not have; those warnings are expected.
        cli.main(["build", "--quiet", "--no-strict", "--site-dir", str(site)], standalone_mode=False)
    finally:
        print(json.dumps({"peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
    return 0


def site_sizes(site: Path) -> dict:
    entry_pages = [p for folder in ENTRY_FOLDERS for p in (site / folder).glob("*/index.html")]
    sizes = [p.stat().st_size for p in entry_pages]
    all_html = list(site.rglob("*.html"))
    return {"entry_pages": len(sizes), "entry_page_mean_bytes": statistics.mean(sizes),
            "entry_page_median_bytes": statistics.median(sizes), "entry_page_max_bytes": max(sizes),
            "entry_page_mean_gzip_bytes": statistics.mean(gzip_size(p) for p in entry_pages[:: max(1, len(entry_pages) // 200)]),
            "html_pages": len(all_html), "site_bytes": sum(p.stat().st_size for p in site.rglob("*") if p.is_file())}


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def measure_search(site: Path, queries: list[str]) -> dict:
    """The site's own search index, as the build wrote it, and a first search on it."""
    bundle = site / "pagefind"
    return {"pagefind_bundle_bytes": sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file()),
            "pagefind_bundle_files": sum(1 for p in bundle.rglob("*") if p.is_file()),
            **pagefind_first_search(site, queries)}


# -- the whole benchmark -------------------------------------------------------

def hub_queries(kb_root: Path) -> tuple[list[str], str]:
    """What a reader would type: an actor's surname, and its name in Cyrillic.

    The actor is the most-linked one that has a Cyrillic alias (ids end in
    their link rank). Returns the queries and the URL of the actor's page,
    which both must find.
    """
    import yaml

    for path in sorted((kb_root / "entries" / "actors").glob("*.yaml"), key=lambda p: p.stem[-5:]):
        actor = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        cyrillic = [alias for alias in actor.get("aliases", []) if not alias.isascii()]
        if cyrillic:
            return [actor["name"].split()[-1], cyrillic[0]], f"/actors/{actor['id']}/"
    raise SystemExit("no actor with a Cyrillic alias")


def bench_size(total: int, with_site: bool, runs: int, site_runs: int, with_history: bool) -> dict:
    import generate

    kb_root = RESULTS / f"kb-{total}"
    shutil.rmtree(kb_root, ignore_errors=True)
    generate.generate(total, kb_root)
    result = {"entries": total}
    print(f"N={total}: floors and engine, {runs} rounds ...", file=sys.stderr)
    timed = measure_phases(["floor-yaml", "floor-jinja", "engine"], kb_root, runs)
    result["floor_yaml"], result["floor_jinja"], result["engine"] = timed["floor-yaml"], timed["floor-jinja"], timed["engine"]
    engine = result["engine"]
    floor = result["floor_yaml"]["seconds"] + result["floor_jinja"]["seconds"]
    result["ratio_check_to_yaml_floor"] = engine["check_seconds"] / result["floor_yaml"]["seconds"]
    result["ratio_generate_to_jinja_floor"] = engine["generate_seconds"] / result["floor_jinja"]["seconds"]
    result["ratio_engine_to_floor"] = (engine["check_seconds"] + engine["generate_seconds"]) / floor
    # Each round's engine run against that round's floors: how far a single
    # comparison moves on this machine.
    result["ratio_engine_to_floor_by_round"] = [
        engine_seconds / (yaml_seconds + jinja_seconds) for yaml_seconds, jinja_seconds, engine_seconds
        in zip(result["floor_yaml"]["runs"], result["floor_jinja"]["runs"], engine["runs"])]
    if with_site:
        print(f"N={total}: mkdocs build ...", file=sys.stderr)
        site = kb_root / "site"
        result["site"] = measure_site(kb_root, site, site_runs)
        print(f"N={total}: search ...", file=sys.stderr)
        queries, hub_url = hub_queries(kb_root)
        result["pagefind"] = measure_search(site, queries)
        result["pagefind"]["hub_page_found"] = {
            query: any(url.endswith(hub_url) for url in urls) for query, urls in result["pagefind"]["top_results"].items()}
    if with_history:
        # Last: the pages above are dated without history, as the floors know none.
        print(f"N={total}: entry dates from git ...", file=sys.stderr)
        result["history_commits"] = generate.commit_history(kb_root)
        result["history"] = measure_phases(HISTORY_PHASES, kb_root, runs)
    return result


def mb(value: float) -> str:
    return f"{value / 1e6:.1f} MB"


def kb(value: float) -> str:
    return f"{value / 1e3:.1f} kB"


def summary(results: list[dict]) -> str:
    rows = [("", *(f"N = {r['entries']:,}" for r in results))]

    def row(label, fn):
        rows.append((label, *(fn(r) for r in results)))

    row("floor: libyaml load", lambda r: f"{r['floor_yaml']['seconds']:.2f} s")
    row("floor: bare Jinja render", lambda r: f"{r['floor_jinja']['seconds']:.2f} s")
    row("check", lambda r: f"{r['engine']['check_seconds']:.2f} s ({r['ratio_check_to_yaml_floor']:.1f}x libyaml)")
    row("page generation", lambda r: f"{r['engine']['generate_seconds']:.2f} s ({r['ratio_generate_to_jinja_floor']:.1f}x Jinja)")
    row("check + generation / floor", lambda r: f"{r['ratio_engine_to_floor']:.2f}x")
    row("check + generation, every run", lambda r: ", ".join(f"{s:.2f}" for s in sorted(r["engine"]["runs"])) + " s")
    row("the same / floor, round by round", lambda r: ", ".join(f"{x:.2f}x" for x in r["ratio_engine_to_floor_by_round"]))
    row("engine peak memory (largest worker)", lambda r: f"{mb(r['engine']['peak_rss'])} ({mb(r['engine']['worker_peak_rss'])})")
    if all("site" in r for r in results):
        row("mkdocs build (full site, search index included)", lambda r: f"{r['site']['build_seconds']:.1f} s")
        row("mkdocs build, every run", lambda r: ", ".join(f"{s:.1f}" for s in r["site"]["build_runs"]) + " s")
        row("mkdocs build peak memory", lambda r: mb(r["site"]["peak_rss"]))
        row("entry page HTML, mean (median)", lambda r: f"{kb(r['site']['entry_page_mean_bytes'])} ({kb(r['site']['entry_page_median_bytes'])})")
        row("entry page HTML, mean gzip", lambda r: kb(r["site"]["entry_page_mean_gzip_bytes"]))
        row("site size", lambda r: f"{mb(r['site']['site_bytes'])} in {r['site']['html_pages']:,} HTML pages")
        row("search index on disk", lambda r: f"{mb(r['pagefind']['pagefind_bundle_bytes'])} in {r['pagefind']['pagefind_bundle_files']:,} files")
        row("first search download", lambda r: f"{kb(r['pagefind']['first_search_bytes'])} ({r['pagefind']['first_search_requests']} requests)")
        row("search box script + style, per page", lambda r: kb(r["pagefind"]["ui_bytes"]))
        row("hub actor in the first 10 results", lambda r: ", ".join(
            f"{q}: {'yes' if ok else 'NO'}" for q, ok in r["pagefind"]["hub_page_found"].items()))
    if all("history" in r for r in results):
        row("git history of the entries", lambda r: f"{r['history_commits']:,} commits")
        row("entry dates from git: first run", lambda r: f"{_first_history(r):.2f} s")
        row("  the next run (HEAD unchanged)", lambda r: f"{r['history']['history-kept']['seconds']:.3f} s")
        row("  after one more commit", lambda r: f"{r['history']['history-new-commit']['seconds']:.3f} s")
    if len(results) >= 2:
        small, large = results[0], results[-1]
        growth = large["entries"] / small["entries"]
        rows.append((f"growth x{growth:.0f} in N", "", ""))
        rows.append(("  check + generation", f"x{_engine_total(large) / _engine_total(small):.1f}", ""))
        if "site" in small and "site" in large:
            rows.append(("  mkdocs build", f"x{large['site']['build_seconds'] / small['site']['build_seconds']:.1f}", ""))
        if "history" in small and "history" in large:
            rows.append(("  entry dates from git, first run", f"x{_first_history(large) / _first_history(small):.1f}", ""))
    width = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(r, width)) + " |" for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in width) + "|")
    return "\n".join(lines)


def _first_history(result: dict) -> float:
    return result["history"]["history-first"]["seconds"]


def _engine_total(result: dict) -> float:
    return result["engine"]["check_seconds"] + result["engine"]["generate_seconds"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--no-site", action="store_true", help="skip the MkDocs build and search")
    parser.add_argument("--no-history", action="store_true", help="skip the git history and the entry dates read from it")
    parser.add_argument("--runs", type=int, default=5,
                        help="runs of each timed phase (floors, engine), each in a fresh process; the fastest counts")
    parser.add_argument("--site-runs", type=int, default=2,
                        help="full site builds per size, each in a fresh process; the fastest counts")
    parser.add_argument("--phase", nargs=2, metavar=("NAME", "ROOT"), help=argparse.SUPPRESS)
    parser.add_argument("--mkdocs", metavar="SITE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        return phase_main(args.phase[0], Path(args.phase[1]))
    if args.mkdocs:
        return mkdocs_main(Path(args.mkdocs))
    RESULTS.mkdir(exist_ok=True)
    started = time.perf_counter()
    results = [bench_size(n, not args.no_site, args.runs, args.site_runs, not args.no_history) for n in args.sizes]
    (RESULTS / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(summary(results))
    print(f"\nbenchmark took {time.perf_counter() - started:.0f} s; details in {RESULTS / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
