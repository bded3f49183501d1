"""The n-gram loops of the Gopher repetition rules, compiled with numba (as filters/dedup/kernels.py).

In numpy each n cost an n-gram hash array, a stable argsort and a few passes
over the sorted copy: nine sorts per document. Compiled, each n is one pass
over the words with an open-addressing table of the n-grams seen so far.

The n-gram hash is the one the numpy code used (h = h * MULTIPLIER + word,
modulo 2^64, from the first word), and n-grams are told apart by that hash
alone, as the sort did, so the fractions are the same floats, computed in the
same order (tests/filters/test_gopher_kernels.py checks it against the numpy
code, kept there as the reference).
"""
from __future__ import annotations

import numpy as np
from numba import njit

MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
# MurmurHash3's 64-bit finaliser spreads the n-gram hash over the table's low bits.
_SHIFT, _MIX1, _MIX2 = np.uint64(33), np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53)


@njit(cache=True, inline="always")
def _ngram_hash(word_ids, start, n):
    value = word_ids[start]
    for offset in range(1, n):
        value = value * MULTIPLIER + word_ids[start + offset]
    return value


@njit(cache=True, inline="always")
def _slot(value, mask):
    value ^= value >> _SHIFT
    value *= _MIX1
    value ^= value >> _SHIFT
    value *= _MIX2
    return np.int64((value ^ (value >> _SHIFT)) & mask)


@njit(cache=True)
def _ngram_ids(word_ids, n):
    """For each n-gram start, the index of its distinct n-gram in order of first occurrence."""
    if n < 1:
        raise ValueError("n-grams need n >= 1")
    count = len(word_ids) - n + 1
    size = 1
    while size < 2 * count:
        size *= 2
    mask = np.uint64(size - 1)
    keys = np.empty(size, dtype=np.uint64)
    owner = np.full(size, -1, dtype=np.int64)
    ids = np.empty(count, dtype=np.int64)
    distinct = 0
    for start in range(count):
        value = _ngram_hash(word_ids, start, n)
        slot = _slot(value, mask)
        while owner[slot] >= 0 and keys[slot] != value:
            slot = (slot + 1) & (size - 1)
        if owner[slot] < 0:
            keys[slot] = value
            owner[slot] = distinct
            distinct += 1
        ids[start] = owner[slot]
    return ids, distinct


@njit(cache=True)
def top_ngram_char_fraction(word_ids, lengths, n, total):
    """Characters of the most frequent n-gram times its count, over all word characters; among
    n-grams tied for most frequent, the one that occurs first in the text (as Counter.most_common)."""
    if len(word_ids) - n + 1 < 2 and n >= 1:
        return 0.0
    ids, distinct = _ngram_ids(word_ids, n)
    counts = np.zeros(distinct, dtype=np.int64)
    first = np.empty(distinct, dtype=np.int64)
    for start in range(len(ids)):
        if counts[ids[start]] == 0:
            first[ids[start]] = start
        counts[ids[start]] += 1
    most = counts.max()
    if most < 2:
        return 0.0
    winner = len(ids)
    for index in range(distinct):
        if counts[index] == most and first[index] < winner:
            winner = first[index]
    chars = 0
    for word in range(winner, winner + n):
        chars += lengths[word]
    return float(chars) * most / total


@njit(cache=True)
def dup_ngram_char_fraction(word_ids, lengths, n, total):
    """Characters of the words covered by an n-gram that occurred earlier, each word once."""
    if len(word_ids) - n + 1 < 1 and n >= 1:
        return 0.0
    ids, distinct = _ngram_ids(word_ids, n)
    seen = np.zeros(distinct, dtype=np.bool_)
    chars, covered_until = 0, 0
    for start in range(len(ids)):
        if seen[ids[start]]:
            for word in range(max(start, covered_until), start + n):
                chars += lengths[word]
            covered_until = start + n
        else:
            seen[ids[start]] = True
    return float(chars) / total
