"""Shared fixtures: real data in ../shared/data when present, and small corpora built in tmp dirs."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared_data(relative: str) -> Path:
    """A path under ../shared/data, or skip the test with the reason when it is absent."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"real test data {path} is absent (a fresh clone has no ../shared; CI has it)")
    return path


@pytest.fixture(autouse=True)
def _no_cloud_probes(monkeypatch):
    # No library may probe a cloud metadata address from a test.
    monkeypatch.setenv("NO_GCE_CHECK", "True")
    monkeypatch.setenv("GCE_METADATA_HOST", "127.0.0.1:9")
    monkeypatch.setenv("GCE_METADATA_IP", "127.0.0.1:9")
    yield


def pytest_configure(config):
    os.environ.setdefault("NO_GCE_CHECK", "True")
    # Runs draw their report's charts before returning, as before, so that no test's run leaves a process
    # drawing behind; tests/pipelines/test_report.py tests the background drawing itself.
    os.environ.setdefault("TOKENMILL_REPORT_CHARTS", "wait")


@pytest.fixture(scope="session")
def tokenized_output(tmp_path_factory):
    """A small corpus run through the real pipeline with tokenization on; shared, never modified."""
    from tests.tokenized_output import run_tokenized, write_corpus
    root = tmp_path_factory.mktemp("tokenized")
    return run_tokenized(write_corpus(root), root / "out", extra=["tokenize.tail=pad"])


@pytest.fixture
def output_copy(tokenized_output, tmp_path):
    """A private copy of `tokenized_output` for tests that damage it."""
    import shutil
    return shutil.copytree(tokenized_output, tmp_path / "copy")
