"""A mistake only the data reveals (tokenize.vocab_size too small for the kept text, found when the
tokenizer is trained) is still one line and exit status 2, with one worker or with worker processes:
Beam logged its traceback from the runner, and each worker printed it, before the one line."""
import contextlib
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

TOKENMILL = Path(sys.executable).parent / "tokenmill"


def _many_characters(path: Path) -> Path:
    """600 distinct CJK characters in even use: a 300-piece vocabulary cannot cover them."""
    rng = random.Random(0)
    chars = [chr(0x4E00 + i) for i in range(600)]
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(40):
            text = " ".join("".join(rng.choice(chars) for _ in range(8)) for _ in range(200))
            handle.write(json.dumps({"id": f"d{i}", "text": text}, ensure_ascii=False) + "\n")
    return path


@pytest.mark.skipif(not TOKENMILL.exists(), reason="the tokenmill console script is not installed")
@pytest.mark.parametrize("workers", [1, 2], ids=["in_process", "worker_processes"])
def test_a_vocabulary_too_small_for_the_text_is_one_line(tmp_path, workers):
    corpus = _many_characters(tmp_path / "in.jsonl")
    sets = ["tokenize.vocab_size=300", "quality.enabled=false", "language.enabled=false", "near_dedup.enabled=false"]
    result = subprocess.run([str(TOKENMILL), "run", "--input", str(corpus), "--output", str(tmp_path / "out"),
                             "--workers", str(workers), *[arg for item in sets for arg in ("--set", item)]],
                            capture_output=True, text=True, timeout=300)
    lines = [line for line in result.stderr.splitlines() if not line.startswith("tokenmill: warning:")]
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert len(lines) == 1 and lines[0].startswith(
        "tokenmill: error: tokenize.vocab_size 300 is too small for this text: 584 characters cover 98%")


def test_a_worker_traceback_names_a_mistake_found_in_the_run_only_when_its_class_is_one():
    """Found by a third hostile review: a message that merely ended in such a line, and a plugin's own
    TokenizerError on a worker, were taken for the mistake and lost their traceback."""
    from pipelines.held_errors import usage_error_of_worker
    tail = "Traceback (most recent call last):\n  File \"x.py\", line 1\n    raise it\n"
    usage = usage_error_of_worker(RuntimeError(tail + "tokenization.training.VocabularyTooSmall: too small"))
    assert str(usage) == "too small"
    assert usage_error_of_worker(RuntimeError(tail + "RuntimeError: only on workers")) is None
    assert usage_error_of_worker(RuntimeError(tail + "pipelines.stage.NoSuchClass: x")) is None
    assert usage_error_of_worker(RuntimeError(tail + "os.Whatever: x")) is None          # not tokenmill's
    assert usage_error_of_worker(RuntimeError(
        tail + "ValueError: remote said:\ntokenization.training.VocabularyTooSmall: quota")) is None
    assert usage_error_of_worker(RuntimeError(
        tail + "tokenization.sentencepiece_model.TokenizerError: vanished")) is None   # a usage error, not found in the run


@pytest.mark.parametrize("raised, shown", [(RuntimeError("a crash"), ["held", "not held"]), (None, ["held", "not held"]),
                                           ("found", ["not held"]), ("usage", ["held", "not held"])])
def test_beam_errors_are_held_until_the_run_ends_and_dropped_only_for_a_usage_mistake(raised, shown):
    import logging

    from pipelines.held_errors import HeldBeamErrors
    from tokenmill.usage import FoundInTheRun, UsageError

    class Collect(logging.Handler):
        def __init__(self):
            super().__init__()
            self.messages = []

        def emit(self, record):
            self.messages.append(record.getMessage())
    collect, root = Collect(), logging.getLogger()
    root.addHandler(collect)
    try:
        with pytest.raises((RuntimeError, UsageError)) if raised else contextlib.nullcontext():
            with HeldBeamErrors(True):
                logging.getLogger("apache_beam.runners.common").error("held")
                logging.getLogger("tokenmill.elsewhere").error("not held")
                assert collect.messages == ["not held"]           # held while the run goes on
                if raised == "found":
                    raise FoundInTheRun("one line")
                if raised == "usage":                   # a plugin's, say: its traceback is kept
                    raise UsageError("one line")
                if raised:
                    raise raised
    finally:
        root.removeHandler(collect)
    assert sorted(collect.messages) == sorted(shown)
