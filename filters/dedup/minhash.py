"""MinHash signatures, identical to datasketch's "affine64" scheme; the inner loop is compiled (kernels.py).

For shingle hashes h, datasketch (>= 2.0, scheme="affine64") computes
min over shingles of (fmix64(h) * a + b) mod 2^64, with (a, b) drawn from
numpy's RandomState(seed) exactly as below. Using the same draws makes every
signature equal to `datasketch.MinHash(num_perm, seed, scheme="affine64",
hashfunc=int).update_batch(h)`, which the tests check.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from filters.dedup.kernels import FMIX_M1, FMIX_M2, FMIX_SHIFT, min_affine

EMPTY = np.iinfo(np.uint64).max


def fmix64(values: np.ndarray) -> np.ndarray:
    values = values ^ (values >> FMIX_SHIFT)
    values = values * FMIX_M1
    values = values ^ (values >> FMIX_SHIFT)
    values = values * FMIX_M2
    return values ^ (values >> FMIX_SHIFT)


@dataclass(frozen=True)
class Permutations:
    a: np.ndarray
    b: np.ndarray

    @classmethod
    def create(cls, num_perm: int, seed: int = 1) -> "Permutations":
        generator = np.random.RandomState(seed)
        a = generator.randint(0, 1 << 63, num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        b = generator.randint(0, 1 << 64, num_perm, dtype=np.uint64)
        return cls(a, b)


def signature(shingles: np.ndarray, permutations: Permutations) -> np.ndarray:
    """One uint64 per permutation; all EMPTY for a document without shingles.

    Repeated shingles may be passed: they cannot change a minimum."""
    result = np.full(len(permutations.a), EMPTY, dtype=np.uint64)
    min_affine(shingles.astype(np.uint64, copy=False), permutations.a, permutations.b, result)
    return result
