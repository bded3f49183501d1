"""Reuse on the PortableRunner with a worker pool in other processes: the workers write and read the
cache entries themselves (through FileSystems), and the result is the bytes of an in-process cold run."""
import io
import re

from pipelines.config import load_config
from pipelines.run import run_curation
from tests.beam_services import portable_services
from tests.outputs import file_bytes
from tests.pipelines.test_reuse import MIN_WORDS_30, _write_inputs

WITH_PII = ["tokenize.enabled=false", "near_dedup.enabled=false"]


def _portable(inputs: str, output, sets, portable_args, reuse=()) -> str:
    config = load_config(inputs=[inputs], output=str(output), overrides=list(sets),
                         reuse=[str(path) for path in reuse] or None)
    printed = io.StringIO()
    assert run_curation(config, list(portable_args), out=printed) == 0
    return re.search(r"reuse: .*", printed.getvalue()).group(0)


def test_workers_in_other_processes_write_and_reuse_the_entries(tmp_path):
    inputs = _write_inputs(tmp_path / "in", files=2, rows=60)
    with portable_services() as portable_args:
        assert _portable(inputs, tmp_path / "a", WITH_PII, portable_args).startswith("reuse: 0 of 2")
        assert len(list((tmp_path / "a" / "cache" / "prefix").glob("*.jsonl.zst"))) == 2
        summary = _portable(inputs, tmp_path / "b_reused", [*WITH_PII, MIN_WORDS_30], portable_args,
                            reuse=[tmp_path / "a"])
    assert summary.startswith("reuse: 2 of 2")
    found, documents = map(int, re.search(r"pii: (\d+) of (\d+)", summary).groups())
    assert 0 < found <= documents
    cold = load_config(inputs=[inputs], output=str(tmp_path / "b"), overrides=[*WITH_PII, MIN_WORDS_30])
    assert run_curation(cold, [], workers=1, out=io.StringIO()) == 0
    assert file_bytes(tmp_path / "b_reused") == file_bytes(tmp_path / "b")
