# The two commands of the README. Both create .venv and install tokenmill into it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test bench clean

demo: $(VENV)/.installed
	$(BIN)/tokenmill demo --output demo_output

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest tests

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/read_extract.py
	$(BIN)/python bench/filter_speed.py
	$(BIN)/python bench/filter_quality.py
	$(BIN)/python bench/langid_quality.py
	$(BIN)/python bench/neardup_quality.py
	$(BIN)/python bench/neardup_hplt.py
	$(BIN)/python bench/dedup_speed.py
	$(BIN)/python bench/dedup_scale.py
	$(BIN)/python bench/decontam_quality.py
	$(BIN)/python bench/pii_quality.py
	$(BIN)/python bench/tokenize_speed.py
	$(BIN)/python bench/end_to_end.py
	$(BIN)/python bench/stage_batching.py
	$(BIN)/python bench/scale_on_paper.py

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

$(VENV)/.installed: pyproject.toml setup.py | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml setup.py | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

$(VENV)/.installed-bench: pyproject.toml setup.py | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $(VENV)/.installed $(VENV)/.installed-test $@

clean:
	rm -rf $(VENV) demo_output bench/out
