"""A run killed at any moment never leaves a directory that passes as a complete dataset.

The manifest is deleted first when a run starts and written last, after every
other file; shards are written under temporary names. So after a kill the
directory is either the previous complete output or reported incomplete by
`inspect validate`, and a rerun gives the same bytes as an uninterrupted run.
"""
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines import write
from pipelines.config import load_config
from pipelines.run import run_curation
from tests.outputs import file_bytes
from tests.tokenized_output import NO_FILTERS, SMALL_TOKENS, run_tokenized, write_corpus
from tokenization.validate import validate_output

TOKENMILL = Path(sys.executable).parent / "tokenmill"
KILL_AFTER_S = (0.5, 2.5, 4.5, 6.5, 8.5)


def _start(inputs, output):
    sets = [arg for item in [*NO_FILTERS, *SMALL_TOKENS] for arg in ("--set", item)]
    command = [str(TOKENMILL), "run", *[arg for i in inputs for arg in ("--input", i)], "--output", str(output),
               "--workers", "2", "--quiet", *sets]
    # A session of its own, so the kill reaches the worker processes too.
    return subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.skipif(not TOKENMILL.exists(), reason="the tokenmill console script is not installed")
def test_a_killed_run_is_the_previous_output_or_incomplete_and_a_rerun_completes_it(tmp_path):
    inputs = write_corpus(tmp_path)
    reference = file_bytes(run_tokenized(inputs, tmp_path / "reference"))
    output = tmp_path / "out"
    shutil.copytree(tmp_path / "reference", output)          # a previous, complete output
    outcomes = []
    for delay in KILL_AFTER_S:
        run = _start(inputs, output)
        time.sleep(delay)
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
        problems = validate_output(str(output))
        if problems:
            assert any(problem.startswith("incomplete:") for problem in problems), problems
            outcomes.append("incomplete")
        else:
            assert file_bytes(output) == reference               # untouched, or finished before the kill
            outcomes.append("complete")
    assert "incomplete" in outcomes                              # the kills did land mid-run
    assert _start(inputs, output).wait() == 0
    assert validate_output(str(output)) == []
    assert file_bytes(output) == reference


def test_a_run_that_fails_in_the_writers_leaves_no_counts_beside_them(tmp_path, monkeypatch):
    """stats/counts.json is written once documents/, rejected/ and errors/ are: balanced counts beside
    outputs that do not hold them would read as a finished run's."""
    def full_disk(path, table):
        raise OSError(f"no space left for {path}")
    monkeypatch.setattr(write, "write_parquet_atomically", full_disk)
    config = load_config(inputs=write_corpus(tmp_path), output=str(tmp_path / "out"),
                         overrides=[*NO_FILTERS, "tokenize.enabled=false"])
    with pytest.raises(Exception, match="no space left"):
        run_curation(config, [], workers=1, out=io.StringIO())
    assert not (tmp_path / "out" / "stats" / "counts.json").exists()
    assert not (tmp_path / "out" / "manifest.json").exists()
