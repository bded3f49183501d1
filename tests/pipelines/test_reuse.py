"""--reuse: the outputs of a rerun that takes cached per-file results are the bytes of a cold run with the
same config; a changed input byte or upstream option is computed again; a killed run resumes.

The corpus is real Common Crawl text (dolma's 697 pages), split over three files so that a file can be
reused or not on its own.
"""
import gzip
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.config import load_config
from pipelines.run import run_curation
from tests.conftest import shared_data
from tests.outputs import file_bytes, table_rows

TOKENMILL = Path(sys.executable).parent / "tokenmill"
FAST = ["tokenize.enabled=false", "near_dedup.enabled=false", "pii.enabled=false"]
MIN_WORDS_30 = "quality.gopher_quality.min_words=30"


def _write_inputs(directory: Path, files: int = 3, rows: int = 240) -> str:
    with gzip.open(shared_data("web/dolma/CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz"), "rt",
                   encoding="utf-8") as handle:
        records = [json.loads(line) for _, line in zip(range(rows), handle)]
    directory.mkdir(parents=True, exist_ok=True)
    for number in range(files):
        with open(directory / f"part-{number}.jsonl", "w", encoding="utf-8") as handle:
            for record in records[number::files]:
                handle.write(json.dumps({"id": record["id"], "text": record["text"],
                                         "url": record.get("metadata", {}).get("url")}) + "\n")
    return str(directory / "*.jsonl")


def _run(inputs: str, output: Path, sets=(), reuse=(), printed=None) -> int:
    """Runs and returns how many input files came from a cache."""
    config = load_config(inputs=[inputs], output=str(output), overrides=list(sets),
                         reuse=[str(path) for path in reuse] or None)
    printed = printed if printed is not None else io.StringIO()
    assert run_curation(config, [], workers=1, out=printed) == 0
    return int(re.search(r"reuse: (\d+) of", printed.getvalue()).group(1))


def test_a_changed_threshold_reuses_every_file_and_gives_the_cold_runs_bytes(tmp_path):
    """PII, near dedup and tokenization on: all that follows quality runs on the newly kept set."""
    inputs = _write_inputs(tmp_path / "in")
    sets = ["tokenize.vocab_size=600", "tokenize.seq_len=64"]
    assert _run(inputs, tmp_path / "a", sets) == 0
    assert _run(inputs, tmp_path / "b", [*sets, MIN_WORDS_30]) == 0
    printed = io.StringIO()
    assert _run(inputs, tmp_path / "b_reused", [*sets, MIN_WORDS_30], reuse=[tmp_path / "a"], printed=printed) == 3
    assert file_bytes(tmp_path / "b_reused") == file_bytes(tmp_path / "b")
    found, documents = map(int, re.search(r"pii: (\d+) of (\d+) documents", printed.getvalue()).groups())
    assert 0 < found < documents           # kept in both runs: looked up; newly kept: computed
    kept_a = {row["id"] for row in table_rows(tmp_path / "a", "documents")}
    kept_b = {row["id"] for row in table_rows(tmp_path / "b", "documents")}
    assert kept_b != kept_a          # the threshold did change the kept set


def test_a_changed_input_byte_or_upstream_option_is_computed_again(tmp_path):
    inputs = _write_inputs(tmp_path / "in", rows=90)
    assert _run(inputs, tmp_path / "a", FAST) == 0
    changed = tmp_path / "in" / "part-1.jsonl"
    data = bytearray(changed.read_bytes())
    position = data.index(b"the ")
    data[position:position + 4] = b"thE "            # the same size, another checksum
    changed.write_bytes(bytes(data))
    assert _run(inputs, tmp_path / "edited_reused", FAST, reuse=[tmp_path / "a"]) == 2
    assert _run(inputs, tmp_path / "edited", FAST) == 0
    assert file_bytes(tmp_path / "edited_reused") == file_bytes(tmp_path / "edited")
    assert _run(inputs, tmp_path / "lid", [*FAST, "language.min_score=0.5"], reuse=[tmp_path / "edited"]) == 0
    words = tmp_path / "banned.txt"                   # a side file: the same path, other contents
    words.write_text("casino\n")
    assert _run(inputs, tmp_path / "w1", [*FAST, f"url_filter.banned_words={words}"], reuse=[tmp_path / "a"]) == 0
    words.write_text("poker\n")
    assert _run(inputs, tmp_path / "w2", [*FAST, f"url_filter.banned_words={words}"], reuse=[tmp_path / "w1"]) == 0
    words.write_text("casino\n")
    assert _run(inputs, tmp_path / "w3", [*FAST, f"url_filter.banned_words={words}"], reuse=[tmp_path / "w1"]) == 3
    damaged = sorted((tmp_path / "w1" / "cache" / "prefix").glob("*.jsonl.zst"))[0]
    damaged.write_bytes(damaged.read_bytes()[:-8])    # cut: no checksum, no trailer
    assert _run(inputs, tmp_path / "w4", [*FAST, f"url_filter.banned_words={words}"], reuse=[tmp_path / "w1"]) == 2
    assert file_bytes(tmp_path / "w4") == file_bytes(tmp_path / "w3")


def test_an_entry_under_another_entrys_name_is_computed_again(tmp_path):
    """An entry names its key in its trailer: one copied over another (a cache mishandled by hand) would
    replay another file's records in place of this one's."""
    inputs = _write_inputs(tmp_path / "in", rows=90)
    assert _run(inputs, tmp_path / "a", FAST) == 0
    entries = sorted((tmp_path / "a" / "cache" / "prefix").glob("*.jsonl.zst"))
    entries[1].write_bytes(entries[2].read_bytes())
    assert _run(inputs, tmp_path / "swapped", FAST, reuse=[tmp_path / "a"]) == 2
    assert _run(inputs, tmp_path / "cold", FAST) == 0
    assert file_bytes(tmp_path / "swapped") == file_bytes(tmp_path / "cold")


def test_a_reuse_directory_without_a_cache_is_one_line_before_anything_is_touched(tmp_path):
    inputs = _write_inputs(tmp_path / "in", files=1, rows=5)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("previous")
    result = subprocess.run([str(TOKENMILL), "run", "--input", inputs, "--output", str(tmp_path / "out"),
                             "--reuse", str(tmp_path / "nothing")], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"tokenmill: error: --reuse {tmp_path / 'nothing'}: no cache/prefix there (not a tokenmill output, "
        "or one written before reuse existed)"]
    assert os.listdir(tmp_path / "out") == ["keep.txt"]


@pytest.mark.skipif(not TOKENMILL.exists(), reason="the tokenmill console script is not installed")
def test_a_killed_run_resumes_from_the_files_it_finished(tmp_path):
    """A real run in a subprocess, killed once some files' entries exist and not all; the rerun with
    --reuse OUT takes those files from the cache and ends with the bytes of an uninterrupted run."""
    files = 8
    inputs = _write_inputs(tmp_path / "in", files=files, rows=697)
    entries = tmp_path / "out" / "cache" / "prefix"
    command = [str(TOKENMILL), "run", "--input", inputs, "--output", str(tmp_path / "out"), "--workers", "1",
               "--quiet", *[arg for item in FAST for arg in ("--set", item)]]
    run = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and run.poll() is None and len(_finished(entries)) < 2:
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    finished = len(_finished(entries))
    assert 2 <= finished < files, finished       # killed partway through the files
    assert not (tmp_path / "out" / "manifest.json").exists()
    resumed = subprocess.run([*command, "--reuse", str(tmp_path / "out")], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert f"reuse: {finished} of {files} input files taken from a cache" in resumed.stdout
    assert _run(inputs, tmp_path / "cold", FAST) == 0
    assert file_bytes(tmp_path / "out") == file_bytes(tmp_path / "cold")


def _finished(entries: Path) -> list:
    return sorted(entries.glob("*.jsonl.zst")) if entries.exists() else []
