"""The loader follows a plan exactly: planned count, weights, hosts, epochs, resumption."""
import json
import subprocess
import sys
from collections import Counter

import numpy as np
import pyarrow.fs as pafs
import pytest

from tokenization.loader import PlanLoader, PlanStateError, read_plan
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


def _positions(root, batch_size, hosts, state=None, steps=None, budget="tiny"):
    """Every (shard, epoch, row) the job reads, host by host, step by step (as synchronous hosts do)."""
    loaders = [PlanLoader(str(root), budget, batch_size, host=h, hosts=hosts, state=state) for h in range(hosts)]
    steps = loaders[0].steps if steps is None else steps
    return [o for step in range(steps) for loader in loaders for o in loader.read_step(step).origins], loaders


@pytest.mark.parametrize("first, second", [((4, 2), (3, 5)), ((8, 1), (1, 8)), ((2, 3), (2, 3))])
def test_a_resumed_job_continues_exactly_with_another_batch_size_or_host_count(tokenized_output, first, second):
    whole = [o for b in PlanLoader(str(tokenized_output), "tiny", 1) for o in b.origins]
    before, loaders = _positions(tokenized_output, *first, steps=7)
    for loader in loaders:
        loader.steps_done = 7
    state = loaders[0].state_dict()
    assert state["position"] == 7 * first[0] * first[1] and state["step"] == 7
    after, resumed = _positions(tokenized_output, *second, state=state)
    assert before + after == whole[:len(before) + len(after)]     # nothing repeated, nothing skipped
    assert len(whole) - len(before) - len(after) < second[0] * second[1]   # only the last partial step
    assert next(iter(resumed[0])).step == 7


def test_a_state_from_another_plan_or_a_worker_is_refused_in_one_sentence(tokenized_output, output_copy):
    state = PlanLoader(str(tokenized_output), "tiny", 4).state_dict()
    with pytest.raises(PlanStateError, match="for plan 'tiny', this loader reads '2T'"):
        PlanLoader(str(tokenized_output), "2T", 4, state=state)
    plan = json.loads((output_copy / "plans" / "tiny.json").read_text())
    plan["seed"] += 1
    (output_copy / "plans" / "tiny.json").write_text(json.dumps(plan))
    with pytest.raises(PlanStateError, match="another 'tiny' plan"):
        PlanLoader(str(output_copy), "tiny", 4, state=state)
    with pytest.raises(PlanStateError, match="DataLoader worker 1 of 2"):
        PlanLoader(str(tokenized_output), "tiny", 4, state={**state, "worker": 1, "workers": 2})


def test_a_state_of_tokenmill_0_1_still_resumes(tokenized_output):
    full = [b.origins for b in PlanLoader(str(tokenized_output), "tiny", 4, host=1, hosts=2)]
    old = {"budget": "tiny", "step": 5, "host": 1, "hosts": 2, "batch_size": 4}
    assert [b.origins for b in PlanLoader(str(tokenized_output), "tiny", 4, host=1, hosts=2, state=old)] == full[5:]


def test_far_hosts_seek_in_the_blend_and_read_what_near_ones_walk_to(tokenized_output):
    """With B*H beyond the walking limit, each step seeks: the batches are the same."""
    plan = read_plan(str(tokenized_output), "2T")
    hosts = 3000
    loader = PlanLoader(str(tokenized_output), "2T", 2, host=2999, hosts=hosts)
    expected = PlanLoader(str(tokenized_output), "2T", 1, host=0, hosts=1)
    for step in range(loader.steps):
        first = (step * hosts + 2999) * 2
        assert loader.origins(step) == [expected.origins(first)[0], expected.origins(first + 1)[0]]
    assert loader.steps == plan["sequences_planned"] // (2 * hosts)


def test_the_loader_reads_an_output_through_any_pyarrow_filesystem(tokenized_output):
    local = [b.tokens for b in PlanLoader(str(tokenized_output), "tiny", 4)]
    by_uri = [b.tokens for b in PlanLoader(tokenized_output.as_uri(), "tiny", 4)]
    remote_like = pafs.SubTreeFileSystem(str(tokenized_output), pafs.LocalFileSystem())
    ranged = list(PlanLoader("", "tiny", 4, filesystem=remote_like))
    assert all(np.array_equal(a, b) for a, b in zip(local, by_uri)) and len(by_uri) == len(local)
    assert all(np.array_equal(a, b.tokens) for a, b in zip(local, ranged)) and len(ranged) == len(local)
    assert ranged[0].tokens.dtype == np.uint16 and ranged[0].tokens.flags.writeable


def test_a_loader_that_has_read_still_pickles_for_spawned_workers(tokenized_output):
    import pickle
    loader = PlanLoader(str(tokenized_output), "tiny", 4)
    first = next(iter(loader))
    copy = pickle.loads(pickle.dumps(loader))
    assert copy.steps_done == 1 and np.array_equal(copy.read_step(0).tokens, first.tokens)


def _modules_after(imports: str) -> set:
    """Top-level packages loaded, beyond the standard library's."""
    code = (f"import sys\n{imports}\n"
            "print(' '.join({m.split('.')[0] for m in sys.modules} - set(sys.stdlib_module_names)))")
    return set(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split())


def test_training_nodes_import_the_loader_and_dataset_with_nothing_but_numpy_pyarrow_xxhash_torch():
    torch = "import torch" if _has_torch() else ""
    ours = _modules_after(f"import tokenization.loader\n{'import tokenization.torch_dataset' if torch else ''}")
    theirs = _modules_after(f"import numpy, pyarrow, pyarrow.fs, xxhash\n{torch}")
    assert ours - theirs == {"tokenization"}
    assert not ours & {"apache_beam", "presidio_analyzer", "numba", "spacy", "sentencepiece"}


def _has_torch() -> bool:
    import importlib.util
    return importlib.util.find_spec("torch") is not None
