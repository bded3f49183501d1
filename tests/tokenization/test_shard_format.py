import json

import numpy as np
import pyarrow as pa
import pyarrow.fs as pafs
import pytest

from tokenization.packing import pack
from tokenization.shard_format import (ShardError, open_shard, token_checksum, token_dtype_for,
                                       write_shard)
from tokenization.storage import locate


def _write(path, dtype="uint32", lengths=(5, 30, 2)):
    docs = [np.arange(n, dtype=np.uint32) + 7 for n in lengths]
    packed = pack(docs, 16, "pad", 0)
    tokens = packed.tokens.astype(dtype)
    meta = {"seq_len": 16, "token_dtype": dtype, "checksum": token_checksum(tokens), "rows": packed.rows}
    ids = [[f"src/{i}" for i in row.tolist()] for row in packed.doc_index]
    continued = [f"src/{i}" if i >= 0 else None for i in packed.continued.tolist()]
    with open(path, "wb") as handle:
        write_shard(handle, tokens, packed.doc_starts, meta, ids, continued)
    return packed, meta


def _write_format_one(path, packed, meta):
    """Format 1 as tokenmill 0.1 wrote it, by hand: an IPC *file* with tokens and doc_starts only."""
    value_type = pa.uint16() if meta["token_dtype"] == "uint16" else pa.uint32()
    schema = pa.schema([pa.field("tokens", pa.list_(value_type, 16), nullable=False),
                        pa.field("doc_starts", pa.list_(pa.uint32()), nullable=False)],
                       metadata={b"tokenmill": json.dumps(meta).encode()})
    table = pa.table([pa.FixedSizeListArray.from_arrays(pa.array(packed.tokens.reshape(-1), value_type), 16),
                      pa.array([row.tolist() for row in packed.doc_starts], pa.list_(pa.uint32()))], schema=schema)
    with pa.ipc.new_file(str(path), schema) as writer:
        writer.write_table(table)


@pytest.mark.parametrize("dtype", ["uint16", "uint32"])
def test_a_shard_reads_back_as_a_zero_copy_view(tmp_path, dtype):
    packed, meta = _write(tmp_path / "s.arrow", dtype)
    shard = open_shard(str(tmp_path / "s.arrow"))
    assert shard.metadata == meta and shard.format_version == "2"
    assert shard.tokens.dtype == np.dtype(dtype) and shard.tokens.shape == (packed.rows, 16)
    assert np.array_equal(shard.tokens, packed.tokens)
    assert not shard.tokens.flags.owndata and not shard.tokens.flags.writeable   # memory-mapped
    assert [shard.doc_starts(r).tolist() for r in range(packed.rows)] == [r.tolist() for r in packed.doc_starts]
    assert token_checksum(shard.tokens) == meta["checksum"]


def test_every_row_names_the_documents_it_holds(tmp_path):
    _write(tmp_path / "s.arrow", lengths=(5, 30, 2))       # rows of 16: [d0 d1...] [...d1] [...d1 d2 pad]
    shard = open_shard(str(tmp_path / "s.arrow"))
    assert [shard.doc_ids(r) for r in range(3)] == [["src/0", "src/1"], [], ["src/2"]]
    assert [shard.documents(r) for r in range(3)] == [
        [(0, "src/0"), (5, "src/1")], [(0, "src/1")], [(0, "src/1"), (3, "src/2")]]


def test_the_stream_schema_is_the_documented_one(tmp_path):
    _write(tmp_path / "s.arrow")
    schema = pa.ipc.open_stream(str(tmp_path / "s.arrow")).schema
    assert schema.field("tokens").type == pa.list_(pa.uint32(), 16)
    assert schema.field("doc_starts").type == pa.list_(pa.uint32())
    assert schema.field("doc_ids").type == pa.list_(pa.string())
    assert schema.field("continued_doc_id").type == pa.string()


def test_hugging_face_opens_a_shard_and_keeps_its_dtype(tmp_path):
    datasets = pytest.importorskip("datasets")
    packed, _ = _write(tmp_path / "s.arrow", "uint16")
    dataset = datasets.Dataset.from_file(str(tmp_path / "s.arrow"))
    assert dataset.num_rows == packed.rows and dataset[1]["continued_doc_id"] == "src/1"
    column = dataset.with_format("arrow")[:]["tokens"].chunk(0)           # the mapped file, as it is
    assert column.values.to_numpy(zero_copy_only=True).dtype == np.uint16
    # HF's numpy formatter widens integers to int64 unless given a dtype (docs/tokenization.md).
    tokens = dataset.with_format("numpy", dtype=np.uint16)[:]["tokens"]
    assert tokens.dtype == np.uint16 and np.array_equal(tokens, packed.tokens)


def test_format_one_files_still_open_without_ids(tmp_path):
    packed, meta = _write(tmp_path / "new.arrow")
    _write_format_one(tmp_path / "old.arrow", packed, meta)
    shard = open_shard(str(tmp_path / "old.arrow"))
    assert shard.format_version == "1" and np.array_equal(shard.tokens, packed.tokens)
    assert not shard.tokens.flags.owndata
    assert shard.doc_ids(0) == [None, None] and shard.documents(1) == []


def test_without_ids_a_row_says_so_with_nulls(tmp_path):
    packed = pack([np.arange(20, dtype=np.uint32)], 8, "drop")
    meta = {"seq_len": 8, "token_dtype": "uint32", "rows": packed.rows}
    with open(tmp_path / "s.arrow", "wb") as handle:
        write_shard(handle, packed.tokens, packed.doc_starts, meta)
    assert open_shard(str(tmp_path / "s.arrow")).doc_ids(0) == [None]
    with pytest.raises(ValueError, match="2 document ids for 1 document starts"):
        write_shard(open(tmp_path / "t.arrow", "wb"), packed.tokens, packed.doc_starts, meta, [["a", "b"], []])


def test_an_empty_shard_opens(tmp_path):
    _write(tmp_path / "e.arrow", lengths=())
    assert open_shard(str(tmp_path / "e.arrow")).tokens.shape == (0, 16)


@pytest.mark.parametrize("content", [b"not arrow at all", None])
def test_a_file_that_is_not_a_whole_shard_is_a_clear_error(tmp_path, content):
    _write(tmp_path / "s.arrow")
    data = (tmp_path / "s.arrow").read_bytes()
    (tmp_path / "x.arrow").write_bytes(content or data[:len(data) // 2])
    with pytest.raises(ShardError, match="not a readable shard"):
        open_shard(str(tmp_path / "x.arrow"))


def test_a_stream_cut_after_its_header_is_caught_by_the_row_count(tmp_path):
    """A stream has no footer: with its record batch gone it reads as zero rows, which the metadata denies."""
    _write(tmp_path / "s.arrow")
    schema = pa.ipc.open_stream(str(tmp_path / "s.arrow")).schema
    with pa.ipc.new_stream(str(tmp_path / "cut.arrow"), schema):
        pass
    with pytest.raises(ShardError, match="0 rows, its metadata says 3"):
        open_shard(str(tmp_path / "cut.arrow"))


@pytest.mark.parametrize("format_one", [False, True])
def test_a_shard_on_another_filesystem_reads_the_same_rows(tmp_path, format_one):
    packed, meta = _write(tmp_path / "s.arrow", "uint16")
    if format_one:
        _write_format_one(tmp_path / "s.arrow", packed, meta)
    # Not a LocalFileSystem: the loader's remote path (ranged reads), over local files.
    location = locate("", pafs.SubTreeFileSystem(str(tmp_path), pafs.LocalFileSystem()))
    shard, local = location.open_shard("s.arrow"), open_shard(str(tmp_path / "s.arrow"))
    assert [shard.row(r).tolist() for r in range(shard.rows)] == local.tokens.tolist()
    assert [shard.documents(r) for r in range(shard.rows)] == [local.documents(r) for r in range(local.rows)]
    assert shard.metadata == meta


def test_uint16_only_when_the_vocabulary_fits():
    assert token_dtype_for(32_000) == "uint16" and token_dtype_for(256_000) == "uint32"
    with pytest.raises(ValueError):
        token_dtype_for(256_000, "uint16")
