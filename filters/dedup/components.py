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
