"""The benchmarks time cold runs: bench/measure.py empties a `tokenmill run`'s output first, since a run
into an output holding an earlier run's cache reuses it without --reuse (docs/reuse.md)."""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "bench"))

from measure import cold_output  # noqa: E402


def _earlier_output(tmp_path):
    output = tmp_path / "out"
    (output / "cache" / "prefix").mkdir(parents=True)
    (output / "cache" / "prefix" / "key.jsonl.zst").write_bytes(b"entry")
    return output


def test_a_timed_run_starts_from_an_empty_output(tmp_path):
    output = _earlier_output(tmp_path)
    cold_output(["tokenmill", "run", "--input", "in.jsonl", "--output", str(output), "--workers", "1"])
    assert not output.exists()


def test_a_run_meant_warm_keeps_its_own_cache(tmp_path):
    output = _earlier_output(tmp_path)
    cold_output(["tokenmill", "run", "--input", "in.jsonl", "--output", str(output), "--reuse", str(output)])
    assert (output / "cache" / "prefix" / "key.jsonl.zst").read_bytes() == b"entry"


def test_other_commands_are_left_alone(tmp_path):
    output = _earlier_output(tmp_path)
    cold_output(["python", "bench/datatrove_pipeline.py", str(output)])
    assert output.exists()
