"""The two inner loops of shingling and MinHash, compiled with numba.

In numpy, a per-word hash needs a Python call per word, and the MinHash
min-reduction writes a (shingles x permutations) matrix to memory before
reducing it. Both were most of the signature time (about 8 MB/s per core).
Compiled, each is one pass that keeps its state in registers.

Every constant is a np.uint64 so that numba never mixes signed and unsigned
integers (which it would widen to float64); all arithmetic wraps modulo 2^64,
exactly as numpy's does, so the results are the same on every machine.
"""
from __future__ import annotations

import numpy as np
from numba import njit

FNV_OFFSET = np.uint64(0xCBF29CE484222325)
FNV_PRIME = np.uint64(0x100000001B3)
_UPPER_A, _UPPER_Z, _TO_LOWER = np.uint64(65), np.uint64(90), np.uint64(32)
# MurmurHash3's 64-bit finaliser: shift, first and second multiplier (minhash.fmix64 is its numpy form).
FMIX_SHIFT, FMIX_M1, FMIX_M2 = np.uint64(33), np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53)


@njit(cache=True, inline="always")
def _fmix64(value):
    value ^= value >> FMIX_SHIFT
    value *= FMIX_M1
    value ^= value >> FMIX_SHIFT
    value *= FMIX_M2
    return value ^ (value >> FMIX_SHIFT)


@njit(cache=True, inline="always")
def _flagged(table, point):
    """table[point], and False for code points past the table's end."""
    return point < len(table) and table[point]


@njit(cache=True)
def word_hashes(codepoints, is_space, is_edge):
    """One 64-bit hash per word: runs between whitespace (as str.split), with edge characters
    stripped from both ends (as str.strip); words that are all edge characters are skipped.

    `is_space` and `is_edge` are lookup tables indexed by code point; code points past their
    ends are neither. A word's hash is FNV-1a over its code points, finished by fmix64. ASCII
    capitals hash as their lower case, so ASCII text (any integer array: bytes will do) needs
    no str.lower() first; other text must come lower-cased."""
    count = len(codepoints)
    out = np.empty(count // 2 + 1, dtype=np.uint64)
    found = 0
    position = 0
    while position < count:
        while position < count and _flagged(is_space, codepoints[position]):
            position += 1
        start = position
        while position < count and not _flagged(is_space, codepoints[position]):
            position += 1
        end = position
        while start < end and _flagged(is_edge, codepoints[start]):
            start += 1
        while end > start and _flagged(is_edge, codepoints[end - 1]):
            end -= 1
        if start < end:
            value = FNV_OFFSET
            for index in range(start, end):
                point = np.uint64(codepoints[index])
                if _UPPER_A <= point <= _UPPER_Z:
                    point += _TO_LOWER
                value = (value ^ point) * FNV_PRIME
            out[found] = _fmix64(value)
            found += 1
    return out[:found]


@njit(cache=True)
def min_affine(shingles, a, b, result):
    """result[k] = min(result[k], min over shingles s of a[k] * fmix64(s) + b[k]), modulo 2^64.

    The minima live in a private copy, which the compiler can vectorise: writing through
    `result` directly might alias `a` or `b` as far as it knows (1.6x slower, measured)."""
    minima = result.copy()
    for index in range(len(shingles)):
        mixed = _fmix64(shingles[index])
        for k in range(len(a)):
            minima[k] = min(minima[k], a[k] * mixed + b[k])
    result[:] = minima


@njit(cache=True)
def combine_ngrams(unit_hashes, n):
    """One hash per run of n consecutive unit hashes: h = h * FNV_PRIME ^ next, from the first."""
    out = np.empty(len(unit_hashes) - n + 1, dtype=np.uint64)
    for start in range(len(out)):
        value = unit_hashes[start]
        for offset in range(1, n):
            value = value * FNV_PRIME ^ unit_hashes[start + offset]
        out[start] = value
    return out
