"""The token shard: one uncompressed Arrow IPC stream per (source, shard index).

Columns, one training sequence per row:

- `tokens` fixed_size_list<uint32 or uint16>[seq_len];
- `doc_starts` list<uint32>: offsets where a document begins;
- `doc_ids` list<string>: the ids of those documents, aligned with doc_starts;
- `continued_doc_id` string: the document that began in an earlier row and
  fills this one up to its first start (null when the row begins with one).

The schema metadata makes a shard self-describing (tokenizer, special ids,
counts, checksum of the token buffer). Format 2 is the IPC *stream* format,
which is what Hugging Face's `Dataset.from_file` reads; it memory-maps without
a copy like format 1 (the IPC *file* format), which is still read. Both hold a
single record batch, so the token buffer is one contiguous block, and both are
uncompressed so that readers map it without a copy.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import xxhash

FORMAT_VERSION = "2"
SHARD_SUFFIX = ".arrow"
_META_KEY = b"tokenmill"
_FILE_MAGIC = b"ARROW1"          # format 1 begins with it; a stream begins with a continuation marker
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
                      pa.field("doc_starts", pa.list_(pa.uint32()), nullable=False),
                      pa.field("doc_ids", pa.list_(pa.string()), nullable=False),
                      pa.field("continued_doc_id", pa.string())],
                     metadata={_META_KEY: json.dumps(metadata, sort_keys=True).encode()})


def write_shard(handle: BinaryIO, tokens: np.ndarray, doc_starts: list, metadata: dict,
                doc_ids: list | None = None, continued_doc_ids: list | None = None) -> None:
    """Write one IPC stream holding a single record batch (the token buffer is one contiguous block).

    `doc_ids`: per row, the ids aligned with `doc_starts`; `continued_doc_ids`: per row, an id or
    None. Without them the ids are written as nulls: provenance unknown, never invented.
    """
    seq_len, dtype = metadata["seq_len"], metadata["token_dtype"]
    schema = shard_schema(seq_len, dtype, metadata)
    rows = len(doc_starts)
    flat = pa.array(tokens.reshape(-1).astype(TOKEN_DTYPES[dtype], copy=False))
    offsets = pa.array(_row_offsets(doc_starts))
    starts_flat = np.concatenate(doc_starts).astype(np.uint32) if rows else np.zeros(0, np.uint32)
    ids_flat = [doc_id for row in doc_ids for doc_id in row] if doc_ids is not None else [None] * len(starts_flat)
    if len(ids_flat) != len(starts_flat):
        raise ValueError(f"{len(ids_flat)} document ids for {len(starts_flat)} document starts")
    batch = pa.record_batch([pa.FixedSizeListArray.from_arrays(flat, seq_len),
                             pa.ListArray.from_arrays(offsets, pa.array(starts_flat)),
                             pa.ListArray.from_arrays(offsets, pa.array(ids_flat, pa.string())),
                             pa.array(continued_doc_ids or [None] * rows, pa.string())],
                            schema=schema)
    with pa.ipc.new_stream(pa.PythonFile(handle, mode="w"), schema) as writer:
        writer.write_batch(batch)


def _row_offsets(rows: list) -> np.ndarray:
    offsets = np.zeros(len(rows) + 1, dtype=np.int32)
    np.cumsum([len(row) for row in rows], out=offsets[1:])
    return offsets


@dataclass
class Shard:
    """A shard read back: `tokens` is a zero-copy (rows, seq_len) view of the mapped file."""
    path: str
    metadata: dict
    tokens: np.ndarray
    doc_start_offsets: np.ndarray
    doc_start_values: np.ndarray
    doc_id_values: pa.Array | None       # every document id, in the order of doc_start_values; None: format 1
    continued_doc_ids: pa.Array | None

    @property
    def format_version(self) -> str:
        return "1" if self.doc_id_values is None else "2"

    @property
    def rows(self) -> int:
        return len(self.doc_start_offsets) - 1

    @property
    def seq_len(self) -> int:
        return self.metadata["seq_len"]

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(TOKEN_DTYPES[self.metadata["token_dtype"]])

    def row(self, row: int) -> np.ndarray:
        """One sequence (a read-only view for a mapped shard)."""
        return self.tokens[row]

    def doc_starts(self, row: int) -> np.ndarray:
        return self.doc_start_values[self.doc_start_offsets[row]:self.doc_start_offsets[row + 1]]

    def doc_ids(self, row: int) -> list:
        """The ids of the documents that begin in `row`, aligned with doc_starts (None: not recorded)."""
        low, high = self.doc_start_offsets[row], self.doc_start_offsets[row + 1]
        if self.doc_id_values is None:
            return [None] * int(high - low)
        return self.doc_id_values.slice(low, high - low).to_pylist()

    def continued_doc_id(self, row: int) -> str | None:
        """The document that began in an earlier row and fills `row` up to its first start, if any."""
        return self.continued_doc_ids[row].as_py() if self.continued_doc_ids is not None else None

    def documents(self, row: int) -> list:
        """(offset, id) of every document with tokens in `row`: the continued one at offset 0 first."""
        continued = self.continued_doc_id(row)
        starts = [int(offset) for offset in self.doc_starts(row)]
        head = [(0, continued)] if (not starts or starts[0] > 0) and continued is not None else []
        return head + list(zip(starts, self.doc_ids(row)))

    def stream(self) -> np.ndarray:
        """Every token of the shard in order, rows end to end (the padding of a last row included)."""
        return self.tokens.reshape(-1)

    def document_spans(self) -> tuple:
        """(starts, ends, ids) of the shard's documents in its token stream; the padding is no document's."""
        starts = self.doc_start_rows().astype(np.int64) * self.seq_len + self.doc_start_values
        ends = np.append(starts[1:], self.rows * self.seq_len - self.metadata.get("pad_tokens", 0))
        ids = self.doc_id_values.to_pylist() if self.doc_id_values is not None else [None] * len(starts)
        return starts, ends, ids

    def doc_start_rows(self) -> np.ndarray:
        """The row of every document start, in the order of `doc_start_values`."""
        positions = np.arange(len(self.doc_start_values))
        return np.searchsorted(self.doc_start_offsets, positions, side="right") - 1


class ShardError(ValueError):
    """The file is not a readable tokenmill shard."""


def open_shard(path: str) -> Shard:
    """Memory-map a local shard of either format."""
    try:
        return shard_from_table(path, read_ipc(pa.memory_map(path, "r")))
    except (pa.ArrowInvalid, OSError, KeyError, TypeError, ValueError) as error:
        raise ShardError(f"{path}: not a readable shard ({str(error).splitlines()[0][:120]})") from None


def read_ipc(source) -> pa.Table:
    """A table from an IPC file (format 1) or stream (format 2); zero-copy when `source` is mapped."""
    magic = source.read(len(_FILE_MAGIC))
    source.seek(0)
    if magic == _FILE_MAGIC:
        return pa.ipc.open_file(source).read_all()
    return pa.ipc.open_stream(source).read_all()


def shard_from_table(path: str, table: pa.Table) -> Shard:
    metadata = json.loads(table.schema.metadata[_META_KEY])
    if "rows" in metadata and table.num_rows != metadata["rows"]:
        raise ValueError(f"{table.num_rows} rows, its metadata says {metadata['rows']} (truncated?)")
    if table.column("tokens").num_chunks > 1:
        raise ValueError("more than one record batch: the token buffer would not be contiguous")
    return Shard(path, metadata, *_column_views(table, metadata["seq_len"], metadata["token_dtype"]))


def _column_views(table: pa.Table, seq_len: int, dtype: str) -> tuple:
    with_ids = "doc_ids" in table.column_names
    if table.num_rows == 0:
        no_ids = pa.array([], pa.string()) if with_ids else None
        return (np.zeros((0, seq_len), TOKEN_DTYPES[dtype]), np.zeros(1, np.int32), np.zeros(0, np.uint32),
                no_ids, no_ids)
    tokens = table.column("tokens").chunk(0)
    starts = table.column("doc_starts").chunk(0)
    values = tokens.values.to_numpy(zero_copy_only=True)
    start_offsets = starts.offsets.to_numpy(zero_copy_only=True)
    ids = continued = None
    if with_ids:
        id_lists, continued = table.column("doc_ids").chunk(0), table.column("continued_doc_id").chunk(0)
        if not np.array_equal(id_lists.offsets.to_numpy(zero_copy_only=True), start_offsets):
            raise ValueError("doc_ids are not aligned with doc_starts")
        ids = id_lists.values
    return (values.reshape(-1, seq_len), start_offsets, starts.values.to_numpy(zero_copy_only=True),
            ids, continued)
