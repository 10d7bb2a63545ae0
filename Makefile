# Techniek Monitor. Two commands matter: `make reports` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PERIOD ?= 2023Q3
RAW    ?= ../shared/data/raw
# Re-install when the project definition changes.
INSTALLED      := $(VENV)/.installed-run
INSTALLED_TEST := $(VENV)/.installed-test

.PHONY: reports test lint typecheck pytest data validate clean help preview benchmark

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

pytest: $(INSTALLED_TEST) browser-deps
	$(BIN)/python -m pytest -n 2 --dist loadfile

test: lint typecheck pytest

clean:
	rm -rf reports .pytest_cache .mypy_cache .ruff_cache

# --- browser checks (owned by the reports engineer; hook `browser-deps` into `make test`) ---
# Debian's chromium for the axe-core test and screenshots (never `playwright install`), and
# axe-core from package-lock.json. `make screenshots` writes PNGs of the national report and
# one sector report to reports/$(PERIOD)/screenshots/ (run `make reports` first).
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
.PHONY: browser-deps screenshots

browser-deps:
	@[ -x $(CHROMIUM) ] && command -v pdftoppm >/dev/null || { $(SUDO) apt-get update -qq && \
	  $(SUDO) apt-get install -y -qq chromium poppler-utils; }
	@[ -f node_modules/axe-core/axe.min.js ] || npm ci --no-audit --no-fund

screenshots: $(INSTALLED_TEST) browser-deps
	$(BIN)/techmonitor screenshots --period $(PERIOD) --reports reports
# --- end browser checks ---

# The batch against the naive papermill → nbconvert → WeasyPrint chain (README: figures).
INSTALLED_BENCH := $(VENV)/.installed-bench
$(INSTALLED_BENCH): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@touch $@ $(INSTALLED) $(INSTALLED_TEST)

benchmark: $(INSTALLED_BENCH)
	$(BIN)/python benchmarks/batch.py

# First pages of the quarter's appendix as PNG (pdftoppm), for review without a PDF viewer.
preview: $(INSTALLED_TEST) browser-deps
	$(BIN)/python tools/pdf_preview reports/$(PERIOD)/bijlage-$(PERIOD).pdf --pages 8
