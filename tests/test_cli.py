"""The command line: usage mistakes give one line and exit 2; runs print the funnel."""
import subprocess
import sys
from pathlib import Path

import pytest

from beam_runner import main
from tests.fixtures import ARTICLE, write_jsonl

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def jsonl(tmp_path):
    return write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "text": ARTICLE}])


@pytest.mark.parametrize("args, message", [
    (["--input", "/no/such/dir/*.warc.gz", "--output", "o"], "no files match /no/such/dir/*.warc.gz"),
    (["--input", "{jsonl}", "--format", "csv", "--output", "o"], "read.format must be one of auto, warc"),
    (["--input", "{jsonl}", "--output", "o", "--workers", "many"], "argument --workers: invalid int value"),
    (["--input", "{jsonl}", "--output", "o", "--temp_locaton", "x"], "unknown option --temp_locaton"),
    (["--input", "{jsonl}", "--output", "o", "--temp_loc", "x"], "unknown option --temp_loc"),   # no abbreviations
    (["--input", "{jsonl}", "--output", "o", "--num_workers", "abc"], "argument --num_workers: invalid int value"),
    # what the shell makes of an unquoted `--input dir/*.jsonl`: the second file must not be ignored
    (["--input", "{jsonl}", "{jsonl}.2", "--output", "o"], "unexpected argument '"),
    (["--input", "{jsonl}", "--output", "o", "--set", "normalize.min_char=3"],
     "unknown option 'normalize.min_char'"),
    (["--input", "{jsonl}", "--output", "o", "--config", "/no/such.yaml"], "cannot read config /no/such.yaml"),
    (["--input", "{jsonl}"], "no output"),
    (["--output", "o"], "no input"),
    (["--input", "{jsonl}", "--output", "o", "--runner", "NoSuchRunner"], "NoSuchRunner"),
    (["--input", "a={jsonl}", "--input", "b={jsonl}", "--output", "o"], "matches the inputs of two sources, a and b"),
    (["--input", "{jsonl}", "--output", "o", "--pii-ner-model", "xx_no_such_model_sm"], "pii.ner_model"),
])
def test_usage_errors_are_one_line_and_exit_2(args, message, jsonl, capsys):
    args = [arg.format(jsonl=jsonl) for arg in args]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("tokenmill: error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("args, message", [
    (["export", "megatron", "{tmp}", "{tmp}/dest"], "tokenmill export: error: no manifest.json in {tmp}"),
    (["export", "mds", "{tmp}", "{tmp}/dest", "--size-limit", "0"], "--size-limit must be positive, got 0"),
    (["export", "parquet", "{tmp}", "{tmp}/dest"], "tokenmill export: error: argument format: invalid choice"),
    (["inspect", "summary", "{tmp}/nowhere"], "tokenmill inspect: error: {tmp}/nowhere is not a directory"),
    (["inspect", "show", "{tmp}/no.shard"], "tokenmill inspect: error: "),
])
def test_plain_commands_share_the_usage_error_family(args, message, tmp_path, capsys):
    """export and inspect raise UsageError subclasses; beam_runner alone turns them into one line and 2."""
    assert main([arg.format(tmp=tmp_path) for arg in args]) == 2
    err = capsys.readouterr().err
    assert message.format(tmp=tmp_path) in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "dest").exists()


def test_unknown_file_suffix_asks_for_format(tmp_path, capsys):
    (tmp_path / "data.bin").write_bytes(b"x")
    assert main(["--input", str(tmp_path / "data.bin"), "--output", str(tmp_path / "o")]) == 2
    assert "pass --format" in capsys.readouterr().err


def test_config_file_and_overrides(tmp_path, jsonl, capsys):
    config = tmp_path / "run.yaml"
    config.write_text(f"inputs: ['{jsonl}']\nsource: notes\nnormalize:\n  min_chars: 10000\n"
                      "quality:\n  enabled: false\n")
    assert main(["run", "--config", str(config), "--output", str(tmp_path / "o"), "--workers", "1"]) == 0
    assert "normalize.too_short" in capsys.readouterr().out
    assert main(["run", "--config", str(config), "--output", str(tmp_path / "o"), "--workers", "1",
                 "--set", "normalize.min_chars=5"]) == 0
    assert "source notes: read 1 = kept 1" in capsys.readouterr().out


def test_beam_runner_script_and_demo_command(tmp_path):
    script = subprocess.run([sys.executable, str(ROOT / "beam_runner.py"), "demo", "--output",
                             str(tmp_path / "demo"), "--workers", "1"],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert script.returncode == 0, script.stderr[-2000:]
    assert "source web: read" in script.stdout and "[ok]" in script.stdout
    assert "MISMATCH" not in script.stdout
    assert any((tmp_path / "demo" / "documents").glob("*.parquet"))
