"""Seeded orders that are the same on every machine: hashes, not a random generator.

numpy's generators do not promise the same stream across versions; a plan
must give the same order wherever and whenever it is read.
"""
from __future__ import annotations

import math

import xxhash


def seeded_hash(seed: int, *parts) -> int:
    return xxhash.xxh3_64_intdigest("\x1f".join(str(part) for part in (seed, *parts)).encode())


def seeded_order(items: list, seed: int, *context) -> list:
    """`items` (strings) in an order fixed by the seed and the context."""
    return sorted(items, key=lambda item: (seeded_hash(seed, *context, item), item))


class RowPermutation:
    """A bijection of range(n) in O(1) memory: i -> (a*i + b) mod n with gcd(a, n) = 1.

    Enough to spread a partial epoch over a whole shard and to vary the row
    order from one epoch to the next; not a cryptographic shuffle.
    """

    def __init__(self, n: int, seed: int, *context):
        self.n = n
        if n <= 1:
            self.a, self.b = 1, 0
            return
        mixed = seeded_hash(seed, "rows", *context)
        self.a = mixed % n or 1
        while math.gcd(self.a, n) != 1:
            self.a += 1
        self.b = (mixed >> 32) % n

    def __call__(self, position: int) -> int:
        return (self.a * position + self.b) % self.n
