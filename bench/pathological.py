#!/usr/bin/env python3
"""Time of every text scan of the check on hostile texts of growing size.

Linear scans take about twice as long for twice the text; the ratio column
says so at a glance. Run with `python bench/pathological.py` (a few seconds).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.text import bracket_problem, find_citations, find_invisible, find_raw_html, plain  # noqa: E402

SHAPES = {
    "reference-definition": lambda n: " x]:\n" + " [\n" * (n // 3),
    "citations": lambda n: "[@a, " * (n // 5),
    "citation-ids": lambda n: "[@" * (n // 2),
    "tags": lambda n: "< " * (n // 2),
    "links": lambda n: "](" + "[" * n,
}


def scan(text: str) -> float:
    start = time.perf_counter()
    bracket_problem(text)
    list(find_raw_html(text))
    list(find_citations(text))
    find_invisible(text)
    plain(text)
    return time.perf_counter() - start


def main() -> int:
    print(f"{'shape':22} {'250 KB':>9} {'500 KB':>9} {'1 MB':>9} {'1 MB / 500 KB':>14}")
    for name, make in SHAPES.items():
        times = [min(scan(make(size)) for _ in range(3)) for size in (250_000, 500_000, 1_000_000)]
        print(f"{name:22} " + " ".join(f"{t:8.3f}s" for t in times) + f" {times[2] / times[1]:13.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
