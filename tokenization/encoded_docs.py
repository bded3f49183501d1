"""A batch of one source's encoded documents, as columns, on its way to the shards.

Between the encode step and a shard writer, documents travel as columns of
primitives (bytes and a list of ids): Beam codes and sizes them without
pickling an array or a tuple per document, and a batch splits by shard with one
vectorised search. A shard's writer concatenates its parts and puts the
documents in their final order, `(xxh3_64(id), id)`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class EncodedDocs:
    keys: np.ndarray        # uint64 order key of each document (sample_key of its id)
    doc_ids: list           # str
    lengths: np.ndarray     # int64: ids of each document, framing included
    ids: np.ndarray         # uint32: every document's ids, one after another

    def to_element(self) -> tuple:
        return self.keys.tobytes(), self.doc_ids, self.lengths.tobytes(), self.ids.tobytes()

    @classmethod
    def from_element(cls, element: tuple) -> "EncodedDocs":
        keys, doc_ids, lengths, ids = element
        return cls(np.frombuffer(keys, np.uint64), list(doc_ids), np.frombuffer(lengths, np.int64),
                   np.frombuffer(ids, np.uint32))

    @classmethod
    def concat(cls, parts: list) -> "EncodedDocs":
        if not parts:
            return cls(np.zeros(0, np.uint64), [], np.zeros(0, np.int64), np.zeros(0, np.uint32))
        return cls(np.concatenate([p.keys for p in parts]), [i for p in parts for i in p.doc_ids],
                   np.concatenate([p.lengths for p in parts]), np.concatenate([p.ids for p in parts]))

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

    def in_order(self) -> tuple:
        """(doc ids, their id arrays) sorted by (order key, id): the shard's final order."""
        keys = self.keys.tolist()
        order = sorted(range(len(keys)), key=lambda i: (keys[i], self.doc_ids[i]))
        lengths = self.lengths.tolist()
        starts = (np.cumsum(self.lengths) - self.lengths).tolist()
        return ([self.doc_ids[i] for i in order],
                [self.ids[starts[i]:starts[i] + lengths[i]] for i in order])


def shard_bounds(count: int) -> np.ndarray:
    """The smallest key of shards 1 .. count-1: key k is in shard i exactly when (k * count) >> 64 == i."""
    return np.array([-(-(index << 64) // count) for index in range(1, count)], dtype=np.uint64)
