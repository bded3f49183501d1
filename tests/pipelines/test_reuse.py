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
import threading
import time
from pathlib import Path

import pytest
from apache_beam.io.localfilesystem import LocalFileSystem

from pipelines import filesystem_checks
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
    for stage in ("pii", "near_dedup"):    # kept in both runs: looked up; newly kept: computed
        found, documents = _taken(printed.getvalue(), stage)
        assert 0 < found < documents, stage
    kept_a = {row["id"] for row in table_rows(tmp_path / "a", "documents")}
    kept_b = {row["id"] for row in table_rows(tmp_path / "b", "documents")}
    assert kept_b != kept_a          # the threshold did change the kept set


def test_unsafe_words_results_are_looked_up_by_text_and_language(tmp_path):
    """With word lists, unsafe words' results are kept per document (pipelines/memo_forms.TextAndLanguage):
    after a changed threshold, the documents kept before are looked up, and the bytes are the cold run's."""
    inputs = _write_inputs(tmp_path / "in")
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "en").write_text("free\nonline\nlove\nclick here\n", encoding="utf-8")   # words of a few pages
    sets = ["tokenize.enabled=false", "pii.enabled=false", f"unsafe_words.lists={lists}", "unsafe_words.min_hits=2"]
    assert _run(inputs, tmp_path / "a", sets) == 0
    printed = io.StringIO()
    assert _run(inputs, tmp_path / "b_reused", [*sets, MIN_WORDS_30], reuse=[tmp_path / "a"], printed=printed) == 3
    found, documents = _taken(printed.getvalue(), "unsafe_words")
    assert 0 < found < documents
    assert _run(inputs, tmp_path / "b", [*sets, MIN_WORDS_30]) == 0
    assert file_bytes(tmp_path / "b_reused") == file_bytes(tmp_path / "b")
    assert any(row["stage"] == "unsafe_words" for row in table_rows(tmp_path / "b", "rejected"))


def test_a_changed_near_dedup_option_signs_again_and_a_threshold_does_not(tmp_path):
    """Near dedup's signatures are keyed by its own options: another shingle size signs every document
    again (and gives the cold run's bytes); a quality threshold changed on top reuses them."""
    inputs = _write_inputs(tmp_path / "in")
    near = ["tokenize.enabled=false", "pii.enabled=false"]
    assert _run(inputs, tmp_path / "a", near) == 0
    printed = io.StringIO()
    ngram = [*near, "near_dedup.word_ngram=3"]
    assert _run(inputs, tmp_path / "ngram_reused", ngram, reuse=[tmp_path / "a"], printed=printed) == 3
    found, documents = _taken(printed.getvalue(), "near_dedup")
    assert found == 0 and documents > 50
    assert _run(inputs, tmp_path / "ngram", ngram) == 0
    assert file_bytes(tmp_path / "ngram_reused") == file_bytes(tmp_path / "ngram")
    printed = io.StringIO()
    both = [*ngram, MIN_WORDS_30]
    assert _run(inputs, tmp_path / "both_reused", both, reuse=[tmp_path / "ngram_reused"], printed=printed) == 3
    found, documents = _taken(printed.getvalue(), "near_dedup")
    # all but those quality keeps only now (and any with the text and language of one kept before)
    assert documents - _newly_kept(tmp_path / "ngram", tmp_path / "both_reused") <= found < documents
    assert _run(inputs, tmp_path / "both", both) == 0
    assert file_bytes(tmp_path / "both_reused") == file_bytes(tmp_path / "both")


def _taken(printed: str, stage: str) -> tuple:
    """(documents' results taken from a cache, documents) of `stage` on the reuse line."""
    return tuple(map(int, re.search(rf"{stage}: (\d+) of (\d+) documents", printed).groups()))


def _newly_kept(before: Path, after: Path) -> int:
    """Documents that reached near dedup in `after` and not in `before`: those quality keeps only there."""
    def reached(output):
        rows = table_rows(output, "documents") + table_rows(output, "rejected")
        return {row["id"] for row in rows if row.get("stage") in (None, "exact_dedup", "near_dedup", "decontaminate")}
    return len(reached(after) - reached(before))


def test_a_side_file_spelled_another_way_reuses_every_file(tmp_path):
    """Entries are keyed by a side file's contents: the same list reached by another path is the same
    key, and the rerun gives the cold run's bytes (pipelines/reuse_keys.by_content)."""
    inputs = _write_inputs(tmp_path / "in", rows=90)
    (tmp_path / "lists" / "sub").mkdir(parents=True)
    (tmp_path / "lists" / "adult.txt").write_text("example.com\n", encoding="utf-8")
    spelled = [str(tmp_path / "lists" / "adult.txt"), str(tmp_path / "lists" / "sub" / ".." / "adult.txt")]
    sets = [*FAST, "url_filter.enabled=true"]
    assert _run(inputs, tmp_path / "a", [*sets, f"url_filter.lists=[adult={spelled[0]}]"]) == 0
    other = [*sets, f"url_filter.lists=[adult={spelled[1]}]", MIN_WORDS_30]
    assert _run(inputs, tmp_path / "b_reused", other, reuse=[tmp_path / "a"]) == 3
    assert _run(inputs, tmp_path / "b", other) == 0
    assert file_bytes(tmp_path / "b_reused") == file_bytes(tmp_path / "b")


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


def test_cut_off_result_files_are_computed_again_in_place(tmp_path):
    """The reviewer's case: near dedup's and PII's result files cut short (a kill mid-write, a full disk),
    then `--output A --reuse A`. zstandard's stream reader had read the cut files as shorter ones, keeping
    a near-duplicate, crashing on a half-written signature after A's outputs were cleared, or turning a
    document into an error row. Now each cut file is skipped whole, and A is rewritten with A's bytes."""
    inputs = _write_inputs(tmp_path / "in", rows=120)
    stages = ["tokenize.enabled=false"]
    assert _run(inputs, tmp_path / "a", stages) == 0
    before = file_bytes(tmp_path / "a")
    for stage in ("near_dedup", "pii"):
        files = sorted((tmp_path / "a" / "cache" / "stages").glob(f"{stage}-*/*.jsonl.zst"))
        assert files, stage
        for path in files:
            path.write_bytes(path.read_bytes()[:-40])
    printed = io.StringIO()
    assert _run(inputs, tmp_path / "a", stages, reuse=[tmp_path / "a"], printed=printed) == 3
    assert file_bytes(tmp_path / "a") == before
    for stage in ("near_dedup", "pii"):
        found, documents = _taken(printed.getvalue(), stage)
        assert found == 0 and documents > 20, stage
    assert not table_rows(tmp_path / "a", "errors")


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


class _UnansweringFileSystem(LocalFileSystem):
    """A filesystem that does not answer (a gs:// bucket without network), or fails, as the test says."""
    release = threading.Event()
    failure = None

    @classmethod
    def scheme(cls):
        return "unanswering"

    def exists(self, path):
        if self.failure:
            raise self.failure
        self.release.wait(60)
        return False


@pytest.mark.parametrize("failure, message", [
    (None, "--reuse unanswering://bucket/a: no answer in 0.5 s (no network, or the filesystem is unreachable)"),
    (OSError("403 Forbidden\nmore"), "--reuse unanswering://bucket/a: cannot be read (403 Forbidden)")])
def test_an_unreachable_reuse_directory_is_one_line_soon(tmp_path, monkeypatch, capsys, failure, message):
    """Beam's GCS client retries for 120 s without network, then raises its own types; the check gives up
    after ANSWER_SECONDS with one line, before anything is touched."""
    from beam_runner import main
    monkeypatch.setattr(filesystem_checks, "ANSWER_SECONDS", 0.5)
    monkeypatch.setattr(_UnansweringFileSystem, "failure", failure)
    inputs = _write_inputs(tmp_path / "in", files=1, rows=5)
    (tmp_path / "out").mkdir()
    started = time.monotonic()
    try:
        status = main(["run", "--input", inputs, "--output", str(tmp_path / "out"), "--reuse", "unanswering://bucket/a"])
    finally:
        _UnansweringFileSystem.release.set()
    assert status == 2 and time.monotonic() - started < 10
    assert capsys.readouterr().err.splitlines() == [f"tokenmill: error: {message}"]
    assert os.listdir(tmp_path / "out") == []


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


def test_a_file_gone_before_it_is_keyed_is_an_error_row_and_no_entry(tmp_path):
    """The key hashes the file's bytes before the read opens it: a file deleted after listing (or any
    filesystem failure there) must still end as the read's unopenable_file row, not stop the run."""
    import apache_beam as beam
    from pipelines.read import InputFile
    from pipelines.reuse import CachedPrefix, prefix_dir
    from pipelines.stage import ERRORS
    config = load_config(inputs=["x"], output=str(tmp_path / "out"))
    spec = InputFile("src", str(tmp_path / "gone.jsonl"), "jsonl", 10, "gone.jsonl")
    prefix = CachedPrefix([spec], config.read, [], None, {}, "key", str(tmp_path / "out"), [])
    prefix._fn.setup()
    outputs = list(prefix._fn.process(spec))
    errors = [out.value for out in outputs if isinstance(out, beam.pvalue.TaggedOutput) and out.tag == ERRORS]
    assert [(error.error_type, error.location) for error in errors] == [("unopenable_file", "gone.jsonl")]
    entries = Path(prefix_dir(str(tmp_path / "out")))
    assert not entries.exists() or not any(entries.iterdir())
