"""Command-line conventions (issue 14): --version, python -m tokenmill, Ctrl-C, a closed pipe, --log-level,
--strict, and the default number of local workers."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from beam_runner import main
from pipelines.beam_options import IN_PROCESS_BELOW_BYTES, local_workers
from pipelines.emptied import emptied_sources
from tests.fixtures import ARTICLE, write_jsonl
from tests.usage_mistakes import process_group, worker_processes
from tokenmill import version

TOKENMILL = Path(sys.executable).parent / "tokenmill"
needs_script = pytest.mark.skipif(not TOKENMILL.exists(), reason="the tokenmill console script is not installed")
ONLY_LANGUAGE = [arg for stage in ("url_filter", "quality", "unsafe_words", "decontaminate", "tokenize")
                 for arg in ("--set", f"{stage}.enabled=false")]


@pytest.fixture
def english(tmp_path):
    return str(write_jsonl(tmp_path / "english.jsonl", [{"id": str(i), "text": f"{ARTICLE} Page {i}."}
                                                        for i in range(3)]))


def test_version_and_python_dash_m(tmp_path):
    for command in ([sys.executable, "-m", "tokenmill", "--version"], [str(TOKENMILL), "--version"]):
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=tmp_path)
        assert (result.returncode, result.stdout.strip(), result.stderr) == (0, f"tokenmill {version()}", "")
    usage = subprocess.run([sys.executable, "-m", "tokenmill", "run", "--output", "o"], capture_output=True,
                           text=True, timeout=60, cwd=tmp_path)
    assert usage.returncode == 2 and usage.stderr == "tokenmill: error: no input: give --input PATTERN " \
                                                    "(or SOURCE=PATTERN)\n"


@needs_script
def test_a_closed_stdout_ends_quietly(tokenized_output):
    process = subprocess.Popen([str(TOKENMILL), "inspect", "summary", str(tokenized_output), "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()                      # the reader is gone before anything is written
    _, err = process.communicate(timeout=60)
    assert err == b"" and process.returncode == 141


@needs_script
def test_ctrl_c_prints_one_line_and_leaves_no_process(tokenized_output, tmp_path):
    inputs = [arg for spec in __import__("json").loads((tokenized_output / "manifest.json").read_text())
              ["config"]["inputs"] for arg in ("--input", spec)]
    run = subprocess.Popen([str(TOKENMILL), "run", *inputs, "--output", str(tmp_path / "out"), "--workers", "2",
                            "--quiet", "--set", "tokenize.vocab_size=600", "--set", "tokenize.seq_len=64"],
                           start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline and len(worker_processes(run.pid)) < 2:
        time.sleep(0.2)
    assert len(worker_processes(run.pid)) == 2, "the local runner's worker processes never started"
    time.sleep(1)                              # past their interpreter's start-up (see docs/runners.md)
    os.killpg(run.pid, signal.SIGINT)          # what a terminal's Ctrl-C does
    _, err = run.communicate(timeout=60)
    lines = err.decode().splitlines()
    assert run.returncode == 130 and lines[-1] == "tokenmill: interrupted", lines
    assert not [line for line in lines if not line.startswith("tokenmill: ")], lines
    time.sleep(1)
    assert process_group(run.pid) == []


@needs_script
def test_beams_info_lines_only_when_asked(english, tmp_path):
    def stderr_of(*extra):
        result = subprocess.run([str(TOKENMILL), "run", "--input", english, "--output", str(tmp_path / "o"),
                                 "--quiet", *ONLY_LANGUAGE, *extra], capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stderr
    assert stderr_of() == ""
    assert "INFO apache_beam" in stderr_of("--log-level", "info")


def test_default_workers_follow_the_cpus_this_process_may_use(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 3, 5})
    assert local_workers(None, IN_PROCESS_BELOW_BYTES) == 3
    assert local_workers(None, IN_PROCESS_BELOW_BYTES - 1) == 1      # small input: in this process
    assert local_workers(4, 10) == 4
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {1, 2})
    assert local_workers(None, 1 << 40) == 1        # 2 CPUs: worker processes never paid (docs/runners.md)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    assert local_workers(None, 1 << 40) == 1


def test_a_stage_that_drops_every_document_of_a_source_is_a_warning_and_strict_fails(english, tmp_path, capsys):
    args = ["run", "--input", english, "--output", str(tmp_path / "o"), *ONLY_LANGUAGE, "--set",
            "language.keep=[fr]"]
    assert main(args) == 0
    warning = capsys.readouterr().err.strip().splitlines()[-1]
    assert warning.startswith("tokenmill: warning: source web: language dropped every document that reached it "
                              "(3; language_not_kept 3)")
    assert main([*args, "--strict"]) == 1
    assert capsys.readouterr().err.strip().splitlines()[-1] == warning


def test_strict_stops_on_a_warning_known_at_start_before_any_output(english, tmp_path, capsys):
    assert main(["run", "--input", english, "--output", str(tmp_path / "o"), "--strict"]) == 1
    err = capsys.readouterr().err
    assert "url_filter is on but has no lists" in err and "--strict: stopping before the run" in err
    assert not (tmp_path / "o").exists()


def test_emptied_sources_follow_the_pipeline_order():
    report = {"sources": {
        "a": {"read": 5, "kept": 0, "drops": {"normalize.too_short": 2, "quality.gopher_too_few_words": 2},
              "error_types": {"read.truncated_record": 1}},
        "b": {"read": 4, "kept": 1, "drops": {"language.language_not_kept": 3}, "error_types": {}},
        "c": {"read": 2, "kept": 0, "drops": {}, "error_types": {"read.invalid_utf8": 2}}}}
    assert emptied_sources(report) == [
        "source a: quality dropped every document that reached it (2; gopher_too_few_words 2)",
        "source c: read dropped every document that reached it (2; error invalid_utf8 2)"]
