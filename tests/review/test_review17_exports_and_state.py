"""Review of issue 17 (hostile tester): Megatron export fidelity under the default tail, and malformed states."""
import struct

import numpy as np
import pytest
import sentencepiece as spm

from beam_runner import main
from tests.outputs import table_rows
from tests.tokenized_output import run_tokenized, write_corpus
from tokenization.loader import PlanLoader, PlanStateError


@pytest.fixture(scope="module")
def default_tail_output(tmp_path_factory):
    """The default `tokenize.tail` (drop): what a user gets without choosing."""
    root = tmp_path_factory.mktemp("review17")
    return run_tokenized(write_corpus(root), root / "out")


def _megatron_sequences(prefix):
    """Megatron's MMIDIDX v1 read from its spec (independent of tokenmill)."""
    data = open(f"{prefix}.idx", "rb").read()
    _, code, count, _ = struct.unpack_from("<QBQQ", data, 9)
    at = 9 + 8 + 1 + 16
    lengths = np.frombuffer(data, np.int32, count, at)
    pointers = np.frombuffer(data, np.int64, count, at + 4 * count)
    tokens = np.fromfile(f"{prefix}.bin", dtype={8: np.uint16, 4: np.int32}[code])
    return [tokens[p // tokens.itemsize:p // tokens.itemsize + n].tolist() for p, n in zip(pointers, lengths)]


def test_megatron_export_is_one_whole_sequence_per_curated_document(default_tail_output, tmp_path):
    """Issue 17: "one sequence per document". With the default tail, every shard's last document is cut
    and the documents that began in a dropped tail are missing, silently (the CLI prints only a count)."""
    assert main(["export", "megatron", str(default_tail_output), str(tmp_path / "meg")]) == 0
    processor = spm.SentencePieceProcessor(model_file=str(default_tail_output / "tokenizer" / "tokenizer.model"))
    documents = {row["id"]: row for row in table_rows(default_tail_output, "documents")}
    for source in ("books", "news"):
        ids = (tmp_path / "meg" / f"{source}.doc_ids.txt").read_text().splitlines()
        sequences = _megatron_sequences(tmp_path / "meg" / source)
        expected = [[processor.bos_id(), *processor.encode(documents[i]["text"]), processor.eos_id()] for i in ids]
        cut = [i for i, got, want in zip(ids, sequences, expected) if got != want]
        curated = sum(row["source"] == source for row in documents.values())
        assert (len(ids), cut) == (curated, []), f"{source}: {curated - len(ids)} missing, {len(cut)} truncated"


@pytest.mark.parametrize("damage", [{"position": "12"}, {"plan_sha256": None}, {"position": 12.0}],
                         ids=["position_as_string", "plan_sha256_null", "position_as_float"])
def test_a_malformed_saved_state_is_refused_with_a_clear_error(tokenized_output, damage):
    """Issue 17: a state the loader cannot continue exactly is 'refused with a clear error'
    (PlanStateError), not a TypeError from deep inside the loader."""
    state = {**PlanLoader(str(tokenized_output), "tiny", 4).state_at(3), **damage}
    with pytest.raises(PlanStateError):
        PlanLoader(str(tokenized_output), "tiny", 4, state=state)


def test_a_legacy_state_without_step_is_refused_with_a_clear_error(tokenized_output):
    with pytest.raises(PlanStateError):
        PlanLoader(str(tokenized_output), "tiny", 4, state={"budget": "tiny", "batch_size": 4, "hosts": 1})
