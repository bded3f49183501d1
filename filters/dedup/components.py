"""Connected components of the candidate graph: union-find, and the star rounds Beam runs.

Both label every node with the smallest id of its component, so they give the
same clusters (checked by a property test on random graphs).

The star rounds are Kiveris et al., "Connected Components in MapReduce and
Beyond" (SoCC 2014). Each round takes the current edges grouped by node and
emits new edges; alternating large-star and small-star rounds converge to one
star per component (every node linked to the component's minimum) in
O(log^2 n) rounds, and a round that changes no edge proves convergence.
"""
from __future__ import annotations

# near_dedup.components: auto picks union-find on one worker up to this much input, star rounds above.
# Measured (bench/components_scale.py, docs/dedup.md): union-find takes 2 s and 77 MB of forest for 1M
# LSH-like edges, 15 s and 308 MB for 4M, plus about 0.2 kB per edge for the edge list it is given.
# Edges are at most one per band (14) per document, typically 1-3 per duplicated document, so 2 GB of
# input (about 500k documents of 4 kB) gives at most 7M edges (about 2 GB, a minute) and typically
# under 1M. The 20 unrolled star rounds cost 20 shuffles of the edge set and about 30 fused stages,
# which on the local runner took 4.7 s against 1.0 s for 10k edges, 41 s against 8 s for 100k.
UNION_FIND_MAX_INPUT_BYTES = 2 << 30


def components_method(configured: str, input_bytes: int) -> str:
    """star or union_find: `auto` chooses by the input's size, known on the launcher before the run."""
    if configured != "auto":
        return configured
    return "union_find" if input_bytes <= UNION_FIND_MAX_INPUT_BYTES else "star"


class UnionFind:
    def __init__(self):
        self.parent: dict = {}

    def find(self, node):
        parent = self.parent.setdefault(node, node)
        root = node
        while parent != root:
            root, parent = parent, self.parent[parent]
        while node != root:                              # path compression
            node, self.parent[node] = self.parent[node], root
        return root

    def union(self, first, second) -> None:
        a, b = self.find(first), self.find(second)
        if a != b:
            if b < a:
                a, b = b, a
            self.parent[b] = a                           # the smaller id is always the root


def union_find_labels(edges) -> dict:
    """node -> smallest node of its component, for every node on an edge."""
    forest = UnionFind()
    for first, second in edges:
        forest.union(first, second)
    return {node: forest.find(node) for node in forest.parent}


def large_star(node, neighbours) -> list:
    """Link every larger neighbour to the smallest of the node and its neighbours."""
    smallest = min(min(neighbours), node)
    return [(neighbour, smallest) for neighbour in set(neighbours) if neighbour > node]


def small_star(node, neighbours) -> list:
    """Link the node and its smaller neighbours to the smallest of them."""
    smaller = {neighbour for neighbour in neighbours if neighbour <= node} | {node}
    smallest = min(smaller)
    return [(member, smallest) for member in smaller if member != smallest]


def star_rounds_labels(edges, max_rounds: int = 64) -> tuple:
    """The same algorithm on one machine: (labels, rounds used). For tests and small graphs."""
    current = {tuple(sorted(edge, reverse=True)) for edge in edges if edge[0] != edge[1]}
    unchanged = 0
    for round_number in range(1, max_rounds + 1):
        step = large_star if round_number % 2 == 1 else small_star
        following = set()
        for node, neighbours in _neighbourhoods(current, both_ways=step is large_star).items():
            following.update(step(node, neighbours))
        unchanged = unchanged + 1 if following == current else 0
        current = following
        if unchanged == 2:               # a large-star and a small-star round both changed nothing
            labels = {node: label for node, label in current}
            return labels | {label: label for label in labels.values()}, round_number
    raise RuntimeError(f"components did not converge in {max_rounds} rounds")


def _neighbourhoods(edges, both_ways: bool) -> dict:
    grouped: dict = {}
    for first, second in edges:
        grouped.setdefault(first, []).append(second)
        if both_ways:
            grouped.setdefault(second, []).append(first)
    return grouped
