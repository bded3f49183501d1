"""The token shard: one uncompressed Arrow IPC file per (source, shard index).

Columns: `tokens` fixed_size_list<uint32 or uint16>[seq_len], one training
sequence per row, and `doc_starts` list<uint32>. The schema metadata makes a
shard self-describing (tokenizer, special ids, counts, checksum of the token
buffer). Uncompressed so that readers memory-map it without a copy.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import xxhash

FORMAT_VERSION = "1"
SHARD_SUFFIX = ".arrow"
_META_KEY = b"tokenmill"
TOKEN_DTYPES = {"uint16": np.uint16, "uint32": np.uint32}


def token_dtype_for(vocab_size: int, requested: str = "auto") -> str:
    """uint16 halves the disk when every id fits in it; auto picks it then."""
    if requested == "auto":
        return "uint16" if vocab_size <= 1 << 16 else "uint32"
    if requested not in TOKEN_DTYPES:
        raise ValueError(f"token dtype must be auto, uint16 or uint32, got {requested!r}")
    if requested == "uint16" and vocab_size > 1 << 16:
        raise ValueError(f"a vocabulary of {vocab_size:,} does not fit uint16")
    return requested


def shard_name(source: str, index: int, count: int) -> str:
    """Relative path, deterministic: the same shard always has the same name."""
    return f"{source}/{source}-{index:05d}-of-{count:05d}{SHARD_SUFFIX}"


def token_checksum(tokens: np.ndarray) -> str:
    return "xxh3_128:" + xxhash.xxh3_128_hexdigest(np.ascontiguousarray(tokens).data)


def shard_schema(seq_len: int, dtype: str, metadata: dict) -> pa.Schema:
    value_type = pa.uint16() if dtype == "uint16" else pa.uint32()
    return pa.schema([pa.field("tokens", pa.list_(value_type, seq_len), nullable=False),
                      pa.field("doc_starts", pa.list_(pa.uint32()), nullable=False)],
                     metadata={_META_KEY: json.dumps(metadata, sort_keys=True).encode()})


def write_shard(handle: BinaryIO, tokens: np.ndarray, doc_starts: list, metadata: dict) -> None:
    """Write one IPC file (a single record batch, so the token buffer is one contiguous block)."""
    seq_len, dtype = metadata["seq_len"], metadata["token_dtype"]
    schema = shard_schema(seq_len, dtype, metadata)
    flat = pa.array(tokens.reshape(-1).astype(TOKEN_DTYPES[dtype], copy=False))
    starts_flat = np.concatenate(doc_starts).astype(np.uint32) if doc_starts else np.zeros(0, np.uint32)
    offsets = np.zeros(len(doc_starts) + 1, dtype=np.int32)
    np.cumsum([len(row) for row in doc_starts], out=offsets[1:])
    batch = pa.record_batch([pa.FixedSizeListArray.from_arrays(flat, seq_len),
                             pa.ListArray.from_arrays(pa.array(offsets), pa.array(starts_flat))],
                            schema=schema)
    with pa.ipc.new_file(pa.PythonFile(handle, mode="w"), schema) as writer:
        writer.write_batch(batch)


@dataclass
class Shard:
    """A memory-mapped shard: `tokens` is a zero-copy (rows, seq_len) view of the file."""
    path: str
    metadata: dict
    tokens: np.ndarray
    doc_start_offsets: np.ndarray
    doc_start_values: np.ndarray

    def doc_starts(self, row: int) -> np.ndarray:
        return self.doc_start_values[self.doc_start_offsets[row]:self.doc_start_offsets[row + 1]]

    def doc_start_rows(self) -> np.ndarray:
        """The row of every document start, in the order of `doc_start_values`."""
        positions = np.arange(len(self.doc_start_values))
        return np.searchsorted(self.doc_start_offsets, positions, side="right") - 1


class ShardError(ValueError):
    """The file is not a readable tokenmill shard."""


def open_shard(path: str) -> Shard:
    try:
        reader = pa.ipc.open_file(pa.memory_map(path, "r"))
        metadata = json.loads(reader.schema.metadata[_META_KEY])
        table = reader.read_all()
    except (pa.ArrowInvalid, OSError, KeyError, TypeError, ValueError) as error:
        raise ShardError(f"{path}: not a readable shard ({str(error).splitlines()[0][:120]})") from None
    return Shard(path, metadata, *_column_views(table, metadata["seq_len"], metadata["token_dtype"]))


def _column_views(table: pa.Table, seq_len: int, dtype: str) -> tuple:
    if table.num_rows == 0:
        return np.zeros((0, seq_len), TOKEN_DTYPES[dtype]), np.zeros(1, np.int32), np.zeros(0, np.uint32)
    tokens = table.column("tokens").chunk(0)
    starts = table.column("doc_starts").chunk(0)
    values = tokens.values.to_numpy(zero_copy_only=True)
    return (values.reshape(-1, seq_len), starts.offsets.to_numpy(zero_copy_only=True),
            starts.values.to_numpy(zero_copy_only=True))
