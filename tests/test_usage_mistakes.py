"""Issue 14's "Done when": each usage mistake leaves a complete previous output byte-identical, exits 2
and prints one line on stderr, with no traceback. A Dataflow dry run exits 0 and touches nothing."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from beam_runner import main
from tests.usage_mistakes import (MISTAKES, command, expected_text, recorded_inputs, tree_digest,
                                  write_side_files)

TOKENMILL = Path(sys.executable).parent / "tokenmill"


@pytest.fixture(scope="module")
def previous(tokenized_output, tmp_path_factory):
    """A complete previous output (a private copy), its digest, its inputs and a folder of bad side files."""
    root = tmp_path_factory.mktemp("mistakes")
    output = Path(shutil.copytree(tokenized_output, root / "DIR"))
    return output, tree_digest(output), recorded_inputs(output), write_side_files(root / "side")


@pytest.mark.parametrize("mistake", MISTAKES, ids=[mistake.name for mistake in MISTAKES])
def test_a_mistake_costs_one_line_and_nothing_else(mistake, previous, capsys):
    output, digest, inputs, side = previous
    status = main(command(mistake, inputs, output, side))
    out, err = capsys.readouterr()
    assert status == mistake.status, err
    assert "Traceback" not in err + out
    if mistake.status == 2:
        assert err.startswith("tokenmill: error: ") and err.count("\n") == 1, err
        assert expected_text(mistake, output, side) in err
    else:
        assert expected_text(mistake, output, side) in out
    assert tree_digest(output) == digest, "the previous output changed"


@pytest.mark.skipif(not TOKENMILL.exists(), reason="the tokenmill console script is not installed")
def test_the_real_command_prints_no_traceback_and_leaves_the_output(previous):
    output, digest, inputs, side = previous
    mistake = next(m for m in MISTAKES if m.name == "missing url_filter.lists")
    result = subprocess.run([str(TOKENMILL), *command(mistake, inputs, output, side)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"tokenmill: error: {expected_text(mistake, output, side)}"]
    assert tree_digest(output) == digest
