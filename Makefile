# cartrepro: every target bootstraps the pinned environment (.venv, from uv.lock) first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.cartrepro-synced
# uv precompiles bytecode: this machine sets PYTHONDONTWRITEBYTECODE=1, without it imports are ~3x slower
export UV_COMPILE_BYTECODE := 1
export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")

DATA ?= data/reconstructed
OUT ?= _build
JOBS ?=
# test processes (pytest-xdist): one per core, at most 4; tests/conftest.py keeps each shared build in one process
TEST_WORKERS ?= auto
# pytest's plugins are named here instead of found through their packages' entry points: pytest rewrites the
# assertions of every module of a plugin's package (all of hypothesis, in every test process) and would load
# typeguard's and platformdirs' plugins, which no test uses (about 3 s of CPU per test process, measured)
PYTEST := PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 $(BIN)/python -m pytest -p xdist.plugin -p _hypothesis_pytestplugin \
	-n $(TEST_WORKERS) --maxprocesses 4 --dist loadgroup

.PHONY: help book run test test-fast bench lint reference clean ensemble bytecode

help:
	@echo "make book       build the site into $(OUT)/html from the shipped cohorts"
	@echo "make test       run the whole test suite"
	@echo "make test-fast  the fast set: unit tests, no kernels or builds (-m 'not slow')"
	@echo "make run DATA=dir [OUT=dir]   build the book on another cohort folder"
	@echo "make bench      speed targets P-1..P-5 with measured value and target (several builds: minutes)"
	@echo "make lint       ruff"
	@echo "make reference  regenerate the R reference fixtures (needs R: see tests/reference/README.md)"
	@echo "make ensemble [SEEDS=50] [JOBS=2]  regenerate data/review/ensemble.csv (admissible cohorts; slow)"
	@echo "make clean      remove $(OUT) and caches"

$(STAMP): pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || { echo "installing uv with pip ..."; $(PYTHON) -m pip install --quiet uv; }
	$(UV) sync --locked --python $(PYTHON)
	@touch $@

# cartrepro's own modules (installed editable: uv compiles only the packages it installs) compiled once here,
# not again in every process that imports them (kernels, test processes): this machine sets
# PYTHONDONTWRITEBYTECODE=1, so Python never writes them itself. Up to date: ~0.1 s. A module edited since is
# compiled in memory as before (Python checks each file's size and time against its compiled copy).
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q src

book: $(STAMP) bytecode
	$(BIN)/cartrepro build --out $(OUT) $(if $(JOBS),--jobs $(JOBS))

run: $(STAMP) bytecode
	$(BIN)/cartrepro build --data $(DATA) --out $(OUT) $(if $(JOBS),--jobs $(JOBS))

test: $(STAMP) bytecode
	$(BIN)/ruff check src tests notebooks bench
	$(PYTEST)

# tests/integration is all slow (its conftest marks it): not even collected here
test-fast: $(STAMP) bytecode
	$(PYTEST) -m "not slow" --ignore=tests/integration

bench: $(STAMP) bytecode
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check src tests notebooks

reference: $(STAMP)
	$(BIN)/python tests/reference/make_cohorts.py
	Rscript tests/reference/make_fixtures.R
	Rscript tests/reference/make_groups_fixtures.R
	Rscript tests/reference/make_proportion_fixtures.R
	Rscript tests/reference/make_ranks_diagnostics_fixtures.R
	$(BIN)/python tests/reference/make_review_inputs.py
	Rscript tests/reference/make_review_fixtures.R
	$(BIN)/python tests/oracle/make_cohorts.py
	Rscript tests/oracle/oracle.R

# the review chapter's ensemble of admissible reconstructions: SEEDS seeds per paper (generated cohorts are
# kept in ENSEMBLE_COHORTS and reused); the committed table is data/review/ensemble.csv + .json
SEEDS ?= 50
ENSEMBLE_COHORTS ?= $(OUT)/ensemble-cohorts
ensemble: $(STAMP)
	$(BIN)/python -m cartrepro.analysis.review.ensemble --seeds $(SEEDS) --jobs $(or $(JOBS),2) --cohorts $(ENSEMBLE_COHORTS)

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache
