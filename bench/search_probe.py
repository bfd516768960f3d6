"""Measures what a first Pagefind search downloads, by running one.

The site is served over HTTP by a server that counts every byte it sends;
Node runs Pagefind's own client (pagefind.js, as a browser loads it) against
it: it initialises, searches, and loads the first page of results the way
the site's search box does (docs/assets/javascripts/search.js). What the
server sent is what a browser downloads.
"""
from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
from pathlib import Path

RESULTS_SHOWN = 10  # the search box's PAGE_SIZE: results loaded at first
# What the search box adds to every page (loaded with the page, not on search).
UI_FILES = ("assets/javascripts/search.js", "assets/stylesheets/search.css")

NODE_SCRIPT = r"""
const [moduleFile, baseUrl, shown, ...queries] = process.argv.slice(1);
const pagefind = await import(moduleFile);
// The same options and filter counts as the site's search box.
await pagefind.options({ basePath: baseUrl, excerptLength: 24, ranking: { pageLength: 0.2 } });
await pagefind.init();
await pagefind.filters();
const hits = {};
const urls = {};
for (const query of queries) {
  const search = await pagefind.search(query);
  hits[query] = search.results.length;
  const data = await Promise.all(search.results.slice(0, Number(shown)).map((r) => r.data()));
  urls[query] = data.map((d) => d.url);
}
console.log(JSON.stringify({ hits, urls }));
"""


class _CountingHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # keep the benchmark's output readable
        pass

    def copyfile(self, source, outputfile):
        data = source.read()
        self.server.sent.append((self.path, len(data)))
        outputfile.write(data)


def _serve(site: Path):
    handler = functools.partial(_CountingHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.sent = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def pagefind_first_search(site: Path, queries: list[str]) -> dict:
    """Bytes and requests of the first search for the first query; hits for every query."""
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is needed to run Pagefind's client; install nodejs")
    bundle = site / "pagefind"
    server = _serve(site)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/pagefind/"
        first = _run_node(node, bundle, base, queries[:1])
        first_sent = list(server.sent)
        found = _run_node(node, bundle, base, queries)
    finally:
        server.shutdown()
    # The client module itself is loaded by the page's <script>; count it too.
    module_bytes = (bundle / "pagefind.js").stat().st_size
    ui_bytes = sum((site / name).stat().st_size for name in UI_FILES)
    return {"first_search_query": queries[0], "first_search_bytes": module_bytes + sum(n for _, n in first_sent),
            "first_search_requests": len(first_sent) + 1,
            "first_search_files": [path for path, _ in first_sent],
            "ui_bytes": ui_bytes, "hits": found["hits"], "top_results": found["urls"],
            "first_results": first["urls"]}


def _run_node(node: str, bundle: Path, base: str, queries: list[str]) -> dict:
    completed = subprocess.run(
        [node, "--input-type=module", "-e", NODE_SCRIPT, "--", str(bundle / "pagefind.js"), base,
         str(RESULTS_SHOWN), *queries],
        capture_output=True, text=True, timeout=300)
    if completed.returncode:
        raise SystemExit(f"Pagefind search in Node failed:\n{completed.stderr[-2000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])
