"""`tokenmill export megatron OUT DEST`: Megatron-LM's indexed dataset, one sequence per document, per source.

DEST/<source>.bin holds the documents' tokens end to end; DEST/<source>.idx
is the MMIDIDX index, version 1: header, dtype code, sequence and document
counts, then int32 lengths, int64 byte pointers and int64 document indices
(0, 1, ..., n: each document is one sequence). Megatron reads uint16 or
int32 tokens, so uint32 shards are written as int32 (ids stay below 2^31).
DEST/<source>.doc_ids.txt names the document of each sequence, one id a line.

The tokens are the shards' own, framing ids included; no tokenizer runs, so
only whole documents are written: with `tokenize.tail: drop`, the documents
that began in a shard's dropped tail are not in the shard, and the one the
tail shortened is left out too (tokenization/export_coverage.py counts both;
the CLI exports such an output only with --allow-partial).
"""
from __future__ import annotations

import struct

import numpy as np

from tokenization.export_coverage import shortened_by_tail, source_coverage
from tokenization.export_files import atomic_output
from tokenization.manifest import MANIFEST_FILE, TOKENS_DIR, shards_by_source
from tokenization.storage import Location

INDEX_HEADER = b"MMIDIDX\x00\x00"
INDEX_VERSION = 1
DTYPE_CODES = {"uint16": 8, "int32": 4}        # Megatron's DType enum


def export_megatron(source_dir: Location, destination: Location) -> dict:
    """Write every source's whole documents; returns {source: {coverage counts, "tokens", "prefix"}}."""
    manifest = source_dir.read_json(MANIFEST_FILE)
    dtype = "uint16" if manifest["token_dtype"] == "uint16" else "int32"
    written = {}
    for source, entries in shards_by_source(manifest).items():
        lengths, ids = [], []
        with atomic_output(destination, f"{source}.bin") as data:
            for entry in entries:
                shard = source_dir.open_shard(TOKENS_DIR, entry["path"])
                starts, ends, doc_ids = shard.document_spans()
                whole = len(starts) - shortened_by_tail(entry)
                starts, ends, doc_ids = starts[:whole], ends[:whole], doc_ids[:whole]
                if len(starts):
                    data.write(shard.stream()[starts[0]:ends[-1]].astype(dtype).tobytes())
                lengths.append(ends - starts)
                ids += doc_ids
        lengths = np.concatenate(lengths) if lengths else np.zeros(0, np.int64)
        with atomic_output(destination, f"{source}.idx") as index:
            index.write(megatron_index(lengths, dtype))
        with atomic_output(destination, f"{source}.doc_ids.txt") as names:
            names.write("".join(f"{doc_id or ''}\n" for doc_id in ids).encode("utf-8"))   # format 1: no ids
        written[source] = {**source_coverage(entries).as_dict(), "tokens": int(lengths.sum()), "prefix": source}
    return written


def megatron_index(lengths: np.ndarray, dtype: str) -> bytes:
    itemsize = np.dtype(dtype).itemsize
    pointers = np.zeros(len(lengths), np.int64)
    np.cumsum(lengths[:-1] * itemsize, out=pointers[1:])
    document_indices = np.arange(len(lengths) + 1, dtype=np.int64)
    return b"".join([INDEX_HEADER, struct.pack("<Q", INDEX_VERSION), struct.pack("<B", DTYPE_CODES[dtype]),
                     struct.pack("<Q", len(lengths)), struct.pack("<Q", len(document_indices)),
                     lengths.astype(np.int32).tobytes(), pointers.tobytes(), document_indices.tobytes()])
