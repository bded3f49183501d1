import numpy as np
import pytest

from tokenization.packing import pack
from tokenization.shard_format import (ShardError, open_shard, token_checksum, token_dtype_for,
                                       write_shard)


def _write(path, dtype="uint32", lengths=(5, 30, 2)):
    docs = [np.arange(n, dtype=np.uint32) + 7 for n in lengths]
    packed = pack(docs, 16, "pad", 0)
    tokens = packed.tokens.astype(dtype)
    meta = {"seq_len": 16, "token_dtype": dtype, "checksum": token_checksum(tokens), "rows": packed.rows}
    with open(path, "wb") as handle:
        write_shard(handle, tokens, packed.doc_starts, meta)
    return packed, meta


@pytest.mark.parametrize("dtype", ["uint16", "uint32"])
def test_a_shard_reads_back_as_a_zero_copy_view(tmp_path, dtype):
    packed, meta = _write(tmp_path / "s.arrow", dtype)
    shard = open_shard(str(tmp_path / "s.arrow"))
    assert shard.metadata == meta
    assert shard.tokens.dtype == np.dtype(dtype) and shard.tokens.shape == (packed.rows, 16)
    assert np.array_equal(shard.tokens, packed.tokens)
    assert not shard.tokens.flags.owndata and not shard.tokens.flags.writeable   # memory-mapped
    assert [shard.doc_starts(r).tolist() for r in range(packed.rows)] == [r.tolist() for r in packed.doc_starts]
    assert token_checksum(shard.tokens) == meta["checksum"]


def test_the_arrow_schema_is_the_documented_one(tmp_path):
    import pyarrow as pa
    _write(tmp_path / "s.arrow")
    schema = pa.ipc.open_file(str(tmp_path / "s.arrow")).schema
    assert schema.field("tokens").type == pa.list_(pa.uint32(), 16)
    assert schema.field("doc_starts").type == pa.list_(pa.uint32())


def test_an_empty_shard_opens(tmp_path):
    _write(tmp_path / "e.arrow", lengths=())
    assert open_shard(str(tmp_path / "e.arrow")).tokens.shape == (0, 16)


def test_a_file_that_is_not_a_shard_is_a_clear_error(tmp_path):
    (tmp_path / "x.arrow").write_bytes(b"not arrow at all")
    with pytest.raises(ShardError, match="not a readable shard"):
        open_shard(str(tmp_path / "x.arrow"))


def test_uint16_only_when_the_vocabulary_fits():
    assert token_dtype_for(32_000) == "uint16" and token_dtype_for(256_000) == "uint32"
    with pytest.raises(ValueError):
        token_dtype_for(256_000, "uint16")
