# make serve   create .venv, install pinned dependencies, serve at http://127.0.0.1:8000
# make test    run the test suite
# make build   write the static site to site/
# make check   validate the entries
# make schemas regenerate the editors' JSON Schemas (schema/json/) after changing the schema
# make bench   run the benchmark (see bench/README.md)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test check schemas pages bench clean

$(STAMP): requirements.txt requirements-dev.txt requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c requirements.lock
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

# Builds into a fresh folder and swaps it in only when the build succeeds, so a
# failed build (a bad entry, a broken link) leaves the last good site in place.
# The swap (kb/swap.py) keeps a complete site at $(SITE) at every instant, and
# first puts back a site an interrupted swap left at $(SITE).old.
# SITE and MKDOCS_CONFIG let the tests build a fixture site the same way.
SITE ?= site
MKDOCS_CONFIG ?= mkdocs.yml
build: $(STAMP)
	$(BIN)/python build_entries.py swap "$(abspath $(SITE))"
	rm -rf "$(abspath $(SITE)).new"
	$(BIN)/mkdocs build --strict -f "$(MKDOCS_CONFIG)" -d "$(abspath $(SITE)).new"
	$(BIN)/python build_entries.py swap "$(abspath $(SITE))" "$(abspath $(SITE)).new"

check: $(STAMP)
	$(BIN)/python build_entries.py check

schemas: $(STAMP)
	$(BIN)/python build_entries.py schemas

pages: $(STAMP)
	$(BIN)/python build_entries.py

test: $(STAMP)
	$(BIN)/python -m pytest tests -ra

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf site build
