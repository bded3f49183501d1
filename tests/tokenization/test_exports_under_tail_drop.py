"""Exports of an output tokenized with the default `tokenize.tail: drop`, whose dropped tails cut documents.

The export refuses it (one line, exit 2) unless --allow-partial; then Megatron holds exactly the documents
that are whole in the shards, each one sequence equal to an independent SentencePiece encode, and stdout and
DEST/export.json say "N of M documents exported, K cut by tail=drop" with N, M and K counted here from the
documents table and the shards' rows as pyarrow reads them."""
import json

import numpy as np
import pyarrow as pa
import pytest
import sentencepiece as spm

from beam_runner import main
from tests.outputs import table_rows
from tests.tokenization.test_exports import read_mmidx
from tests.tokenized_output import run_tokenized, write_corpus


@pytest.fixture(scope="module")
def default_tail_output(tmp_path_factory):
    """The default `tokenize.tail` (drop): what a user gets without choosing."""
    root = tmp_path_factory.mktemp("tail_drop")
    return run_tokenized(write_corpus(root), root / "out")


@pytest.fixture(scope="module")
def expected(default_tail_output):
    """source -> (ids whole in the shards in export order, curated documents, {id: framed encode})."""
    processor = spm.SentencePieceProcessor(model_file=str(default_tail_output / "tokenizer" / "tokenizer.model"))
    documents = table_rows(default_tail_output, "documents")
    result = {}
    for source in ("books", "news"):
        encoded = {row["id"]: [processor.bos_id(), *processor.encode(row["text"]), processor.eos_id()]
                   for row in documents if row["source"] == source}
        whole = []
        for path in sorted((default_tail_output / "tokens" / source).glob("*.arrow")):
            with pa.OSFile(str(path), "rb") as handle:
                table = pa.ipc.open_stream(handle).read_all()
            rows = table.column("tokens").to_pylist()
            stream = [token for row in rows for token in row]
            for number, (starts, ids) in enumerate(zip(table.column("doc_starts").to_pylist(),
                                                       table.column("doc_ids").to_pylist())):
                for offset, doc_id in zip(starts, ids):
                    at = number * len(rows[0]) + offset
                    if stream[at:at + len(encoded[doc_id])] == encoded[doc_id]:
                        whole.append(doc_id)
        result[source] = (whole, len(encoded), encoded)
    return result


def test_the_export_of_a_tail_drop_output_that_cut_documents_is_refused_in_one_line(default_tail_output,
                                                                                   expected, tmp_path, capsys):
    cut = sum(curated - len(whole) for whole, curated, _ in expected.values())
    curated = sum(curated for _, curated, _ in expected.values())
    assert cut > 0                      # the fixture does exercise the case
    for export_format in ("megatron", "mds"):
        assert main(["export", export_format, str(default_tail_output), str(tmp_path / export_format)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err
        assert f"tokenize.tail=drop, which cut {cut:,} of its {curated:,} documents" in err and "--allow-partial" in err
        assert not (tmp_path / export_format).exists()


def test_megatron_with_allow_partial_holds_every_whole_document_and_counts_the_cut(default_tail_output, expected,
                                                                                   tmp_path, capsys):
    destination = tmp_path / "meg"
    assert main(["export", "megatron", str(default_tail_output), str(destination), "--allow-partial"]) == 0
    out = capsys.readouterr().out
    metadata = json.loads((destination / "export.json").read_text())
    assert metadata["tail"] == "drop"
    for source, (whole, curated, encoded) in expected.items():
        ids = (destination / f"{source}.doc_ids.txt").read_text().splitlines()
        _, _, sequences, _ = read_mmidx(destination / source)
        assert ids == whole and [s.tolist() for s in sequences] == [encoded[i] for i in ids]
        cut = curated - len(whole)
        assert f"{source}: {len(whole):,} of {curated:,} documents exported, {cut:,} cut by tail=drop" in out
        counts = metadata["sources"][source]
        assert (counts["documents"], counts["documents_curated"], counts["documents_cut_by_tail"]) == (
            len(whole), curated, cut)


def test_mds_with_allow_partial_counts_the_same_documents_as_megatron(default_tail_output, expected, tmp_path,
                                                                      capsys):
    destination = tmp_path / "mds"
    assert main(["export", "mds", str(default_tail_output), str(destination), "--allow-partial"]) == 0
    out = capsys.readouterr().out
    metadata = json.loads((destination / "export.json").read_text())
    for source, (whole, curated, _) in expected.items():
        cut = curated - len(whole)
        assert f"{source}: {len(whole):,} of {curated:,} documents exported, {cut:,} cut by tail=drop" in out
        assert metadata["sources"][source]["documents_cut_by_tail"] == cut
