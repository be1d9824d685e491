# One task runner for people and CI. `make run` builds and serves the course; `make test` runs
# every check. Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: run test lint format clean

$(BIN)/conceptgraph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(BIN)/conceptgraph
	$(BIN)/conceptgraph serve

test: $(BIN)/conceptgraph lint
	$(BIN)/python -m pytest

lint: $(BIN)/conceptgraph
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src

format: $(BIN)/conceptgraph
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
