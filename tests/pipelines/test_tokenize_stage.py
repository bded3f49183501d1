"""Tokenization inside the pipeline: exact round trip, given models, empty corpora, bad tokenizers."""
import json

import numpy as np
import pytest

from beam_runner import main
from tests.conftest import shared_data
from tests.outputs import table_rows
from tests.tokenized_output import run_tokenized, write_corpus
from tokenization.encoding import Framing, decode_ids
from tokenization.sentencepiece_model import processor_from_bytes
from tokenization.shard_format import open_shard
from tokenization.token_stats import document_lengths
from tokenization.training import sample_key


def _decoded_documents(output, source):
    """Each document's text, decoded from the shards of `source` in shard order."""
    manifest = json.loads((output / "manifest.json").read_text())
    processor = processor_from_bytes((output / "tokenizer" / "tokenizer.model").read_bytes())
    framing = Framing(manifest["bos_id"], manifest["eos_id"])
    texts = []
    for entry in [s for s in manifest["shards"] if s["source"] == source]:
        shard = open_shard(str(output / "tokens" / entry["path"]))
        stream = shard.tokens.reshape(-1)[:shard.tokens.size - entry["pad_tokens"]]
        ends = np.cumsum(document_lengths(shard))
        bounds = [0, *ends[:-1], len(stream)] if len(ends) else []
        texts += [decode_ids(processor, stream[a:b], framing) for a, b in zip(bounds[:-1], bounds[1:])]
    return texts


def _expected_documents(output, source):
    rows = [row for row in table_rows(output, "documents") if row["source"] == source]
    return [row["text"] for row in sorted(rows, key=lambda row: (sample_key(row["id"]), row["id"]))]


@pytest.mark.parametrize("source", ["books", "news"])
def test_every_document_decodes_back_to_its_exact_text(tokenized_output, source):
    assert _decoded_documents(tokenized_output, source) == _expected_documents(tokenized_output, source)


def test_the_corpus_holds_the_edge_cases_the_round_trip_covers(tokenized_output):
    texts = _expected_documents(tokenized_output, "books")
    manifest = json.loads((tokenized_output / "manifest.json").read_text())
    assert "x" in texts                                            # one character
    assert any("🙂" in t for t in texts) and any("漢字" in t for t in texts)   # byte fallback
    lengths = np.concatenate([document_lengths(open_shard(str(tokenized_output / "tokens" / s["path"])))
                              for s in manifest["shards"] if s["rows"]])
    assert lengths.max() > 10 * manifest["seq_len"]                  # a document longer than ten rows


def test_manifest_accounts_for_every_token_and_document(tokenized_output):
    manifest = json.loads((tokenized_output / "manifest.json").read_text())
    for source, entry in manifest["sources"].items():
        assert entry["documents"] + entry["tail_documents"] == sum(
            lang["documents"] for lang in entry["languages"].values())
        assert entry["tokens"] - entry["pad_tokens"] + entry["tail_tokens"] == entry["tokens_encoded"]
    assert manifest["funnel"]["sources"]["books"]["kept"] == 80
    assert "output" not in manifest["config"] and manifest["config"]["tokenize"]["seq_len"] == 64


def test_a_given_llama2_model_is_used_and_round_trips(tmp_path):
    model = shared_data("tokenizers/llama2_c/tokenizer.model")
    output = run_tokenized(write_corpus(tmp_path), tmp_path / "out",
                           extra=["tokenize.tail=pad", f"tokenize.tokenizer={model}"])
    manifest = json.loads((output / "manifest.json").read_text())
    assert manifest["tokenizer"]["vocab_size"] == 32000 and manifest["bos_id"] == 1
    assert (output / "tokenizer" / "tokenizer.model").read_bytes() == model.read_bytes()
    assert _decoded_documents(output, "news") == _expected_documents(output, "news")


def test_an_empty_corpus_ends_cleanly_with_an_empty_manifest_and_plans_that_say_so(tmp_path):
    output = run_tokenized(write_corpus(tmp_path), tmp_path / "out",
                           extra=["normalize.enabled=true", "normalize.min_chars=1000000"])
    manifest = json.loads((output / "manifest.json").read_text())
    assert manifest["shards"] == [] and manifest["tokenizer"] is None and manifest["totals"]["tokens"] == 0
    plan = json.loads((output / "plans" / "13T.json").read_text())
    assert plan["sequences_planned"] == 0 and "holds no tokens" in plan["statement"]


@pytest.mark.parametrize("content, message", [(b"this is not a model", "is not a SentencePiece model"),
                                              (None, "tokenize.tokenizer: file")])
def test_a_bad_tokenizer_is_a_one_line_error(tmp_path, capsys, content, message):
    inputs = write_corpus(tmp_path)
    model = tmp_path / "bad.model"
    if content is not None:
        model.write_bytes(content)
    status = main(["run", "--input", inputs[0], "--output", str(tmp_path / "out"), "--tokenizer", str(model)])
    err = capsys.readouterr().err
    assert status == 2 and message in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("flags, message", [(["--budgets", "2T,lots"], "budget size"),
                                            (["--seq-len", "1"], "seq_len"),
                                            (["--set", "tokenize.tail=wrap"], "tokenize.tail"),
                                            (["--set", "tokenize.engine=fast"], "tokenize.engine must be one of")])
def test_bad_tokenize_options_are_one_line_errors(tmp_path, capsys, flags, message):
    inputs = write_corpus(tmp_path)
    status = main(["run", "--input", inputs[0], "--output", str(tmp_path / "out"), *flags])
    err = capsys.readouterr().err
    assert status == 2 and message in err and "Traceback" not in err


def _shard_bytes(output) -> dict:
    return {path.relative_to(output): path.read_bytes() for path in sorted((output / "tokens").rglob("*.arrow"))}


def test_kitoken_and_sentencepiece_write_the_same_bytes_and_the_manifest_names_the_engine(tokenized_output,
                                                                                           tmp_path):
    reference = run_tokenized(write_corpus(tmp_path), tmp_path / "out",
                              extra=["tokenize.tail=pad", "tokenize.engine=sentencepiece"])
    assert _shard_bytes(reference) == _shard_bytes(tokenized_output) and len(_shard_bytes(reference)) > 2
    engines = [json.loads((output / "manifest.json").read_text())["tokenizer"]["engine"]
               for output in (tokenized_output, reference)]
    assert engines == [{"used": "kitoken", "requested": "auto", "note": ""},
                       {"used": "sentencepiece", "requested": "sentencepiece", "note": ""}]


def test_a_model_on_which_kitoken_differs_is_encoded_by_sentencepiece(tmp_path, caplog):
    from tests.tokenization.test_engines import _unigram_model
    model = tmp_path / "unigram.model"
    model.write_bytes(_unigram_model())
    runs = {engine: run_tokenized(write_corpus(tmp_path), tmp_path / engine,
                                  extra=[f"tokenize.tokenizer={model}", f"tokenize.engine={engine}"])
            for engine in ("kitoken", "sentencepiece")}
    engine = json.loads((runs["kitoken"] / "manifest.json").read_text())["tokenizer"]["engine"]
    assert engine["used"] == "sentencepiece" and "kitoken's ids differ" in engine["note"]
    assert any("using SentencePiece, since kitoken's ids differ" in r.getMessage() for r in caplog.records)
    assert _shard_bytes(runs["kitoken"]) == _shard_bytes(runs["sentencepiece"])


def test_without_tokenization_the_manifest_still_closes_the_run(tmp_path):
    output = run_tokenized(write_corpus(tmp_path), tmp_path / "out", extra=["tokenize.enabled=false"])
    manifest = json.loads((output / "manifest.json").read_text())
    assert manifest["shards"] == [] and not (output / "plans").exists() and not (output / "tokens").exists()
    assert "stats/counts.json" in [entry["path"] for entry in manifest["files"]]
    assert all((output / entry["path"]).stat().st_size == entry["bytes"] for entry in manifest["files"])


def test_a_language_a_plugin_set_to_none_counts_as_unknown_in_the_manifest_and_the_profile():
    """None beside the language stage's codes once made the per-language sums unsortable, failing the run."""
    from corpus.document import Document
    from pipelines.tokenize import _languages
    from reporting.profile import add_document, empty_profile
    docs = [Document("a", "ab", "s", annotations={"lang": "en"}), Document("b", "cde", "s", annotations={"lang": None}),
            Document("c", "f", "s")]
    assert _languages(docs, [2, 3, 1]) == [("en", (1, 2, 2)), ("und", (2, 4, 4))]
    profile = empty_profile()
    for doc in docs:
        add_document(profile, doc)
    assert profile["languages"] == {"en": 1, "und": 2}
