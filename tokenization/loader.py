"""Read a budget plan back as training batches, without Beam and without a GPU.

Global position p of the plan is the p-th sequence of the blend. A loader
starts at a position (0, or the one a saved state gives); its step k on host
i of H reads positions start + (k*H + i)*B ... + B - 1, so hosts never overlap.
The state is the number of sequences the whole job has consumed, so a run
resumes exactly with another batch size or host count (elastic resumption, as
in MosaicML's streaming). A state saved over another plan is refused.

Imports numpy and pyarrow (and xxhash for the seeded orders), never Beam:
training nodes use it as it is.
"""
from __future__ import annotations

import bisect
import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pyarrow.fs as pafs

from tokenization.blend import Blend
from tokenization.manifest import MANIFEST_FILE, PLANS_DIR, TOKENS_DIR
from tokenization.ordering import RowPermutation
from tokenization.storage import locate

STATE_VERSION = 2
_OPEN_SHARDS = 64
_WALK_LIMIT = 4096               # positions worth stepping through rather than seeking in the blend


class PlanStateError(ValueError):
    """A saved state this loader cannot continue exactly."""


# What a state must hold to be continued exactly: name -> (type, what it is). bool is not an int here.
_STATE_FIELDS = {"plan_sha256": (str, "a sha256 hex string"), "position": (int, "a whole number of sequences"),
                 "step": (int, "a whole number of steps")}
_LEGACY_FIELDS = {"step": (int, "a whole number of steps"), "batch_size": (int, "a positive whole number"),
                  "hosts": (int, "a positive whole number")}


def _require_fields(state: dict, fields: dict) -> None:
    """A readable refusal of a state with a missing or mistyped field (a hand-edited or foreign JSON file)."""
    for name, (kind, meaning) in fields.items():
        if name not in state:
            raise PlanStateError(f"the state has no {name!r} ({meaning}): not a state this loader saved")
        value = state[name]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise PlanStateError(f"the state's {name!r} is {value!r}, not {meaning}")
        if kind is int and value < (1 if name in ("batch_size", "hosts") else 0):
            raise PlanStateError(f"the state's {name!r} is {value!r}, not {meaning}")


@dataclass
class Batch:
    step: int                   # the job's step: steps of every earlier run it resumes, plus this one's
    tokens: np.ndarray          # (batch_size, seq_len), the shards' dtype
    doc_starts: list            # per row, offsets where a document begins
    origins: list               # per row, (shard path, epoch, row): what was read


def read_plan(output_dir: str, budget: str, filesystem: pafs.FileSystem | None = None) -> dict:
    return json.loads(locate(output_dir, filesystem).read_bytes(PLANS_DIR, f"{budget}.json"))


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
    """Batches of one host, from the state's position on. `output_dir`: a path or a URI (gs://, s3://)."""

    def __init__(self, output_dir: str, budget: str, batch_size: int, host: int = 0,
                 hosts: int | None = None, state: dict | None = None,
                 filesystem: pafs.FileSystem | None = None):
        self.location = locate(output_dir, filesystem)
        plan_bytes = self.location.read_bytes(PLANS_DIR, f"{budget}.json")
        self.plan = json.loads(plan_bytes)
        self.plan_sha256 = hashlib.sha256(plan_bytes).hexdigest()
        self.hosts = hosts or self.plan["split"]["hosts"]
        if not 0 <= host < self.hosts:
            raise ValueError(f"host must be in [0, {self.hosts}), got {host}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.output_dir, self.batch_size, self.host = output_dir, batch_size, host
        sources = sorted(self.plan["order"])
        self._blend = Blend([self.plan["sources"][s]["sequences_planned"] for s in sources])
        self.start, self.first_step = self._resume(state)
        self.steps_done = 0
        rows = {shard["path"]: shard["rows"] for shard in self.location.read_json(MANIFEST_FILE)["shards"]}
        self._streams = [_SourceStream(self.plan["order"][s], rows, self.plan["seed"]) for s in sources]
        self._shards: OrderedDict = OrderedDict()
        self._picks, self._picks_at = None, -1

    def __getstate__(self) -> dict:
        """Picklable (DataLoader workers started by spawn): open shards and the blend walk are reopened."""
        return {**self.__dict__, "_shards": OrderedDict(), "_picks": None, "_picks_at": -1}

    @property
    def steps(self) -> int:
        """Whole global steps from the start position; the remainder of the last one is not read."""
        return (self._blend.total - self.start) // (self.batch_size * self.hosts)

    def state_at(self, steps_done: int) -> dict:
        """The job's state once every host has taken `steps_done` steps of this loader: small, JSON-able."""
        return {"state_version": STATE_VERSION, "budget": self.plan["budget"], "plan_sha256": self.plan_sha256,
                "position": self.start + steps_done * self.batch_size * self.hosts,
                "step": self.first_step + steps_done,
                "batch_size": self.batch_size, "hosts": self.hosts, "host": self.host}

    def state_dict(self) -> dict:
        return self.state_at(self.steps_done)

    def __iter__(self):
        """Batches from the current step on; the state after a batch resumes after it."""
        for step in range(self.steps_done, self.steps):
            batch = self.read_step(step)
            self.steps_done = step + 1
            yield batch

    def origins(self, step: int) -> list:
        """(shard path, epoch, row) of each sequence of this host's batch `step`, reading no token."""
        first = self.start + (step * self.hosts + self.host) * self.batch_size
        return [self._streams[source].locate(j) for source, j in self._sources_from(first)]

    def read_step(self, step: int) -> Batch:
        origins = self.origins(step)
        shards = [self.shard(path) for path, _, _ in origins]
        tokens = np.empty((len(origins), self.plan["seq_len"]), dtype=shards[0].dtype)
        starts = []
        for index, (shard, (_, _, row)) in enumerate(zip(shards, origins)):
            tokens[index] = shard.row(row)
            starts.append(np.array(shard.doc_starts(row)))     # a writable copy, not a view of the file
        return Batch(self.first_step + step, tokens, starts, origins)

    def shard(self, path: str):
        if path not in self._shards:
            if len(self._shards) >= _OPEN_SHARDS:
                self._shards.popitem(last=False)
            self._shards[path] = self.location.open_shard(TOKENS_DIR, path)
        self._shards.move_to_end(path)
        return self._shards[path]

    def _sources_from(self, position: int) -> list:
        """(source, j) of the batch_size positions from `position`: walked when near, sought when far."""
        if self._picks is None or not 0 <= position - self._picks_at <= _WALK_LIMIT:
            self._picks, self._picks_at = self._blend.sources_from(position), position
        for _ in range(position - self._picks_at):
            next(self._picks)
        self._picks_at = position + self.batch_size
        return [next(self._picks) for _ in range(self.batch_size)]

    def _resume(self, state: dict | None) -> tuple:
        """(start position, steps already taken) from a saved state, checked against this plan."""
        if not state:
            return 0, 0
        if "workers" in state:
            raise PlanStateError(
                f"this state was saved inside DataLoader worker {state['worker']} of {state['workers']}: only "
                "torchdata's StatefulDataLoader can restore it, with the same batch_size, hosts and num_workers; "
                "to resume elsewhere, use the 'state' of the last batch trained on")
        if state.get("budget") != self.plan["budget"]:
            raise PlanStateError(f"the state is for plan {state.get('budget')!r}, this loader reads "
                                 f"{self.plan['budget']!r}")
        if "state_version" not in state:                   # tokenmill 0.1: a step of a fixed batch and hosts
            _require_fields(state, _LEGACY_FIELDS)
            return state["step"] * state["batch_size"] * state["hosts"], state["step"]
        if state["state_version"] != STATE_VERSION:
            raise PlanStateError(f"the state has state_version {state['state_version']!r}; this tokenmill reads "
                                 f"version {STATE_VERSION} (and 0.1's states without one)")
        _require_fields(state, _STATE_FIELDS)
        if state["plan_sha256"] != self.plan_sha256:
            raise PlanStateError(f"the state was saved over another {self.plan['budget']!r} plan (sha256 "
                                 f"{state['plan_sha256'][:12]}, this one {self.plan_sha256[:12]}): its positions "
                                 "do not name the same sequences")
        if not 0 <= state["position"] <= self._blend.total:
            raise PlanStateError(f"the state's position {state['position']:,} is outside the plan's "
                                 f"{self._blend.total:,} sequences")
        return state["position"], state["step"]
