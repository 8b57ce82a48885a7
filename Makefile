# The README's commands. `make run` and `make test` install what they need themselves.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= $(shell command -v python3.11 || command -v python3)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

# The API on the embedded SQLite database (var/gongkai.sqlite3 of this checkout), loaded with
# datasets/; `gongkai serve` prints a few URLs to try. `make run PORT=8001 HOST=…` to move it.
run: install
	$(BIN)/gongkai db upgrade
	$(BIN)/gongkai agencies load examples/agencies.csv
	$(BIN)/gongkai load datasets/*
	$(BIN)/gongkai serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q

# Validation cost against plain Frictionless; the other benchmarks: docs/benchmarks.md.
bench: install
	$(BIN)/python bench/validate_ratio.py

clean:
	rm -rf $(VENV) var
