"""A batch of one source's encoded documents, as columns, on its way to the shards.

Between the encode step and a shard writer, documents travel as columns of
primitives (bytes, a list of ids and the name of the ids' dtype, the shard's:
uint16 halves what waits in the runner for a vocabulary that fits it): Beam codes and sizes them without
pickling an array or a tuple per document, and a batch splits by shard with one
vectorised search. A shard's writer copies its parts' ids once, in the
documents' final order `(xxh3_64(id), id)` and in the shard's token dtype,
into the buffer the rows are cut from.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class EncodedDocs:
    keys: np.ndarray        # uint64 order key of each document (sample_key of its id)
    doc_ids: list           # str
    lengths: np.ndarray     # int64: ids of each document, framing included
    ids: np.ndarray         # uint16 or uint32 (the shard's token dtype): every document's ids, one after another

    def to_element(self) -> tuple:
        return (self.keys.tobytes(), self.doc_ids, self.lengths.tobytes(), self.ids.tobytes(),
                self.ids.dtype.name)

    @classmethod
    def from_element(cls, element: tuple) -> "EncodedDocs":
        keys, doc_ids, lengths, ids, dtype = element
        if dtype not in ("uint16", "uint32"):
            raise ValueError(f"encoded ids of dtype {dtype!r}")
        return cls(np.frombuffer(keys, np.uint64), list(doc_ids), np.frombuffer(lengths, np.int64),
                   np.frombuffer(ids, np.dtype(dtype)))

    def split_by_shard(self, count: int) -> list:
        """[(shard index, EncodedDocs)] for the shards that get a document: shard `(key * count) >> 64`."""
        if count == 1:
            return [(0, self)] if self.doc_ids else []
        shard = np.searchsorted(shard_bounds(count), self.keys, side="right")
        token_shard = np.repeat(shard, self.lengths)
        parts = []
        for index in np.unique(shard).tolist():
            members = np.flatnonzero(shard == index)
            parts.append((index, EncodedDocs(self.keys[members], [self.doc_ids[m] for m in members.tolist()],
                                             self.lengths[members], self.ids[token_shard == index])))
        return parts

    @property
    def token_count(self) -> int:
        return int(self.lengths.sum())

    @staticmethod
    def copy_in_order(parts: list, out: np.ndarray) -> tuple:
        """Every document of `parts` in the shard's final order, (order key, id): their ids copied once,
        cast to `out`'s dtype, end to end into the start of `out`. Returns (doc ids, lengths) in that order."""
        keys = [key for part in parts for key in part.keys.tolist()]
        doc_ids = [doc_id for part in parts for doc_id in part.doc_ids]
        sources = [(part.ids, start, length) for part in parts
                   for start, length in zip((np.cumsum(part.lengths) - part.lengths).tolist(), part.lengths.tolist())]
        order = sorted(range(len(keys)), key=lambda i: (keys[i], doc_ids[i]))
        position = 0
        for index in order:
            ids, start, length = sources[index]
            out[position:position + length] = ids[start:start + length]
            position += length
        return [doc_ids[i] for i in order], np.array([sources[i][2] for i in order], dtype=np.int64)


def shard_bounds(count: int) -> np.ndarray:
    """The smallest key of shards 1 .. count-1: key k is in shard i exactly when (k * count) >> 64 == i."""
    return np.array([-(-(index << 64) // count) for index in range(1, count)], dtype=np.uint64)
