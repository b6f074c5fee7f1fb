# The README's two commands are `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
OUT ?= out

.PHONY: run test install lint schemas cassettes clean

run: install
	$(VENV)/bin/extractor extract samples/ -o $(OUT)/claims.jsonl --results $(OUT)/results.jsonl
	@echo "claims: $(OUT)/claims.jsonl"

test: install lint
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check extractor tests scripts benchmarks
	$(VENV)/bin/mypy

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[semantic,server,parquet,dev]"
	touch $@

schemas: install
	$(PY) -m extractor.schema schemas

cassettes: install
	$(PY) scripts/record_cassettes.py

clean:
	rm -rf $(VENV) $(OUT)
