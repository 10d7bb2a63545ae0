# Techniek Monitor. Two commands matter: `make reports` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PERIOD ?= 2023Q3
RAW    ?= ../shared/data/raw
# Re-install when the project definition changes.
INSTALLED      := $(VENV)/.installed-run
INSTALLED_TEST := $(VENV)/.installed-test

.PHONY: reports test lint typecheck pytest data validate clean help

help:
	@echo "make reports   build the quarterly batch ($(PERIOD)) into reports/$(PERIOD)/"
	@echo "make test      ruff, mypy and pytest (installs test extras)"
	@echo "make data      rebuild data/ from the raw public files in $(RAW)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(INSTALLED_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(INSTALLED)

reports: $(INSTALLED)
	$(BIN)/techmonitor run --period $(PERIOD) --out reports

data: $(INSTALLED)
	$(BIN)/techmonitor data build --raw $(RAW) --out data

validate: $(INSTALLED)
	$(BIN)/techmonitor validate

lint: $(INSTALLED_TEST)
	$(BIN)/ruff check lib tests benchmarks

typecheck: $(INSTALLED_TEST)
	$(BIN)/mypy

pytest: $(INSTALLED_TEST)
	$(BIN)/python -m pytest -n 2 --dist loadfile

test: lint typecheck pytest

clean:
	rm -rf reports .pytest_cache .mypy_cache .ruff_cache
