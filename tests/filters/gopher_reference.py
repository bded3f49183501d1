"""The numpy Gopher n-gram rules that filters/quality/gopher_kernels.py replaced, kept as the reference.

tests/filters/test_gopher_kernels.py checks the compiled rules against these;
bench/gopher_kernel.py times the two.
"""
from __future__ import annotations

import numpy as np

from filters.quality.gopher_kernels import MULTIPLIER


def ngram_hashes(word_ids: np.ndarray, n: int) -> np.ndarray:
    """One uint64 hash per n-gram start position."""
    if len(word_ids) < n:
        return np.zeros(0, dtype=np.uint64)
    hashes = word_ids[: len(word_ids) - n + 1].copy()
    for offset in range(1, n):
        hashes = hashes * MULTIPLIER + word_ids[offset: len(word_ids) - n + 1 + offset]
    return hashes


def top_ngram_char_fraction(word_ids: np.ndarray, lengths: np.ndarray, n: int, total: int) -> float:
    """Characters of the most frequent n-gram times its count; ties go to the one that occurs first
    (a stable sort keeps each run's earliest position first)."""
    hashes = ngram_hashes(word_ids, n)
    if len(hashes) < 2:
        return 0.0
    order = np.argsort(hashes, kind="stable")
    ordered = hashes[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    runs = np.diff(np.append(starts, len(ordered)))
    most = int(runs.max())
    if most < 2:
        return 0.0
    first = int(order[starts[runs == most]].min())
    return float(lengths[first:first + n].sum()) * most / total


def dup_ngram_char_fraction(word_ids: np.ndarray, lengths: np.ndarray, n: int, total: int) -> float:
    """Characters of the words covered by n-grams that occurred earlier (every member of a run of
    equal hashes but the first, after a stable sort)."""
    hashes = ngram_hashes(word_ids, n)
    if len(hashes) == 0:
        return 0.0
    order = np.argsort(hashes, kind="stable")
    ordered = hashes[order]
    repeats = order[1:][ordered[1:] == ordered[:-1]]
    if len(repeats) == 0:
        return 0.0
    covered = np.zeros(len(lengths) + 1, dtype=np.int32)
    np.add.at(covered, repeats, 1)
    np.add.at(covered, repeats + n, -1)
    mask = np.cumsum(covered[:-1]) > 0
    return float(lengths[mask].sum()) / total
