# One task runner for people and CI. `make run` builds and serves the course; `make test` runs
# every check. Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
# pytest-xdist workers for `make test`. Most tests wait on servers, browsers and subprocesses, so
# three workers on two cores finish about twice as fast as one; each runs whole modules
# (--dist loadscope), so a module's own servers start once. TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 3

.PHONY: run test lint format clean

$(BIN)/conceptgraph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(BIN)/conceptgraph
	$(BIN)/conceptgraph serve

test: $(BIN)/conceptgraph lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope

lint: $(BIN)/conceptgraph
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src

format: $(BIN)/conceptgraph
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
