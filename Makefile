# Every target creates .venv when it is missing and installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export PORT

.PHONY: demo test test-tool test-service lint-service serve bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "ownership needs Python 3.11 or newer: run 'make PYTHON=python3.11 ...'"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A regular install: the demo shows the command as a user gets it (an editable one makes setuptools warn).
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet .
	@touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	@PATH="$(CURDIR)/$(BIN):$$PATH" sh hooks/demo.sh

test: test-tool test-service

# ruff (lint and format) and import-linter (the package's layers, no cycles: pyproject.toml), then the tests.
test-tool: $(VENV)/.installed-test
	$(BIN)/ruff check ownership tests bench
	$(BIN)/ruff format --check ownership tests bench
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

# The service's suite runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL names
# a server (.ci/postgres.sh starts one); ruff and mypy check it first.
test-service: lint-service
	cd sample_service && ../$(BIN)/python -m coverage erase && \
	  ../$(BIN)/python -m coverage run -m pytest -q && \
	  ../$(BIN)/python -m coverage report

lint-service: $(VENV)/.installed-test
	cd sample_service && ../$(BIN)/ruff check . && ../$(BIN)/ruff format --check . && ../$(BIN)/mypy .

# The sample service on the embedded SQLite (or DATABASE_URL), schema migrated to head first;
# in development, with the page at /ui/ (SERVE_FRONTEND=false hides it).
serve: $(VENV)/.installed-test
	cd sample_service && ../$(BIN)/python -m alembic -c src/db/alembic.ini upgrade head
	cd sample_service && ENVIRONMENT="$${ENVIRONMENT:-development}" \
	  SERVE_FRONTEND="$${SERVE_FRONTEND:-true}" exec ../$(BIN)/python -m uvicorn \
	  --factory main:create_app --host 127.0.0.1 --port $(PORT)

# Times ownership against floors and peers on generated 1k/10k/100k-file repositories (several minutes),
# then one agent's tool call as Claude Code pays for it: the guard, the OS sandbox, the audit.
bench: $(VENV)/.installed-test
	$(BIN)/python bench/bench.py --output bench/RESULTS.md
	printf '\n' >> bench/RESULTS.md
	$(BIN)/python bench/guard_call.py --markdown >> bench/RESULTS.md

clean:
	rm -rf $(VENV) .pytest_cache sample_service/.coverage
