"""Megatron and MDS exports, read back by small readers written here from the formats' specs, and by the
real libraries where they are installed (megatron-core, mosaicml-streaming: optional)."""
import json
import struct

import numpy as np
import pytest

from beam_runner import main
from tests.outputs import table_rows
from tokenization.encoding import Framing, decode_ids
from tokenization.sentencepiece_model import processor_from_bytes

datasets = pytest.importorskip("datasets", reason="Hugging Face datasets is in the test extra")

MEGATRON_DTYPES = {1: np.uint8, 2: np.int8, 3: np.int16, 4: np.int32, 5: np.int64, 6: np.float64, 7: np.float32,
                   8: np.uint16}


def read_mmidx(prefix):
    """Megatron-LM's indexed dataset by its spec: header, version 1, dtype code, counts, three arrays."""
    data = open(f"{prefix}.idx", "rb").read()
    assert data[:9] == b"MMIDIDX\x00\x00"
    version, code, sequences, documents = struct.unpack_from("<QBQQ", data, 9)
    at = 9 + 8 + 1 + 16
    lengths = np.frombuffer(data, np.int32, sequences, at)
    pointers = np.frombuffer(data, np.int64, sequences, at + 4 * sequences)
    document_indices = np.frombuffer(data, np.int64, documents, at + 12 * sequences)
    tokens = np.fromfile(f"{prefix}.bin", dtype=MEGATRON_DTYPES[code])
    itemsize = tokens.itemsize
    sequences = [tokens[p // itemsize:p // itemsize + n] for p, n in zip(pointers, lengths)]
    return version, MEGATRON_DTYPES[code], sequences, document_indices


def read_mds(directory):
    """MosaicML's MDS by its spec: index.json; per shard a count, offsets, the config, then samples."""
    index = json.loads((directory / "index.json").read_text())
    samples = []
    for shard in index["shards"]:
        data = (directory / shard["raw_data"]["basename"]).read_bytes()
        assert len(data) == shard["raw_data"]["bytes"]
        count = struct.unpack_from("<I", data)[0]
        offsets = np.frombuffer(data, np.uint32, count + 1, 4)
        assert count == shard["samples"] and offsets[-1] == len(data)
        for low, high in zip(offsets[:-1], offsets[1:]):
            samples.append(_mds_sample(data[low:high], shard))
    return index, samples


def _mds_sample(data, shard):
    variable = [size is None for size in shard["column_sizes"]]
    sizes = list(np.frombuffer(data, np.uint32, sum(variable)))
    at, sample = 4 * len(sizes), {}
    for name, encoding, size in zip(shard["column_names"], shard["column_encodings"], shard["column_sizes"]):
        size = sizes.pop(0) if size is None else size
        raw = data[at:at + size]
        at += size
        sample[name] = json.loads(raw) if encoding == "json" else np.frombuffer(raw, encoding.split(":")[1])
    assert at == len(data)
    return sample


@pytest.fixture(scope="module")
def megatron_export(tokenized_output, tmp_path_factory):
    destination = tmp_path_factory.mktemp("megatron") / "out"
    assert main(["export", "megatron", str(tokenized_output), str(destination)]) == 0
    return destination


@pytest.fixture(scope="module")
def mds_export(tokenized_output, tmp_path_factory):
    destination = tmp_path_factory.mktemp("mds") / "out"
    assert main(["export", "mds", str(tokenized_output), str(destination), "--size-limit", "40000"]) == 0
    return destination


def test_megatron_holds_every_document_as_one_sequence_that_decodes_to_its_text(tokenized_output,
                                                                                megatron_export):
    manifest = json.loads((tokenized_output / "manifest.json").read_text())
    processor = processor_from_bytes((tokenized_output / "tokenizer" / "tokenizer.model").read_bytes())
    framing = Framing(manifest["bos_id"], manifest["eos_id"])
    texts = {row["id"]: row["text"] for row in table_rows(tokenized_output, "documents")}
    for source in ("books", "news"):
        version, dtype, sequences, document_indices = read_mmidx(megatron_export / source)
        ids = (megatron_export / f"{source}.doc_ids.txt").read_text().splitlines()
        assert version == 1 and dtype == np.uint16
        assert len(sequences) == len(ids) == manifest["sources"][source]["documents"]
        assert document_indices.tolist() == list(range(len(ids) + 1))      # one sequence per document
        assert sum(len(s) for s in sequences) == manifest["sources"][source]["tokens_encoded"]
        assert all(sequence[0] == manifest["bos_id"] and sequence[-1] == manifest["eos_id"] for sequence in sequences)
        assert [decode_ids(processor, s, framing) for s in sequences] == [texts[doc_id] for doc_id in ids]
        counts = json.loads((megatron_export / "export.json").read_text())["sources"][source]
        assert (counts["documents_curated"], counts["documents_cut_by_tail"]) == (len(ids), 0)   # tail=pad: all whole


def test_mds_holds_every_row_as_hugging_face_reads_the_shards(tokenized_output, mds_export):
    manifest = json.loads((tokenized_output / "manifest.json").read_text())
    for source in ("books", "news"):
        index, samples = read_mds(mds_export / source)
        assert index["version"] == 2 and len(index["shards"]) > 1            # the size limit split it
        assert index["shards"][0]["column_names"] == ["continued_doc_id", "doc_ids", "doc_starts", "tokens"]
        paths = sorted((tokenized_output / "tokens" / source).glob("*.arrow"))
        rows = datasets.concatenate_datasets([datasets.Dataset.from_file(str(p)) for p in paths])
        assert len(samples) == rows.num_rows == manifest["sources"][source]["rows"]
        for sample, row in zip(samples, rows):
            assert sample["tokens"].tolist() == row["tokens"] and sample["doc_ids"] == row["doc_ids"]
            assert sample["doc_starts"] == row["doc_starts"]
            assert sample["continued_doc_id"] == row["continued_doc_id"]


def test_megatron_core_reads_the_export(megatron_export):
    indexed = pytest.importorskip("megatron.core.datasets.indexed_dataset",
                                  reason="megatron-core is optional (it needs torch): make test-torch")
    for source in ("books", "news"):
        _, _, sequences, document_indices = read_mmidx(megatron_export / source)
        dataset = indexed.IndexedDataset(str(megatron_export / source))
        assert len(dataset) == len(sequences)
        assert np.array_equal(dataset.document_indices, document_indices)
        assert all(np.array_equal(dataset[i], sequences[i]) for i in range(len(dataset)))


def test_streaming_reads_the_export(mds_export):
    streaming = pytest.importorskip("streaming", reason="mosaicml-streaming is optional")
    for source in ("books", "news"):
        _, samples = read_mds(mds_export / source)
        dataset = streaming.LocalDataset(local=str(mds_export / source))
        assert len(dataset) == len(samples)
        for i in (0, len(samples) // 2, len(samples) - 1):
            got = dataset[i]
            assert np.array_equal(got["tokens"], samples[i]["tokens"]) and got["doc_ids"] == samples[i]["doc_ids"]
            assert got["continued_doc_id"] == samples[i]["continued_doc_id"]


def test_an_export_refuses_a_non_empty_destination_or_an_unfinished_output(tokenized_output, tmp_path, capsys):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "keep.txt").write_text("mine")
    assert main(["export", "megatron", str(tokenized_output), str(tmp_path / "taken")]) == 2
    assert main(["export", "mds", str(tmp_path), str(tmp_path / "new")]) == 2
    err = capsys.readouterr().err
    assert "is not empty" in err and "no manifest.json" in err and "Traceback" not in err
    assert (tmp_path / "taken" / "keep.txt").read_text() == "mine" and not (tmp_path / "new").exists()
