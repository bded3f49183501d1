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
    """Benchmark texts matched as whole word sequences, with one word changed when long enough.

    Each sequence is keyed twice: by the hash of its first `anchor` words and by that of its last
    `anchor` words. The two do not overlap (a sequence has at least twice `anchor` words), so one
    changed word leaves one of them intact, and one pass of `anchor`-gram hashes over a document
    finds every candidate whatever its length. A candidate is confirmed by comparing the words
    there with the sequence's, word by word: 30 bytes per anchor plus 8 per word."""
    anchors: NgramIndex      # the anchor hashes, with benchmark and item beside them
    sequence: np.ndarray     # int64: the sequence of each anchor, aligned with anchors.hashes
    offset: np.ndarray       # int64: where that anchor starts inside its sequence
    words: np.ndarray        # uint64: the word hashes of every sequence, end to end
    bounds: np.ndarray       # int64: sequence k is words[bounds[k]:bounds[k + 1]]
    anchor: int
    tolerant_from: int       # sequences of at least this many words may differ in one word

    @classmethod
    def build(cls, entries: list, names: list, anchor: int, tolerant_from: int) -> "WholeSequenceIndex":
        """`entries`: (benchmark index, item number, word hashes of a text of at least 2 * anchor words)."""
        texts = [words for _, _, words in entries]
        lengths = np.array([len(words) for words in texts], dtype=np.int64)
        first = [ngram_hashes(words[:anchor], anchor)[0] for words in texts]
        last = [ngram_hashes(words[-anchor:], anchor)[0] for words in texts]
        hashes = np.array(first + last, dtype=np.uint64)
        order = np.argsort(hashes, kind="stable")
        sequence = np.tile(np.arange(len(texts), dtype=np.int64), 2)
        offset = np.concatenate([np.zeros(len(texts), dtype=np.int64), lengths - anchor])
        benchmark = np.tile(np.array([b for b, _, _ in entries], dtype=np.uint16), 2)
        item = np.tile(np.array([i for _, i, _ in entries], dtype=np.uint32), 2)
        words = np.concatenate(texts).astype(np.uint64) if texts else np.zeros(0, dtype=np.uint64)
        return cls(NgramIndex(hashes[order], benchmark[order], item[order], list(names)), sequence[order],
                   offset[order], words, np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64), anchor,
                   tolerant_from)

    def __len__(self) -> int:
        return len(self.bounds) - 1

    @property
    def nbytes(self) -> int:
        return self.anchors.nbytes + self.sequence.nbytes + self.offset.nbytes + self.words.nbytes

    def matches(self, words: np.ndarray) -> list:
        """(start, length, anchor position) of every indexed sequence found in a document's word hashes,
        each once."""
        if len(self) == 0 or len(words) < self.anchor:
            return []
        grams = ngram_hashes(words, self.anchor)
        found = self.anchors.lookup(grams)
        if not (found >= 0).any():
            return []
        starts, positions = _confirm(words, grams, found, self.anchors.hashes, self.sequence, self.offset,
                                     self.words, self.bounds, self.tolerant_from)
        seen, matched = set(), []
        for start, position in zip(starts.tolist(), positions.tolist()):
            key = (start, int(self.sequence[position]))
            if key not in seen:
                seen.add(key)
                sequence = key[1]
                matched.append((start, int(self.bounds[sequence + 1] - self.bounds[sequence]), position))
        return matched


@njit(cache=True)
def _confirm(doc, grams, found, anchor_hashes, sequence, offset, words, bounds, tolerant_from):
    """For each document anchor-gram found in the index, every sequence with that anchor whose
    words sit around it in the document (at most one differing, for long enough sequences):
    (document start, anchor position) pairs. Compiled, so a page repeating a common anchor
    thousands of times stays cheap."""
    starts = np.empty(16, dtype=np.int64)
    positions = np.empty(16, dtype=np.int64)
    count = 0
    for at in range(len(grams)):
        position = found[at]
        if position < 0:
            continue
        while position < len(anchor_hashes) and anchor_hashes[position] == grams[at]:
            which = sequence[position]
            begin, end = bounds[which], bounds[which + 1]
            start = at - offset[position]
            length = end - begin
            if start >= 0 and start + length <= len(doc):
                allowed = 1 if length >= tolerant_from else 0
                differing = 0
                for index in range(length):
                    if doc[start + index] != words[begin + index]:
                        differing += 1
                        if differing > allowed:
                            break
                if differing <= allowed:
                    if count == len(starts):
                        starts = np.concatenate((starts, np.empty(count, dtype=np.int64)))
                        positions = np.concatenate((positions, np.empty(count, dtype=np.int64)))
                    starts[count] = start
                    positions[count] = position
                    count += 1
            position += 1
    return starts[:count], positions[:count]
