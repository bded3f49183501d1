"""A PyTorch IterableDataset over a budget plan, safe with DataLoader workers and checkpoints.

    dataset = PlanDataset("gs://bucket/out", "13T", batch_size=8, host=rank, hosts=world_size)
    loader = torch.utils.data.DataLoader(dataset, batch_size=None, num_workers=4)
    for batch in loader:
        batch["tokens"]        # (8, seq_len) tensor in the shards' dtype (uint16 or uint32) unless dtype=
        batch["doc_starts"]    # per row, an int32 tensor of the offsets where documents begin
        batch["state"]         # the job's state after this batch: save it with the checkpoint

Worker w of W takes this host's steps w, w + W, w + 2W, ...: DataLoader hands
them out in turn, so the batches arrive in step order, each exactly once.

Resuming, two ways:
- `PlanDataset(..., state=batch["state"])` of the last batch trained on. The
  state is the number of sequences the job consumed, so the new run may use
  another batch size, host count or number of workers and still continue
  exactly (no sequence repeated or skipped).
- torchdata's `StatefulDataLoader(dataset, batch_size=None, num_workers=W)`:
  its `state_dict()` holds every worker's state, and `load_state_dict()` gives
  each worker its own back. That restores the same batch size, hosts and W
  only; anything else is refused with a clear error.

The copy of the dataset in the main process never sees what workers read, so
there `state_dict()` raises rather than return a stale start.
"""
from __future__ import annotations

import torch
from torch.utils.data import IterableDataset, get_worker_info

from tokenization.loader import PlanLoader, PlanStateError


class PlanDataset(IterableDataset):
    def __init__(self, output_dir: str, budget: str, batch_size: int, host: int = 0,
                 hosts: int | None = None, state: dict | None = None, dtype: torch.dtype | None = None,
                 filesystem=None):
        super().__init__()
        self._arguments = (output_dir, budget, batch_size, host, hosts)
        self._filesystem, self._dtype = filesystem, dtype
        self.loader = PlanLoader(output_dir, budget, batch_size, host, hosts, state, filesystem)  # checks now
        self._progress = None           # (worker, workers, next step of this worker) once iterated here

    def __iter__(self):
        worker, workers = _worker()
        self._progress = (worker, workers, worker)
        return self._batches(worker, workers)

    def _batches(self, worker: int, workers: int):
        for step in range(worker, self.loader.steps, workers):
            batch = self.loader.read_step(step)
            self._progress = (worker, workers, step + workers)
            yield self._as_tensors(batch, self.loader.state_at(step + 1))

    def _as_tensors(self, batch, state: dict) -> dict:
        tokens = torch.from_numpy(batch.tokens)
        return {"tokens": tokens if self._dtype is None else tokens.to(self._dtype),
                "doc_starts": [torch.from_numpy(starts.astype("int32")) for starts in batch.doc_starts],
                "step": batch.step, "state": state}

    def state_dict(self) -> dict:
        """The state of this process's iteration: inside a worker, that worker's; see the module doc."""
        if self._progress is None:
            if get_worker_info() is None:
                raise PlanStateError(
                    "this PlanDataset was not iterated in this process (DataLoader workers read copies of it): "
                    "save the 'state' of the last batch trained on, or use torchdata's StatefulDataLoader")
            return self.loader.state_dict()
        worker, workers, next_step = self._progress
        if workers == 1:
            return self.loader.state_at(next_step)
        # Resumed by worker `worker` of `workers`, which takes relative steps worker, worker + W, ...
        return {**self.loader.state_at(next_step - worker), "worker": worker, "workers": workers}

    def load_state_dict(self, state: dict) -> None:
        """Called by StatefulDataLoader in each worker before it iterates: checked here, at once."""
        self.loader = self._loader_for_worker(state, *_worker())

    def _loader_for_worker(self, state: dict, worker: int, workers: int) -> PlanLoader:
        batch_size, hosts = self.loader.batch_size, self.loader.hosts
        if "workers" in state:
            saved = (state["worker"], state["workers"], state["batch_size"], state["hosts"])
            if saved != (worker, workers, batch_size, hosts):
                raise PlanStateError(
                    f"a worker state of worker {saved[0]} of {saved[1]} at batch_size {saved[2]} and {saved[3]} "
                    f"hosts cannot resume worker {worker} of {workers} at batch_size {batch_size} and {hosts} "
                    "hosts; to change them, resume from the 'state' of the last batch trained on")
            state = {key: value for key, value in state.items() if key not in ("worker", "workers")}
        output_dir, budget, _, host, _ = self._arguments
        return PlanLoader(output_dir, budget, batch_size, host, hosts, state, self._filesystem)


def _worker() -> tuple:
    """(this worker's index, number of workers); (0, 1) outside DataLoader workers."""
    info = get_worker_info()
    return (info.id, info.num_workers) if info else (0, 1)
