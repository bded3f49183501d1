"""PlanDataset under DataLoader workers and checkpoints (torch is optional: `make test-torch` installs it)."""
import numpy as np
import pytest

from tokenization.loader import PlanLoader, PlanStateError

torch = pytest.importorskip("torch", reason="torch is not installed here (make test-torch installs its CPU build)")
from torch.utils.data import DataLoader  # noqa: E402

from tokenization.torch_dataset import PlanDataset  # noqa: E402


def _stream(root, batch_size=4):
    return {batch.step: batch.tokens for batch in PlanLoader(str(root), "tiny", batch_size)}


def test_batches_keep_the_stored_dtype_unless_asked(tokenized_output):
    expected = _stream(tokenized_output)
    got = list(PlanDataset(str(tokenized_output), "tiny", batch_size=4))
    assert [b["step"] for b in got] == sorted(expected)
    assert all(np.array_equal(b["tokens"].numpy(), expected[b["step"]]) for b in got)
    assert got[0]["tokens"].dtype == torch.uint16 and got[0]["doc_starts"][0].dtype == torch.int32
    wide = next(iter(PlanDataset(str(tokenized_output), "tiny", batch_size=4, dtype=torch.int64)))
    assert wide["tokens"].dtype == torch.int64


@pytest.mark.parametrize("workers", [2, 3])
def test_dataloader_workers_yield_each_batch_exactly_once_in_step_order(tokenized_output, workers):
    expected = _stream(tokenized_output)
    loader = DataLoader(PlanDataset(str(tokenized_output), "tiny", batch_size=4), batch_size=None,
                        num_workers=workers)
    got = list(loader)
    assert [b["step"] for b in got] == list(range(len(expected)))          # no repeat, no gap, in order
    assert all(np.array_equal(b["tokens"].numpy(), expected[b["step"]]) for b in got)


def test_a_job_resumes_from_a_batchs_state_with_other_workers_and_batch_size(tokenized_output):
    whole = np.concatenate([b.tokens for b in PlanLoader(str(tokenized_output), "tiny", 1)])
    first = DataLoader(PlanDataset(str(tokenized_output), "tiny", batch_size=4), batch_size=None, num_workers=2)
    seen = []
    for batch in first:
        seen.append(batch["tokens"].numpy())
        if batch["step"] == 6:
            state = batch["state"]
            break
    resumed = DataLoader(PlanDataset(str(tokenized_output), "tiny", batch_size=3, state=state),
                         batch_size=None, num_workers=3)
    seen += [batch["tokens"].numpy() for batch in resumed]
    seen = np.concatenate(seen)
    assert state["position"] == 28 and len(whole) - len(seen) < 3
    assert np.array_equal(seen, whole[:len(seen)])


def test_the_main_process_copy_refuses_to_report_a_state_it_does_not_have(tokenized_output):
    dataset = PlanDataset(str(tokenized_output), "tiny", batch_size=4)
    next(iter(DataLoader(dataset, batch_size=None, num_workers=2)))
    with pytest.raises(PlanStateError, match="save the 'state' of the last batch"):
        dataset.state_dict()


def test_stateful_dataloader_restores_every_worker_exactly(tokenized_output):
    stateful = pytest.importorskip("torchdata.stateful_dataloader", reason="torchdata is not installed here")
    expected = _stream(tokenized_output)

    def loader(batch_size=4, workers=2):
        return stateful.StatefulDataLoader(PlanDataset(str(tokenized_output), "tiny", batch_size=batch_size),
                                           batch_size=None, num_workers=workers)
    first = loader()
    batches = iter(first)
    steps = [next(batches)["step"] for _ in range(5)]
    saved = first.state_dict()
    del batches                 # ends its workers now, not at exit
    again = loader()
    again.load_state_dict(saved)
    rest = list(again)
    assert steps + [b["step"] for b in rest] == list(range(len(expected)))
    assert all(np.array_equal(b["tokens"].numpy(), expected[b["step"]]) for b in rest)


class _WorkerStates(torch.utils.data.IterableDataset):
    """What PlanDataset.state_dict() says inside each DataLoader worker after each batch."""

    def __init__(self, dataset):
        super().__init__()
        self.dataset = dataset

    def __iter__(self):
        for _ in iter(self.dataset):
            yield self.dataset.state_dict()


def test_a_worker_state_resumes_only_the_same_worker_batch_size_and_hosts(tokenized_output):
    states = list(DataLoader(_WorkerStates(PlanDataset(str(tokenized_output), "tiny", batch_size=4)),
                             batch_size=None, num_workers=2))
    assert [(s["worker"], s["workers"]) for s in states[:4]] == [(0, 2), (1, 2), (0, 2), (1, 2)]
    # worker 1 after its second batch (step 3) goes on at step 5: its state starts striding at step 4
    assert states[3]["position"] == 4 * 4 and states[3]["step"] == 4
    with pytest.raises(PlanStateError, match="worker 1 of 2 at batch_size 4 and 1 hosts cannot resume "
                                             "worker 0 of 1 at batch_size 8"):
        PlanDataset(str(tokenized_output), "tiny", batch_size=8).load_state_dict(states[3])
