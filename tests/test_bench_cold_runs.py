"""The benchmarks time cold runs: bench/measure.py removes a `tokenmill run`'s output cache first, since a
run into an output holding an earlier run's cache reuses it without --reuse (docs/reuse.md)."""
from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "bench"))

from measure import cold_output  # noqa: E402


def _earlier_output(tmp_path):
    output = tmp_path / "out"
    (output / "cache" / "prefix").mkdir(parents=True)
    (output / "cache" / "prefix" / "key.jsonl.zst").write_bytes(b"entry")
    (output / "documents").mkdir()
    return output


@pytest.mark.parametrize("spelling", [["--output", "{out}"], ["--output={out}"], ["--output", "{out}/"]])
def test_a_timed_run_loses_only_its_outputs_cache(tmp_path, spelling):
    output = _earlier_output(tmp_path)
    cold_output(["/venv/bin/tokenmill", "run", "--input", "in.jsonl", *[arg.format(out=output) for arg in spelling]])
    assert not (output / "cache").exists()
    assert (output / "documents").is_dir()          # the rest is tokenmill's to replace, after its checks


def test_beam_runner_without_the_subcommand_is_a_run_too(tmp_path):
    output = _earlier_output(tmp_path)
    cold_output(["python", "/code/beam_runner.py", "--input", "in.jsonl", "--output", str(output)])
    assert not (output / "cache").exists()


@pytest.mark.parametrize("reuse", ["{out}", "{out}/", "{out}/a", "{parent}"])
def test_a_run_meant_warm_keeps_the_cache(tmp_path, reuse):
    output = _earlier_output(tmp_path)
    given = reuse.format(out=output, parent=tmp_path)
    for spelling in (["--reuse", given], [f"--reuse={given}"]):
        cold_output(["tokenmill", "run", "--input", "in.jsonl", "--output", str(output), *spelling])
        assert (output / "cache" / "prefix" / "key.jsonl.zst").read_bytes() == b"entry"


@pytest.mark.parametrize("command", [
    ["docker", "run", "--output", "{out}"],
    ["python", "bench/datatrove_pipeline.py", "run", "--output", "{out}"],
    ["tokenmill", "run", "--input", "in.jsonl", "--output"],        # no value: nothing to clear, no error
])
def test_other_commands_are_left_alone(tmp_path, command):
    output = _earlier_output(tmp_path)
    cold_output([arg.format(out=output) for arg in command])
    assert (output / "cache" / "prefix" / "key.jsonl.zst").exists()
