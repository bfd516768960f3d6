"""`mkdocs serve` with a broken entry keeps serving the last good site and says
what is wrong, in the terminal and on the page. (`mkdocs build` with a broken
entry fails: tests/test_hostile.py.)"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

from test_hostile import ACTOR, site_copy

BROKEN = ACTOR.format(id="broken").replace("Somebody.", "See [x](javascript:alert(1)).")
DIAGNOSTIC = ("entries/actors/broken.yaml:4: E302 'description' links to 'javascript:alert(1)'; "
              "only http:// and https:// links are allowed")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def wait_for(condition, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = condition()
        except OSError:
            value = None
        if value:
            return value
        time.sleep(0.5)
    return None


def test_serve_keeps_the_last_good_site_and_shows_the_problems(tmp_path):
    root = site_copy(tmp_path / "kb")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("watch: []", "watch: [entries]"), encoding="utf-8")
    port = free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("KB_ROOT", None)
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-f", str(config),
                               "--dev-addr", f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/actors/actor-one/"
    try:
        assert wait_for(lambda: "Actor One" in fetch(url), 120), (tmp_path / "serve.log").read_text()[-3000:]
        (root / "entries/actors/broken.yaml").write_text(BROKEN, encoding="utf-8")
        page = wait_for(lambda: (lambda html: html if "kb-problems" in html else None)(fetch(url)), 120)
        assert page is not None, (tmp_path / "serve.log").read_text()[-3000:]
        assert "Actor One" in page and DIAGNOSTIC.replace("'", "&#39;") in page
        assert DIAGNOSTIC in (tmp_path / "serve.log").read_text()
        (root / "entries/actors/broken.yaml").unlink()
        assert wait_for(lambda: "kb-problems" not in fetch(url) and "Actor One" in fetch(url), 120)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
