# The README's two set-up commands: `make run` and `make test` (and `make lint`).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check
# pytest-xdist workers; `make test JOBS=0` runs in one process.
JOBS   ?= 2

.PHONY: run test lint typecheck format wheel-check lock bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Pinned installs (requirements/*.lock); reinstall when the project or a lock file changes.
$(VENV)/.installed-run: pyproject.toml requirements/seat.lock | $(BIN)/python
	$(PIP) -r requirements/seat.lock
	$(PIP) --no-deps -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml requirements/dev.lock | $(BIN)/python
	$(PIP) -r requirements/dev.lock
	$(PIP) --no-deps -e .
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/hotline demo --if-empty
	$(BIN)/hotline

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -n $(JOBS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check console screens tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix console screens tests bench

# A built wheel, installed in a fresh venv, runs with all its reference data (no source tree).
wheel-check: $(VENV)/.installed-test
	bash .ci/wheel_check

# Regenerate the lock files from pyproject.toml in throw-away venvs.
lock:
	bash .ci/lock

bench: $(VENV)/.installed-test
	for b in bench/*_bench.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache
