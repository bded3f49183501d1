"""`tokenmill export mds OUT DEST`: MosaicML streaming's MDS shards, one sample per token row, per source.

DEST/<source>/ is one streaming dataset (`StreamingDataset(local=...)` or a
`Stream` of a mixture): index.json and shard.NNNNN.mds files, version 2,
uncompressed, at most `size_limit` bytes each. Columns, sorted by name as
streaming's MDSWriter sorts them:

- `continued_doc_id` json: the id of the document the row continues, or null;
- `doc_ids` json: the ids of the documents that start in the row;
- `doc_starts` json: where they start;
- `tokens` ndarray:<dtype>:<seq_len>: the row, in the shards' dtype.

The rows are the shards' own: with `tokenize.tail: drop`, the documents that
began in a shard's dropped tail are in no row and the one the tail shortened
ends early (the CLI exports such an output only with --allow-partial, and
counts both as cut).

A shard file is: the sample count (uint32), the offset of every sample and
of the end (uint32), the writer config as JSON, then the samples; a sample is
the byte size of each variable-size column (uint32), then the columns' bytes.
"""
from __future__ import annotations

import json

import numpy as np

from tokenization.export_coverage import source_coverage
from tokenization.export_files import atomic_output
from tokenization.manifest import MANIFEST_FILE, TOKENS_DIR, shards_by_source
from tokenization.storage import Location

MDS_VERSION = 2
DEFAULT_SIZE_LIMIT = 1 << 26           # streaming's default: 64 MiB
_JSON_COLUMNS = ("continued_doc_id", "doc_ids", "doc_starts")


def export_mds(source_dir: Location, destination: Location, size_limit: int = DEFAULT_SIZE_LIMIT) -> dict:
    """Write every source; returns {source: {coverage counts (whole documents), "samples", "shards"}}."""
    manifest = source_dir.read_json(MANIFEST_FILE)
    columns = {name: "json" for name in _JSON_COLUMNS}
    columns["tokens"] = f"ndarray:{manifest['token_dtype']}:{manifest['seq_len']}"
    written = {}
    for source, entries in shards_by_source(manifest).items():
        writer = _ShardWriter(destination, source, columns, size_limit)
        for entry in entries:
            shard = source_dir.open_shard(TOKENS_DIR, entry["path"])
            for row in range(shard.rows):
                writer.add({"continued_doc_id": shard.continued_doc_id(row), "doc_ids": shard.doc_ids(row),
                            "doc_starts": shard.doc_starts(row).tolist(), "tokens": shard.row(row)})
        written[source] = {**source_coverage(entries).as_dict(), **writer.finish()}
    return written


class _ShardWriter:
    """Samples -> shard files of at most `size_limit` bytes, then index.json (as streaming's JointWriter)."""

    def __init__(self, destination: Location, source: str, columns: dict, size_limit: int):
        self._destination, self._source, self._size_limit = destination, source, size_limit
        self._names = sorted(columns)
        self._encodings = [columns[name] for name in self._names]
        self._sizes = [None if encoding == "json" else _ndarray_bytes(encoding) for encoding in self._encodings]
        self._config = {"version": MDS_VERSION, "format": "mds", "compression": None, "hashes": [],
                        "size_limit": size_limit, "column_names": self._names,
                        "column_encodings": self._encodings, "column_sizes": self._sizes}
        self._config_bytes = json.dumps(self._config, sort_keys=True).encode("utf-8")
        self._samples, self._shards, self._total = [], [], 0

    def add(self, sample: dict) -> None:
        encoded = self._encode(sample)
        if self._samples and self._shard_bytes() + len(encoded) + 4 > self._size_limit:
            self._flush()
        self._samples.append(encoded)

    def finish(self) -> dict:
        if self._samples:
            self._flush()
        index = json.dumps({"version": MDS_VERSION, "shards": self._shards}, sort_keys=True).encode("utf-8")
        with atomic_output(self._destination, f"{self._source}/index.json") as handle:
            handle.write(index)
        return {"samples": self._total, "shards": len(self._shards)}

    def _encode(self, sample: dict) -> bytes:
        sizes, parts = [], []
        for name, size in zip(self._names, self._sizes):
            if size is None:
                data = json.dumps(sample[name]).encode("utf-8")
                sizes.append(len(data))
            else:
                data = np.ascontiguousarray(sample[name]).tobytes()
                if len(data) != size:
                    raise ValueError(f"column {name}: {len(data)} bytes, its encoding fixes {size}")
            parts.append(data)
        return np.array(sizes, np.uint32).tobytes() + b"".join(parts)

    def _shard_bytes(self) -> int:
        return 8 + len(self._config_bytes) + sum(len(sample) + 4 for sample in self._samples)

    def _flush(self) -> None:
        count = len(self._samples)
        offsets = np.zeros(count + 1, np.uint32)
        np.cumsum([len(sample) for sample in self._samples], out=offsets[1:])
        offsets += 4 + offsets.nbytes + len(self._config_bytes)
        data = np.uint32(count).tobytes() + offsets.tobytes() + self._config_bytes + b"".join(self._samples)
        name = f"shard.{len(self._shards):05d}.mds"
        with atomic_output(self._destination, f"{self._source}/{name}") as handle:
            handle.write(data)
        self._shards.append({**self._config, "samples": count, "zip_data": None,
                             "raw_data": {"basename": name, "bytes": len(data), "hashes": {}}})
        self._total += count
        self._samples = []


def _ndarray_bytes(encoding: str) -> int:
    _, dtype, length = encoding.split(":")
    return int(length) * np.dtype(dtype).itemsize
