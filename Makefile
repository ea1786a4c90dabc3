# The two commands: `make run` (serve the demo at http://127.0.0.1:8000) and `make test`.
# Everything either needs is installed here, into .venv, on first use.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: run test install install-test docs bench bench-harvest clean

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

## Install what the tests need and run the whole suite.
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Regenerate docs/CLI.md from the commands' own help.
docs: $(VENV)/.installed
	$(BIN)/python -m paperwire.cli.docs > docs/CLI.md

## The import benchmark (figures go to docs/PERFORMANCE.md).
bench: $(VENV)/.installed-test
	$(BIN)/python bench/import_bulk.py

## The OAI-PMH harvest benchmark: parse and store, and the cs backfill projection.
bench-harvest: $(VENV)/.installed-test
	$(BIN)/python bench/harvest_oai.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .hypothesis
