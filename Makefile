# The README's commands. `make run` and `make test` install what they need themselves.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= $(shell command -v python3.11 || command -v python3)

.PHONY: install run test lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

# The API on the embedded SQLite database (var/gongkai.sqlite3), loaded with datasets/.
run: install
	$(BIN)/gongkai db upgrade
	$(BIN)/gongkai agencies load examples/agencies.csv
	$(BIN)/gongkai load datasets/*
	@echo
	@echo "Try:"
	@echo "  curl http://127.0.0.1:8000/api/v1/agencies/320800-huaian-government/reports/2024"
	@echo "  curl http://127.0.0.1:8000/api/v1/agencies/320800-huaian-government/reports/2024/applications.csv"
	@echo "  curl 'http://127.0.0.1:8000/api/v1/aggregate/applications?year=2024&region=320000&by=city&scope=government'"
	@echo "  curl 'http://127.0.0.1:8000/api/v1/coverage?year=2024&region=320800'"
	@echo "  curl -o jiangsu-2024.zip 'http://127.0.0.1:8000/api/v1/export?year=2024&region=320000'"
	@echo "  (the API description: http://127.0.0.1:8000/api/v1/openapi.json)"
	@echo
	$(BIN)/gongkai serve --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) var
