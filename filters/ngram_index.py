"""The decontamination index: benchmark n-gram hashes, sorted, with a bitmap of their prefixes in front.

The index is a sorted numpy array of 64-bit n-gram hashes with, beside it,
which benchmark and item each came from: 14 bytes per n-gram. The bitmap
has one bit per possible top-`width`-bit prefix, 32 bits per n-gram (4
bytes), so 3% of absent n-grams pass it. Lookup is one compiled pass over a
document's n-grams: test the prefix bit, and binary search only those that
pass. Almost every n-gram of a clean document stops at the bitmap.

Texts shorter than an n-gram are kept whole in a second index of the same
kind (`WholeSequenceIndex`), keyed by their first words.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit

from filters.dedup.shingles import ngram_hashes

_ONE, _THREE, _SEVEN = np.uint64(1), np.uint64(3), np.uint64(7)


BITMAP_BITS_PER_NGRAM = 32


@dataclass
class PrefixBitmap:
    """One bit per possible top-`width`-bit prefix of a hash: set when some indexed hash has it."""
    bits: np.ndarray         # uint8, packed little-endian
    width: int

    @classmethod
    def of(cls, sorted_hashes: np.ndarray) -> "PrefixBitmap":
        """From hashes in ascending order, whose prefixes are then in order too. The bits are set
        a byte at a time (OR-reduced over each byte's slots): a byte per bit would cost 512 MB
        for ten million n-grams."""
        width = max(3, int(np.ceil(np.log2(max(1, len(sorted_hashes)) * BITMAP_BITS_PER_NGRAM))))
        bits = np.zeros((1 << width) // 8, dtype=np.uint8)
        if len(sorted_hashes) == 0:
            return cls(bits, width)
        slots = sorted_hashes >> np.uint64(64 - width)
        byte_of = (slots >> np.uint64(3)).astype(np.intp)
        bit_values = np.left_shift(np.uint64(1), slots & np.uint64(7)).astype(np.uint8)
        firsts = np.flatnonzero(np.r_[True, byte_of[1:] != byte_of[:-1]])
        bits[byte_of[firsts]] = np.bitwise_or.reduceat(bit_values, firsts)
        return cls(bits, width)

    def may_contain(self, hashes: np.ndarray) -> np.ndarray:
        """Vectorised form of the test the compiled lookup makes (for tests and inspection)."""
        slots = hashes >> np.uint64(64 - self.width)
        return (self.bits[slots >> np.uint64(3)] >> (slots & np.uint64(7)).astype(np.uint8)) & 1 == 1


@dataclass
class NgramIndex:
    hashes: np.ndarray       # sorted uint64
    benchmark: np.ndarray    # uint16 index into names
    item: np.ndarray         # uint32 item number
    names: list
    bitmap: PrefixBitmap = field(init=False)

    def __post_init__(self):
        self.bitmap = PrefixBitmap.of(self.hashes)

    @classmethod
    def build(cls, entries: list, names: list) -> "NgramIndex":
        """`entries`: (benchmark index, item number, n-gram hashes)."""
        parts = [hashes for _, _, hashes in entries]
        hashes = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
        benchmark = np.concatenate([np.full(len(h), b, dtype=np.uint16) for b, _, h in entries]) \
            if parts else np.zeros(0, dtype=np.uint16)
        item = np.concatenate([np.full(len(h), i, dtype=np.uint32) for _, i, h in entries]) \
            if parts else np.zeros(0, dtype=np.uint32)
        order = np.argsort(hashes, kind="stable")
        return cls(hashes[order], benchmark[order], item[order], list(names))

    @property
    def nbytes(self) -> int:
        return self.hashes.nbytes + self.benchmark.nbytes + self.item.nbytes + self.bitmap.bits.nbytes

    def lookup(self, doc_hashes: np.ndarray) -> np.ndarray:
        """Index positions (or -1) of each document n-gram."""
        if len(self.hashes) == 0 or len(doc_hashes) == 0:
            return np.full(len(doc_hashes), -1)
        return _lookup(self.hashes, self.bitmap.bits, np.uint64(64 - self.bitmap.width),
                       doc_hashes.astype(np.uint64, copy=False))


@njit(cache=True)
def _lookup(sorted_hashes, bits, shift, queries):
    """For each query: -1 unless its prefix bit is set and a binary search finds it."""
    found = np.full(len(queries), -1, dtype=np.int64)
    for index in range(len(queries)):
        query = queries[index]
        slot = query >> shift
        if (np.uint64(bits[slot >> _THREE]) >> (slot & _SEVEN)) & _ONE:
            low, high = 0, len(sorted_hashes)
            while low < high:
                middle = (low + high) // 2
                if sorted_hashes[middle] < query:
                    low = middle + 1
                else:
                    high = middle
            if low < len(sorted_hashes) and sorted_hashes[low] == query:
                found[index] = low
    return found


@dataclass
class WholeSequenceIndex:
    """Benchmark texts of `width` to n-1 words, each matched only as its whole word sequence.

    A sequence is keyed by the hash of its first `width` words, the shortest length kept, so one
    pass of `width`-gram hashes over a document finds every candidate whatever its length. A
    candidate is then confirmed by the hash of all its words: 22 bytes per sequence."""
    prefixes: NgramIndex     # hash of the first `width` words, with benchmark and item beside it
    full: np.ndarray         # uint64 hash of all the words, aligned with prefixes.hashes
    lengths: np.ndarray      # uint16 words, aligned likewise
    width: int

    @classmethod
    def build(cls, entries: list, names: list, width: int) -> "WholeSequenceIndex":
        """`entries`: (benchmark index, item number, word hashes of a text of at least `width` words)."""
        prefix = np.array([ngram_hashes(words[:width], width)[0] for _, _, words in entries], dtype=np.uint64)
        full = np.array([ngram_hashes(words, len(words))[0] for _, _, words in entries], dtype=np.uint64)
        order = np.argsort(prefix, kind="stable")
        benchmark = np.array([b for b, _, _ in entries], dtype=np.uint16)
        item = np.array([i for _, i, _ in entries], dtype=np.uint32)
        lengths = np.array([len(words) for _, _, words in entries], dtype=np.uint16)
        return cls(NgramIndex(prefix[order], benchmark[order], item[order], list(names)), full[order],
                   lengths[order], width)

    def __len__(self) -> int:
        return len(self.full)

    @property
    def nbytes(self) -> int:
        return self.prefixes.nbytes + self.full.nbytes + self.lengths.nbytes

    def matches(self, words: np.ndarray) -> list:
        """(start, length, index position) of every indexed sequence that occurs in a document's
        word hashes. Sequences sharing their first words sit side by side in the sorted index."""
        if len(self) == 0 or len(words) < self.width:
            return []
        starts = ngram_hashes(words, self.width)
        found = self.prefixes.lookup(starts)
        hashes, matched = self.prefixes.hashes, []
        for start in np.flatnonzero(found >= 0):
            position = int(found[start])
            while position < len(hashes) and hashes[position] == starts[start]:
                length = int(self.lengths[position])
                if start + length <= len(words) and \
                        ngram_hashes(words[start:start + length], length)[0] == self.full[position]:
                    matched.append((int(start), length, position))
                position += 1
        return matched
