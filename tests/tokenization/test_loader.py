"""The loader follows a plan exactly: planned count, weights, hosts, epochs, resumption."""
from collections import Counter

import numpy as np
import pytest

from tokenization.loader import PlanLoader, read_plan
from tokenization.shard_format import open_shard


def _everything(root, hosts, batch_size=4, budget="tiny"):
    batches = []
    for host in range(hosts):
        batches += list(PlanLoader(str(root), budget, batch_size, host=host, hosts=hosts))
    return batches


@pytest.mark.parametrize("hosts", [1, 2, 8])
def test_hosts_together_read_every_planned_sequence_once_per_epoch(tokenized_output, hosts):
    plan = read_plan(str(tokenized_output), "tiny")
    batch_size = 4
    batches = _everything(tokenized_output, hosts, batch_size)
    origins = [origin for batch in batches for origin in batch.origins]
    global_batch = batch_size * hosts
    assert len(origins) == plan["sequences_planned"] // global_batch * global_batch
    assert max(Counter(origins).values()) == 1            # (shard, epoch, row): nothing twice in an epoch
    per_source = Counter(path.split("/")[0] for path, _, _ in origins)
    for source, entry in plan["sources"].items():
        assert abs(per_source[source] - len(origins) * entry["weight"]) <= hosts + 1


def test_all_host_counts_read_the_same_sequences(tokenized_output):
    one = {o for b in _everything(tokenized_output, 1, 8) for o in b.origins}
    eight = {o for b in _everything(tokenized_output, 8, 1) for o in b.origins}
    assert one == eight


def test_batches_are_the_shard_rows_with_their_document_starts(tokenized_output):
    batch = next(iter(PlanLoader(str(tokenized_output), "tiny", 3)))
    assert batch.tokens.shape == (3, 64)
    for row, (path, _, index), starts in zip(batch.tokens, batch.origins, batch.doc_starts):
        shard = open_shard(str(tokenized_output / "tokens" / path))
        assert np.array_equal(row, shard.tokens[index])
        assert np.array_equal(starts, shard.doc_starts(index))


def test_a_resumed_loader_continues_exactly(tokenized_output):
    full = [b.origins for b in PlanLoader(str(tokenized_output), "tiny", 4, host=1, hosts=2)]
    loader = PlanLoader(str(tokenized_output), "tiny", 4, host=1, hosts=2)
    iterator = iter(loader)
    for _ in range(5):
        next(iterator)
    state = loader.state_dict()
    resumed = PlanLoader(str(tokenized_output), "tiny", 4, host=1, hosts=2, state=state)
    assert state["step"] == 5
    assert [b.origins for b in resumed] == full[5:]


def test_a_short_plan_reads_only_what_exists(tokenized_output):
    plan = read_plan(str(tokenized_output), "2T")
    assert not plan["satisfiable"]
    origins = [o for b in PlanLoader(str(tokenized_output), "2T", 16) for o in b.origins]
    epochs = Counter(epoch for _, epoch, _ in origins)
    assert set(epochs) == {0, 1, 2, 3}                    # the cap: four epochs, no more
