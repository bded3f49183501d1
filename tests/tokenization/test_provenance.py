"""Every token row names its documents, and a batch traces back to documents/ (urls, sources, texts)."""
import json
from collections import defaultdict

import pytest

from beam_runner import main
from tests.outputs import table_rows
from tokenization.encoding import Framing, decode_ids
from tokenization.loader import PlanLoader
from tokenization.provenance import batch_documents
from tokenization.sentencepiece_model import processor_from_bytes
from tokenization.shard_format import open_shard


def _manifest(root):
    return json.loads((root / "manifest.json").read_text())


def test_the_tokens_each_row_attributes_to_an_id_decode_to_that_documents_text(tokenized_output):
    """Independent of the packing order: pieces are gathered by id alone, then checked against documents/."""
    manifest = _manifest(tokenized_output)
    processor = processor_from_bytes((tokenized_output / "tokenizer" / "tokenizer.model").read_bytes())
    pieces = defaultdict(list)
    for entry in manifest["shards"]:
        shard = open_shard(str(tokenized_output / "tokens" / entry["path"]))
        for row in range(shard.rows):
            named = shard.documents(row)
            end = shard.seq_len - (entry["pad_tokens"] if row == shard.rows - 1 else 0)
            bounds = [offset for offset, _ in named][1:] + [end]
            assert named and named[0][0] == 0                  # every token of the row has a document
            for (low, doc_id), high in zip(named, bounds):
                pieces[doc_id].extend(shard.tokens[row][low:high].tolist())
    framing = Framing(manifest["bos_id"], manifest["eos_id"])
    texts = {row["id"]: row["text"] for row in table_rows(tokenized_output, "documents")}
    assert set(pieces) == set(texts)
    assert all(decode_ids(processor, ids, framing) == texts[doc_id] for doc_id, ids in pieces.items())


def test_a_batch_maps_to_its_documents_with_url_and_source(tokenized_output):
    rows = {row["id"]: row for row in table_rows(tokenized_output, "documents")}
    for host in range(3):
        loader = PlanLoader(str(tokenized_output), "tiny", 4, host=host, hosts=3)
        for step in (0, 5, loader.steps - 1):
            batch = loader.read_step(step)
            traced = batch_documents(str(tokenized_output), "tiny", step, 4, host=host, hosts=3)
            assert len(traced) == 4
            for (path, _, row), documents in zip(batch.origins, traced):
                shard = open_shard(str(tokenized_output / "tokens" / path))
                assert [(d["offset"], d["id"]) for d in documents] == shard.documents(row)
                for doc in documents:
                    assert (doc["url"], doc["source"]) == (rows[doc["id"]]["url"], rows[doc["id"]]["source"])
                    assert doc["url"].startswith(f"https://{doc['source']}.example/")


def test_steps_after_an_elastic_resumption_map_to_what_was_read(tokenized_output):
    state = PlanLoader(str(tokenized_output), "tiny", 4, hosts=2).state_at(5)
    loader = PlanLoader(str(tokenized_output), "tiny", 3, host=1, hosts=3, state=state)
    batch = loader.read_step(2)
    traced = batch_documents(str(tokenized_output), "tiny", batch.step, 3, host=1, hosts=3, state=state)
    assert batch.step == 7
    assert [[d["id"] for d in row] for row in traced] == [
        [doc_id for _, doc_id in open_shard(str(tokenized_output / "tokens" / path)).documents(row)]
        for path, _, row in batch.origins]
    with pytest.raises(ValueError, match="step 4 is outside this run's steps 5..."):
        batch_documents(str(tokenized_output), "tiny", 4, 3, host=1, hosts=3, state=state)


def test_inspect_show_prints_each_documents_id_url_and_source(tokenized_output, capsys):
    shard = sorted((tokenized_output / "tokens" / "news").glob("*.arrow"))[0]
    assert main(["inspect", "show", str(shard), "--row", "1"]) == 0
    out = capsys.readouterr().out
    expected = open_shard(str(shard)).documents(1)
    rows = {row["id"]: row for row in table_rows(tokenized_output, "documents")}
    for offset, doc_id in expected:
        assert f"document at {offset:>6}  {doc_id}  source news  url {rows[doc_id]['url']}" in out
