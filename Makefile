# Hotline: `make run` sets up and starts everything; `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
export FLASK_APP := wsgi.py
STAMP  := $(VENV)/.installed

.PHONY: help run setup fonts test test-quick lint format bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(STAMP)

fonts: ## the CJK font the printed 交办单/督办函 embed (scripts/install-fonts.sh, apt)
	bash scripts/install-fonts.sh

setup: $(STAMP) ## create the virtualenv, install, migrate and load demo data
	bash scripts/install-fonts.sh || echo "warning: no CJK font: the PDF documents will answer 503 (docs/TICKETS.md)"
	$(BIN)/flask db upgrade
	$(BIN)/flask seed --demo --if-empty

run: setup ## web + worker + scheduler on http://127.0.0.1:5000 (Ctrl-C stops all)
	$(BIN)/python -m workers.supervise

test: $(STAMP) fonts ## the whole test suite (PostgreSQL/Redis when TEST_DATABASE_URL/TEST_REDIS_URL are set)
	bash scripts/install-browser.sh
	$(BIN)/python -m pytest

test-quick: $(STAMP) fonts ## the quick loop: every test not marked slow (no faults, browser, bench, security)
	$(BIN)/python -m pytest -m "not slow"

lint: $(STAMP) ## ruff check, format check and the import contracts (.importlinter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP) ## ruff format and fix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP) ## the benchmark suite on PostgreSQL + Redis; writes docs/PERFORMANCE.md
	$(BIN)/python -m bench.run

clean: ## remove the virtualenv and local data
	rm -rf $(VENV) instance
