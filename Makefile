# The two commands of the README. Both create .venv and install tokenmill into it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test test-torch bench clean

demo: $(VENV)/.installed
	$(BIN)/tokenmill demo --output demo_output

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest tests

# The torch side, apart from `make test`: PlanDataset under DataLoader workers and StatefulDataLoader,
# and megatron-core reading the Megatron export. PyPI's Linux torch wheel is a CUDA build of several GB,
# so torch's CPU build is installed first, by an exact version that pip finds on this machine's disk;
# elsewhere, give TORCH_SPEC and PyTorch's CPU index (PIP_EXTRA_INDEX_URL). A spec that is not there
# fails at once instead of downloading CUDA.
TORCH_SPEC ?= torch==2.13.0+cpu
test-torch: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e ".[test,torch,torch-test]"
	$(BIN)/python -m pytest tests/tokenization/test_torch_dataset.py tests/tokenization/test_exports.py \
		tests/tokenization/test_loader.py

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
