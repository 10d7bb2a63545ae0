# Techniek Monitor. Two commands matter: `make reports` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The newest quarter the bundled data support (params/base.yaml says period: latest; see the
# README, "Which data a report uses"); `make reports PERIOD=2023Q3` builds another quarter.
# Recursively expanded: asked of techmonitor when a recipe uses it, after the install.
PERIOD ?= $(shell $(BIN)/techmonitor period)
RAW    ?= ../shared/data/raw
# Re-install when the project definition changes.
INSTALLED      := $(VENV)/.installed-run
INSTALLED_TEST := $(VENV)/.installed-test

.PHONY: reports test lint typecheck layers pytest data validate clean help preview benchmark lab lock

help:
	@echo "make reports   build the newest quarter the data support into reports/<period>/"
	@echo "               (make reports PERIOD=2023Q3 for another quarter)"
	@echo "make test      ruff, mypy, import layers and pytest (installs test extras)"
	@echo "make data      rebuild data/ from the raw public files in $(RAW)"
	@echo "make lab       install JupyterLab for techmonitor open (sector authors)"
	@echo "make lock      update the lock files from pyproject.toml"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs come from the lock files (exact versions, the same on every machine); the project
# itself is installed on top without resolving again. `make lock` updates the locks.
$(INSTALLED): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

$(INSTALLED_TEST): pyproject.toml requirements-test.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-test.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@ $(INSTALLED) $(INSTALLED_LAB)

# The author's workbench: JupyterLab for `techmonitor open` (README: "For sector authors").
INSTALLED_LAB := $(VENV)/.installed-lab
$(INSTALLED_LAB): pyproject.toml requirements-lab.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-lab.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@ $(INSTALLED)

lab: $(INSTALLED_LAB)
	@echo "JupyterLab installed: $(BIN)/techmonitor open sector:SLUG"

# Re-resolve the lock files from pyproject.toml (needs PyPI). Commit the three .lock files.
LOCK_FLAGS := --python-version 3.11 --python-platform linux --quiet
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/python -m uv pip compile pyproject.toml $(LOCK_FLAGS) -o requirements.lock
	$(BIN)/python -m uv pip compile pyproject.toml --extra lab $(LOCK_FLAGS) -o requirements-lab.lock
	$(BIN)/python -m uv pip compile pyproject.toml --extra test --extra lab $(LOCK_FLAGS) \
	  -o requirements-test.lock

reports: $(INSTALLED)
	$(BIN)/techmonitor run $(if $(filter file,$(origin PERIOD)),,--period $(PERIOD)) --out reports

data: $(INSTALLED)
	$(BIN)/techmonitor data build --raw $(RAW) --out data

validate: $(INSTALLED)
	$(BIN)/techmonitor validate

lint: $(INSTALLED_TEST)
	$(BIN)/ruff check lib tests benchmarks

typecheck: $(INSTALLED_TEST)
	$(BIN)/mypy

# the import layers and the forbidden imports of pyproject.toml [tool.importlinter]
layers: $(INSTALLED_TEST)
	$(BIN)/lint-imports

pytest: $(INSTALLED_TEST) browser-deps
	$(BIN)/python -m pytest -n 2 --dist loadfile

test: lint typecheck layers pytest

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
$(INSTALLED_BENCH): $(INSTALLED_TEST)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	@touch $@

benchmark: $(INSTALLED_BENCH)
	$(BIN)/python benchmarks/batch.py
	$(BIN)/python benchmarks/preview.py

# First pages of the quarter's appendix as PNG (pdftoppm), for review without a PDF viewer.
preview: $(INSTALLED_TEST) browser-deps
	$(BIN)/python tools/pdf_preview reports/$(PERIOD)/bijlage-$(PERIOD).pdf --pages 8
