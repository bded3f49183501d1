"""Read a budget plan back as training batches, without Beam and without a GPU.

Shards are memory-mapped (the token buffers are never copied until a batch is
assembled). Global position p of the plan is the p-th sequence of the blend;
step k of host i of H takes positions k*B*H + i*B ... + B - 1, so hosts never
overlap, and a state dict of a few numbers resumes anywhere.
"""
from __future__ import annotations

import bisect
import json
import os
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from tokenization.blend import Blend
from tokenization.manifest import PLANS_DIR, TOKENS_DIR, read_manifest
from tokenization.ordering import RowPermutation
from tokenization.shard_format import open_shard

_OPEN_SHARDS = 64


@dataclass
class Batch:
    step: int
    tokens: np.ndarray          # (batch_size, seq_len)
    doc_starts: list            # per row, offsets where a document begins
    origins: list               # per row, (shard path, epoch, row): what was read


def read_plan(output_dir: str, budget: str) -> dict:
    with open(os.path.join(output_dir, PLANS_DIR, f"{budget}.json"), encoding="utf-8") as handle:
        return json.load(handle)


class _SourceStream:
    """The j-th planned sequence of one source -> (shard path, epoch, row)."""

    def __init__(self, entries: list, rows_per_shard: dict, seed: int):
        self._entries = entries
        self._ends = list(np.cumsum([count for *_, count in entries]))
        self._rows = rows_per_shard
        self._seed = seed
        self._permutations: dict = {}

    def locate(self, j: int) -> tuple:
        index = bisect.bisect_right(self._ends, j)
        path, epoch, first, count = self._entries[index]
        position = first + j - (self._ends[index] - count)
        key = (path, epoch)
        if key not in self._permutations:
            self._permutations[key] = RowPermutation(self._rows[path], self._seed, path, epoch)
        return path, epoch, self._permutations[key](position)


class PlanLoader:
    def __init__(self, output_dir: str, budget: str, batch_size: int, host: int = 0,
                 hosts: int | None = None, state: dict | None = None):
        self.plan = read_plan(output_dir, budget)
        self.hosts = hosts or self.plan["split"]["hosts"]
        if not 0 <= host < self.hosts:
            raise ValueError(f"host must be in [0, {self.hosts}), got {host}")
        self.output_dir, self.batch_size, self.host = output_dir, batch_size, host
        self.step = (state or {}).get("step", 0)
        sources = sorted(self.plan["order"])
        self._sources = sources
        self._blend = Blend([self.plan["sources"][s]["sequences_planned"] for s in sources])
        rows = self._rows_per_shard()
        self._streams = [_SourceStream(self.plan["order"][s], rows, self.plan["seed"]) for s in sources]
        self._shards: OrderedDict = OrderedDict()

    @property
    def steps(self) -> int:
        """Whole global steps the plan fills; the remainder of the last one is not read."""
        return self._blend.total // (self.batch_size * self.hosts)

    def state_dict(self) -> dict:
        return {"budget": self.plan["budget"], "step": self.step, "host": self.host,
                "hosts": self.hosts, "batch_size": self.batch_size}

    def __iter__(self):
        """Batches from the current step on. One walk through the blend: other hosts' positions are skipped."""
        batch, skip = self.batch_size, self.batch_size * (self.hosts - 1)
        picks = self._blend.sources_from((self.step * self.hosts + self.host) * batch)
        while self.step < self.steps:
            rows = [next(picks) for _ in range(batch)]
            result = self._read(self.step, rows)
            for _ in range(skip if self.step + 1 < self.steps else 0):
                next(picks)
            self.step += 1              # before yielding: the state after a batch resumes after it
            yield result

    def _read(self, step: int, picks: list) -> Batch:
        tokens = None
        origins, starts = [], []
        for index, (source, j) in enumerate(picks):
            path, epoch, row = self._streams[source].locate(j)
            shard = self._shard(path)
            if tokens is None:
                tokens = np.empty((len(picks), shard.tokens.shape[1]), dtype=shard.tokens.dtype)
            tokens[index] = shard.tokens[row]
            starts.append(shard.doc_starts(row))
            origins.append((path, epoch, row))
        return Batch(step, tokens, starts, origins)

    def _shard(self, path: str):
        if path not in self._shards:
            if len(self._shards) >= _OPEN_SHARDS:
                self._shards.popitem(last=False)
            self._shards[path] = open_shard(os.path.join(self.output_dir, TOKENS_DIR, path))
        self._shards.move_to_end(path)
        return self._shards[path]

    def _rows_per_shard(self) -> dict:
        return {shard["path"]: shard["rows"] for shard in read_manifest(self.output_dir)["shards"]}
