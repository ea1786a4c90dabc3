# The two commands: `make run` (serve the demo at http://127.0.0.1:8000) and `make test`.
# Everything either needs is installed here, into .venv, on first use.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

CHROMIUM := /usr/bin/chromium

.PHONY: run test install install-test docs bench bench-harvest bench-web bench-trending screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## Create the embedded database, load the demo papers (idempotent) and serve them.
run: $(VENV)/.installed
	$(BIN)/paperwire init --demo
	$(BIN)/paperwire serve

## Install what the tests need (Python packages; Debian's chromium for the browser tests,
## which Playwright drives: no browser download) and run the whole suite.
test: $(VENV)/.installed-test
	@test -x $(CHROMIUM) || { echo "installing chromium (apt) for the browser tests"; \
	  apt-get install -y -qq chromium >/dev/null 2>&1 || \
	  { apt-get update -qq && apt-get install -y -qq chromium; }; }
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Retake the screenshots in docs/screenshots/ (the browser tests save them there).
screenshots: $(VENV)/.installed-test
	PAPERWIRE_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/web/test_browser.py \
	  tests/community/test_browser_community.py tests/foryou/test_browser_foryou.py

## Regenerate docs/CLI.md from the commands' own help.
docs: $(VENV)/.installed
	$(BIN)/python -m paperwire.cli.docs > docs/CLI.md

## The import benchmark (figures go to docs/PERFORMANCE.md).
bench: $(VENV)/.installed-test
	$(BIN)/python bench/import_bulk.py

## The OAI-PMH harvest benchmark: parse and store, and the cs backfill projection.
bench-harvest: $(VENV)/.installed-test
	$(BIN)/python bench/harvest_oai.py
## The web benchmark: wrk (installed from Debian if missing) against `paperwire serve`.
bench-web: $(VENV)/.installed-test
	@command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null 2>&1 || \
	  { apt-get update -qq && apt-get install -y -qq wrk; }
	$(BIN)/python bench/web_load.py $(BENCH_ARGS)
## The trending backtest on the real HF daily papers (about a second).
bench-trending: $(VENV)/.installed-test
	$(BIN)/python bench/trending_backtest.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .hypothesis
