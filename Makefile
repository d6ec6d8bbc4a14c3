# newsweave: two commands (see README)
#   make demo   set up .venv and run the main job on the example corpus
#   make test   set up .venv and run the whole test suite
#   make check  set up .venv and run the linters: ruff (style, bugs) and mypy (types), configured in pyproject.toml
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
OUT := out
DB := $(OUT)/newsweave.db

.PHONY: demo test check setup clean-demo

setup:
	@bash scripts/setup.sh

demo: setup
	@mkdir -p $(OUT)
	$(BIN)/newsweave --db $(DB) run examples/corpus --out $(OUT)
	@echo "open $(abspath $(OUT))/index.html, or browse the store: $(BIN)/newsweave --db $(DB) serve  (http://127.0.0.1:8000)"

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

clean-demo:
	rm -f $(DB) $(DB)-wal $(DB)-shm
