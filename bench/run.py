#!/usr/bin/env python3
"""The benchmark: the project's build against plain MkDocs + Material on the same pages.

    python bench/run.py                   N = 1,000 and 10,000
    python bench/run.py --sizes 1000      one size only
    python bench/run.py --runs 1          one build of each kind per size instead of 3

For each N it generates a synthetic knowledge base (bench/generate.py) with
a git history under bench/results/kb-N/ and measures, each in a fresh
process that reports its own peak memory:

- check: `pipeline.check` of the entries;
- check + generation: `pipeline.check`, entry dates from git, and every
  generated page and data file (`pipeline.publish`), as the hook runs them;
- the project's full build: `mkdocs build` of the repository's mkdocs.yml
  with the generated entries (KB_ROOT): check, generation, MkDocs and the
  Pagefind index;
- the three languages: the same build for English, Russian and Kazakh
  (mkdocs.yml, mkdocs.ru.yml, mkdocs.kk.yml), as `make build` runs them;
- plain Material: `mkdocs build` of the same generated pages written into a
  docs folder, with the project's nav and Markdown extensions, Material's own
  search plugin and no hook: what the site would cost without this project's
  engine.

The builds of both kinds take turns, --runs rounds; each kind's fastest run
counts. Results go to bench/results/results.json and a table to stdout;
method and results: bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))


# -- phases, each run in its own process ---------------------------------------

def phase_check(root: Path) -> dict:
    from kb import pipeline

    start = time.perf_counter()
    result = pipeline.check(root)
    if not result.ok:
        raise SystemExit(f"generated entries do not pass check: {[str(d) for d in result.diagnostics[:3]]}")
    return {"seconds": time.perf_counter() - start, "entries": len(result.entries)}


def phase_generate(root: Path) -> dict:
    from kb import pipeline
    from kb.site import Site

    start = time.perf_counter()
    files = pipeline.publish(pipeline.check(root), Site())
    return {"seconds": time.perf_counter() - start, "files": len(files)}


def phase_build(root: Path, site: Path) -> dict:
    """The project's own build: the repository's mkdocs.yml, its hook building root's entries."""
    os.environ["KB_ROOT"] = str(root)
    return _mkdocs(ROOT / "mkdocs.yml", site)


def phase_languages(root: Path, site: Path) -> dict:
    """The project's build in all three languages, as `make build` runs it."""
    os.environ["KB_ROOT"] = str(root)
    seconds, pages = 0.0, 0
    for config, target in (("mkdocs.yml", site), ("mkdocs.ru.yml", site / "ru"), ("mkdocs.kk.yml", site / "kk")):
        built = _mkdocs(ROOT / config, target, clean=config == "mkdocs.yml")
        seconds, pages = seconds + built["seconds"], pages + built["html_pages"]
    return {"seconds": seconds, "html_pages": pages}


def phase_plain(root: Path, site: Path) -> dict:
    return _mkdocs(root / "plain" / "mkdocs.yml", site)


def _mkdocs(config: Path, site: Path, clean: bool = True) -> dict:
    from mkdocs.__main__ import cli

    if clean:
        shutil.rmtree(site, ignore_errors=True)
    start = time.perf_counter()
    # --no-strict: the hand-written pages link to real entries, which the
    # synthetic knowledge base does not have; those warnings are expected.
    cli.main(["build", "--quiet", "--no-strict", "-f", str(config), "--site-dir", str(site)], standalone_mode=False)
    return {"seconds": time.perf_counter() - start, "html_pages": sum(1 for _ in site.rglob("*.html"))}


PHASES = {"check": phase_check, "generate": phase_generate, "build": phase_build, "plain": phase_plain,
          "languages": phase_languages}


def phase_main(name: str, root: Path, site: Path | None) -> int:
    result = PHASES[name](root, site) if site else PHASES[name](root)
    result["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(result))
    return 0


def run_phase(name: str, root: Path, site: Path | None = None) -> dict:
    command = [sys.executable, str(Path(__file__)), "--phase", name, str(root)] + ([str(site)] if site else [])
    done = subprocess.run(command, capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"phase {name} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.splitlines()[-1])


# -- the plain Material site ---------------------------------------------------------

def write_plain_site(kb_root: Path) -> None:
    """The generated pages, written as files beside a copy of docs/, with a
    plain Material configuration: the project's nav, Material's search plugin."""
    from kb import pipeline
    from kb.site import Site

    plain = kb_root / "plain"
    shutil.rmtree(plain, ignore_errors=True)
    shutil.copytree(ROOT / "docs", plain / "docs")
    for path, content in pipeline.publish(pipeline.check(kb_root), Site()).items():
        target = plain / "docs" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    project = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader)
    config = {key: project[key] for key in ("site_name", "nav", "markdown_extensions", "extra_css", "extra_javascript")
              if key in project}
    config.update(docs_dir="docs", theme={"name": "material", "font": False},
                  plugins=["search", {"tags": {"tags_name_property": "topics"}}])
    (plain / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml's `!ENV` tags as empty values."""


_ConfigLoader.add_constructor("!ENV", lambda loader, node: None)


# -- the whole benchmark --------------------------------------------------------------

def bench_size(total: int, runs: int) -> dict:
    import generate

    kb_root = RESULTS / f"kb-{total}"
    shutil.rmtree(kb_root, ignore_errors=True)
    generate.generate(total, kb_root)
    commits = generate.commit_history(kb_root)
    write_plain_site(kb_root)
    measured: dict[str, list[dict]] = {name: [] for name in PHASES}
    for round_ in range(runs):
        print(f"N={total}: round {round_ + 1} of {runs} ...", file=sys.stderr)
        measured["check"].append(run_phase("check", kb_root))
        measured["generate"].append(run_phase("generate", kb_root))
        measured["build"].append(run_phase("build", kb_root, kb_root / "site"))
        measured["plain"].append(run_phase("plain", kb_root, kb_root / "plain-site"))
        measured["languages"].append(run_phase("languages", kb_root, kb_root / "site-languages"))
    result = {"entries": total, "commits": commits}
    for name, runs_of in measured.items():
        result[name] = {"seconds": min(r["seconds"] for r in runs_of), "runs": [r["seconds"] for r in runs_of],
                        "peak_rss": max(r["peak_rss"] for r in runs_of)}
    result["ratio_build_to_plain"] = result["build"]["seconds"] / result["plain"]["seconds"]
    result["ratio_languages_to_build"] = result["languages"]["seconds"] / result["build"]["seconds"]
    return result


def summary(results: list[dict]) -> str:
    rows = [("", *(f"N = {r['entries']:,}" for r in results))]

    def row(label, fn):
        rows.append((label, *(fn(r) for r in results)))

    def seconds(name):
        return lambda r: f"{r[name]['seconds']:.2f} s (runs: {', '.join(f'{s:.2f}' for s in r[name]['runs'])})"

    row("check", seconds("check"))
    row("check + dates + generation", seconds("generate"))
    row("full build (check, generation, MkDocs, Pagefind)", seconds("build"))
    row("plain Material, same pages, no hook", seconds("plain"))
    row("full build / plain Material", lambda r: f"{r['ratio_build_to_plain']:.2f}x")
    row("three languages (en, ru, kk)", seconds("languages"))
    row("three languages / English only", lambda r: f"{r['ratio_languages_to_build']:.2f}x")
    row("peak memory: full build", lambda r: f"{r['build']['peak_rss'] / 1e6:.0f} MB")
    row("peak memory: plain Material", lambda r: f"{r['plain']['peak_rss'] / 1e6:.0f} MB")
    if len(results) >= 2:
        small, large = results[0], results[-1]
        growth = large["entries"] / small["entries"]
        row(f"full build growth for x{growth:.0f} entries",
            lambda r: f"x{r['build']['seconds'] / small['build']['seconds']:.1f}")
    width = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(r, width)) + " |" for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in width) + "|")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3, help="rounds of every phase; each phase's fastest run counts")
    parser.add_argument("--phase", nargs="+", metavar="ARG", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        name, root, *site = args.phase
        return phase_main(name, Path(root), Path(site[0]) if site else None)
    RESULTS.mkdir(exist_ok=True)
    started = time.perf_counter()
    results = [bench_size(n, args.runs) for n in args.sizes]
    (RESULTS / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(summary(results))
    print(f"\nbenchmark took {time.perf_counter() - started:.0f} s; details in {RESULTS / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
