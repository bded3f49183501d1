"""A PyTorch IterableDataset over a budget plan: a thin, optional wrapper around PlanLoader.

    pip install torch; then
    dataset = PlanDataset("out/", "13T", batch_size=8, host=rank, hosts=world_size)
    for tokens, doc_starts in torch.utils.data.DataLoader(dataset, batch_size=None): ...

torch is imported only here, so the rest of tokenmill never needs it.
"""
from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import IterableDataset

from tokenization.loader import PlanLoader


class PlanDataset(IterableDataset):
    """Yields (int64 tensor of shape (batch, seq_len), list of document-start arrays); resumable."""

    def __init__(self, output_dir: str, budget: str, batch_size: int, host: int = 0,
                 hosts: int | None = None, state: dict | None = None):
        super().__init__()
        self.loader = PlanLoader(output_dir, budget, batch_size, host, hosts, state)

    def __iter__(self):
        for batch in self.loader:
            yield torch.from_numpy(batch.tokens.astype(np.int64)), batch.doc_starts

    def state_dict(self) -> dict:
        return self.loader.state_dict()
