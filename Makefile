# make serve   create .venv, install pinned dependencies, serve at http://127.0.0.1:8000
# make test    run the test suite
# make build   write the static site to site/
# make check   validate the entries
# make schemas regenerate the editors' JSON Schemas (schema/json/) after changing the schema
# make bench   run the benchmark (see bench/README.md)
# make messages  update the interface-string catalogues (locales/) after changing templates

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test check schemas pages bench clean messages

$(STAMP): requirements.txt requirements-dev.txt requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c requirements.lock
	touch $(STAMP)

# LANG_SITE=ru or kk serves that language's site instead of English.
serve: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000 -f $(if $(LANG_SITE),mkdocs.$(LANG_SITE).yml,mkdocs.yml)

# Builds every language into a fresh folder (English at its root, Russian and
# Kazakh under ru/ and kk/) and swaps it in only when every build succeeds,
# so a failed build (a bad entry, a broken link) leaves the last good site.
# The swap (kb/swap.py) keeps a complete site at $(SITE) at every instant, and
# first puts back a site an interrupted swap left at $(SITE).old.
# SITE and MKDOCS_CONFIG let the tests build a fixture site the same way.
SITE ?= site
MKDOCS_CONFIG ?= mkdocs.yml
LANGS ?= ru kk
build: $(STAMP)
	$(BIN)/python build_entries.py swap "$(abspath $(SITE))"
	rm -rf "$(abspath $(SITE)).new"
	$(BIN)/mkdocs build --strict -f "$(MKDOCS_CONFIG)" -d "$(abspath $(SITE)).new"
	for lang in $(LANGS); do \
	  $(BIN)/mkdocs build --strict -f "$(basename $(MKDOCS_CONFIG)).$$lang.yml" -d "$(abspath $(SITE)).new/$$lang" || exit 1; \
	done
	$(BIN)/python build_entries.py swap "$(abspath $(SITE))" "$(abspath $(SITE)).new"

check: $(STAMP)
	$(BIN)/python build_entries.py check

schemas: $(STAMP)
	$(BIN)/python build_entries.py schemas

pages: $(STAMP)
	$(BIN)/python build_entries.py

# -n auto: one pytest-xdist worker per core; the session's sites are built
# once for all workers (tests/conftest.py).
test: $(STAMP)
	$(BIN)/python -m pytest tests -ra -n auto

bench: $(STAMP)
	$(BIN)/python bench/run.py

messages: $(STAMP)
	PYTHONPATH=. $(BIN)/pybabel -q extract --no-location --sort-output --project="Kazakhstan Disinformation Knowledge Base" --copyright-holder="the contributors" -k N_ -k N_plural:1,2 -k plural_forms:1,2 -F locales/babel.cfg --ignore-dirs='.* site* bench tests build docs entries' -o locales/messages.pot .
	for lang in ru kk; do \
	  if [ -f locales/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel -q update --no-fuzzy-matching --ignore-obsolete -i locales/messages.pot -d locales -l $$lang; \
	  else $(BIN)/pybabel -q init -i locales/messages.pot -d locales -l $$lang; fi; \
	done

clean:
	rm -rf site build
