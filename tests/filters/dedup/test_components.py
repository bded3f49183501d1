"""Union-find and the star rounds give the same clusters on random graphs, chains and stars."""
import random

import pytest

from filters.dedup.components import star_rounds_labels, union_find_labels


def random_graph(rng):
    nodes = rng.randint(2, 80)
    return [(rng.randrange(nodes), rng.randrange(nodes)) for _ in range(rng.randint(1, 120))]


@pytest.mark.parametrize("seed", range(200))
def test_random_graphs(seed):
    edges = [edge for edge in random_graph(random.Random(seed)) if edge[0] != edge[1]]
    if edges:
        assert star_rounds_labels(edges)[0] == union_find_labels(edges)


@pytest.mark.parametrize("edges", [
    [(i, i + 1) for i in range(500)],                          # a long chain
    [(i + 1, i) for i in reversed(range(500))],                 # the same chain, listed backwards
    [(0, i) for i in range(1, 500)],                            # a star around the minimum
    [(499, i) for i in range(499)],                             # a star around the maximum
    [(i, i + 1) for i in range(0, 100, 2)],                     # many pairs
    [("doc-b", "doc-a"), ("doc-c", "doc-b"), ("x", "y")],       # string ids, as in the pipeline
])
def test_chains_stars_and_strings(edges):
    labels, rounds = star_rounds_labels(edges)
    assert labels == union_find_labels(edges)
    assert rounds <= 24


def test_non_convergence_is_an_error():
    with pytest.raises(RuntimeError, match="did not converge in 3 rounds"):
        star_rounds_labels([(i, i + 1) for i in range(200)], max_rounds=3)
