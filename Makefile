# Bảo Trợ — the two commands: `make run` and `make test`. Both install what they need.
PYTHON ?= python3
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export UV_PYTHON := $(shell command -v $(PYTHON))
BIN := $(VENV)/bin
MEMBERS := shared/pyproject.toml $(wildcard services/*/pyproject.toml)

.PHONY: install run test test-unit lint format bench asyncapi clean help

help:
	@echo "make run       start the broker and the four services (data under var/)"
	@echo "make test      run every test (PostgreSQL at 127.0.0.1:5432, broker started by fixtures)"
	@echo "make lint      ruff and mypy --strict"
	@echo "make bench     print the benchmark table"
	@echo "make asyncapi  regenerate deploy/asyncapi.yaml from the event catalogue"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv

$(VENV)/.installed: $(UV) uv.lock pyproject.toml $(MEMBERS)
	$(UV) sync --all-packages --frozen --quiet
	@touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/baotro dev --var-dir var

test: install
	$(BIN)/pytest

test-unit: install
	$(BIN)/pytest -m "not integration"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy shared/src services/registry/src services/donations/src services/notifications/src services/reporting/src bench

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

asyncapi: install
	$(BIN)/baotro asyncapi --output deploy/asyncapi.yaml

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache
