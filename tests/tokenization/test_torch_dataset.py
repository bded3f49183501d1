"""The optional PyTorch wrapper (torch is not a dependency: its PyPI wheel brings GBs of CUDA libraries)."""
import numpy as np
import pytest

from tokenization.loader import PlanLoader

torch = pytest.importorskip("torch", reason="torch is an optional extra and is not installed here")


def test_the_dataset_yields_the_loaders_batches_as_tensors(tokenized_output):
    from tokenization.torch_dataset import PlanDataset
    dataset = PlanDataset(str(tokenized_output), "tiny", batch_size=4)
    expected = [batch.tokens for batch in PlanLoader(str(tokenized_output), "tiny", 4)]
    got = [tokens.numpy() for tokens, _ in dataset]
    assert len(got) == len(expected) and all(np.array_equal(a, b) for a, b in zip(got, expected))
    assert dataset.state_dict()["step"] == len(expected)
