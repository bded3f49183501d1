"""The same pipeline gives byte-identical outputs on every runner; Dataflow translation works."""
import io
import json

import pytest

from corpus.demo_corpus import build_demo_corpus
from pipelines.config import load_config
from pipelines.run import run_curation, start_curation
from tests.beam_services import portable_services
from tests.outputs import file_bytes


@pytest.fixture(scope="module")
def demo_inputs(tmp_path_factory):
    return build_demo_corpus(str(tmp_path_factory.mktemp("demo") / "corpus"))


# Short rows and small shards, so that the demo corpus fills several shards and a plan.
TOKENS = ["tokenize.seq_len=64", "tokenize.shard_tokens=1024", "plans.budgets=[2T, tiny=4K]",
          "plans.hosts=2"]


def _benchmark(folder) -> str:
    """A nested (ARC-style) benchmark with one item matched by n-grams and one matched whole."""
    path = folder / "arc.jsonl"
    stems = ["Honeybees communicate the location of flowers with a waggle dance performed on the vertical comb",
             "Jupiter has no solid surface that a spacecraft could land on"]
    path.write_text("".join(json.dumps({"id": f"q{number}", "question": {"stem": stem, "choices": [
        {"text": "yes", "label": "A"}]}, "answerKey": "A"}) + "\n" for number, stem in enumerate(stems)))
    return f"decontaminate.benchmarks=['arc={path}']"


def _run(inputs, output, beam_args, workers=None):
    config = load_config(inputs=inputs, output=str(output), overrides=TOKENS + [_benchmark(output.parent)])
    assert run_curation(config, beam_args, workers=workers, out=io.StringIO()) == 0
    return file_bytes(output)


def test_in_memory_multi_process_and_portable_runners_write_identical_bytes(demo_inputs, tmp_path):
    in_memory = _run(demo_inputs, tmp_path / "in_memory", [], workers=1)
    multi_process = _run(demo_inputs, tmp_path / "multi", [], workers=2)
    with portable_services() as portable_args:
        portable = _run(demo_inputs, tmp_path / "portable", portable_args)
    assert any(name.startswith("documents/") for name in in_memory)
    for expected in ("manifest.json", "plans/tiny.json", "tokenizer/tokenizer.model"):
        assert expected in in_memory
    manifest = json.loads(in_memory["manifest.json"])
    assert manifest["decontamination"]["arc"] | {"ngrams": 0} == {"items": 2, "items_ngrams": 1, "items_whole": 1,
                                                                  "items_too_short": 0, "ngrams": 0, "whole_texts": 2}
    assert any(key.startswith("decontaminate.contaminated:arc") for source in manifest["funnel"]["sources"].values()
               for key in source["drops"])
    assert sum(name.startswith("tokens/web/") for name in in_memory) > 1
    assert sorted(in_memory) == sorted(multi_process) == sorted(portable)
    for name in in_memory:
        assert in_memory[name] == multi_process[name] == portable[name], name


def test_dataflow_translation_holds_every_stage(demo_inputs, tmp_path):
    config = load_config(inputs=demo_inputs, output=str(tmp_path / "out"))
    args = ["--runner", "DataflowRunner", "--project", "tokenmill-test", "--region", "us-central1",
            "--temp_location", "gs://tokenmill-test-bucket/tmp", "--dry_run=True",
            "--setup_file", "./setup.py"]
    _, result, _ = start_curation(config, args)
    proto = result.job.proto_pipeline
    names = {transform.unique_name for transform in proto.components.transforms.values()}
    # The read and the stages through quality run in one step, per input file (pipelines/reuse.py).
    for stage in ("Read/ReadAndPrefix", "unsafe_words", "pii", "WriteOutputs/WriteShard",
                  "WriteCounts", "WriteProfiles",
                  "Tokenize/Train", "Tokenize/Encode", "Tokenize/WriteShard", "PlansAndManifest/Finish"):
        assert any(name == stage or name.startswith(stage + "/") for name in names), stage


def test_dedup_writes_the_same_bytes_with_its_decisions_as_a_side_input_or_shuffled(demo_inputs, tmp_path,
                                                                                    monkeypatch):
    """The demo corpus is small, so its dedup takes the decisions as a side input; forced to shuffle the
    documents to them instead (as larger inputs do), every output file is the same."""
    from pipelines.curate import JOIN_BY_SIDE_INPUT_MAX_INPUT_BYTES
    from pipelines.dedup import text_bytes_bound
    from pipelines.inputs import resolve_inputs
    config = load_config(inputs=demo_inputs, output=str(tmp_path / "unused"))
    assert text_bytes_bound(resolve_inputs(config.inputs, config.source, config.read.format)) <= JOIN_BY_SIDE_INPUT_MAX_INPUT_BYTES
    in_batches = _run(demo_inputs, tmp_path / "batches", [], workers=1)
    monkeypatch.setattr("pipelines.curate.JOIN_BY_SIDE_INPUT_MAX_INPUT_BYTES", -1)
    shuffled = _run(demo_inputs, tmp_path / "shuffled", [], workers=1)
    drops = {key for source in json.loads(in_batches["manifest.json"])["funnel"]["sources"].values()
             for key in source["drops"]}
    assert {"exact_dedup.exact_duplicate", "near_dedup.near_duplicate"} <= drops
    assert sorted(in_batches) == sorted(shuffled)
    for name in in_batches:
        assert in_batches[name] == shuffled[name], name


def test_dedup_keeps_its_batches_only_for_small_inputs_on_the_readers_ids():
    from pipelines.curate import JOIN_BY_SIDE_INPUT_MAX_INPUT_BYTES, _joins_in_batches
    from pipelines.plugins import Plugin
    from pipelines.stage_list import enabled_stages
    config = load_config(inputs=["x"], output="out")
    stages = enabled_stages(config)
    assert _joins_in_batches(config, "exact_dedup", stages, 1 << 20)
    assert _joins_in_batches(config, "exact_dedup", stages, JOIN_BY_SIDE_INPUT_MAX_INPUT_BYTES)
    assert not _joins_in_batches(config, "exact_dedup", stages, JOIN_BY_SIDE_INPUT_MAX_INPUT_BYTES + 1)
    by_url = load_config(inputs=["x"], output="out", overrides=["exact_dedup.by_url=true"])
    assert not _joins_in_batches(by_url, "exact_dedup", enabled_stages(by_url), 1 << 20)
    assert _joins_in_batches(by_url, "near_dedup", enabled_stages(by_url), 1 << 20)
    with_plugin = [stages[0], ("renamer", Plugin("renamer", "x:y", stages[0][0])), *stages[1:]]
    assert not _joins_in_batches(config, "exact_dedup", with_plugin, 1 << 20)


def test_compressed_inputs_count_at_ten_times_their_size_for_dedups_join():
    from pipelines.dedup import COMPRESSION_ALLOWANCE, text_bytes_bound
    from pipelines.read import InputFile
    files = [InputFile("s", "/d/a.jsonl", "jsonl", 100), InputFile("s", "/d/b.warc.gz", "warc", 100),
             InputFile("s", "/d/c.JSONL.ZST", "jsonl", 100), InputFile("s", "/d/d.parquet", "parquet", 100)]
    assert text_bytes_bound(files) == 100 + 3 * 100 * COMPRESSION_ALLOWANCE
