"""The bound on PII time per document: bounded pieces for Presidio, and number dumps dropped before any analysis.

Presidio is given at most PIECE_CHARS characters at once, plus MARGIN characters
of context on each side: a longer document is cut at a line break, else between
two words, else at whitespace, and never inside a private key block. A piece
keeps the detections that start inside it, so a number near a cut is found whole
(in the piece where it starts, with its context in the margin): a run of digits
holds no line break and no letter, and MARGIN is longer than any run the phone
recognizer takes. Its patterns are linear in their input except where they
are not (email.py), so bounded pieces keep their time linear in the document
whatever its shape; a private key block still fits in one piece. Beyond that,
what a document costs is phonenumbers' parse of each telephone-number
candidate, about a millisecond for the 16 regions (phone.py). Real prose has few such candidates: at most 58 in any
10,000 characters of the 1,248 real Common Crawl, HPLT and dolma documents in
../shared/data. So the text is read in blocks of BLOCK_CHARS, and a block with

- more than `max_candidates` telephone-number candidates (a directory, a
  table of numbers), or
- a full block of which DUMP_DIGIT_SHARE or more is digits (real text has at
  most 40%; "1 MB of digits and dashes" has 91%)

makes the document a dump, dropped as `pii_too_many_candidates` with the block
named. Every other document is analysed whole, however long: time per document
is at most linear, with phonenumbers' parses bounded by max_candidates per
block (bench/time_per_document.py measures it).
"""
from __future__ import annotations

import itertools
import re

from filters.pii.phone_evidence import run_evidence, runs_in

BLOCK_CHARS = 10_000
DUMP_DIGIT_SHARE = 0.75
PIECE_CHARS = 16_384        # the longest text Presidio is given at once (without margins): a private key block fits
MARGIN = 256                # context either side of a piece: more than a run of 32 digits with its punctuation
_DIGIT = re.compile(r"\d")
# Where to cut, in order of preference: after the last line break, between the last two words, after the last
# whitespace of the piece's second half.
_CUTS = (re.compile(r".*\n", re.DOTALL), re.compile(r".*[^\W\d_]\s+(?=[^\W\d_])", re.DOTALL),
         re.compile(r".*\s", re.DOTALL))
_KEY_BEGIN, _KEY_END = "-----BEGIN", "-----END"


def pieces(text: str) -> list:
    """(start, end) pieces of the text, none longer than PIECE_CHARS, cut as the module says (at the piece's
    end when its second half has no whitespace)."""
    start, cuts = 0, []
    while len(text) - start > PIECE_CHARS:
        cut = _cut(text, start + PIECE_CHARS // 2, start + PIECE_CHARS)
        begin = text.rfind(_KEY_BEGIN, start + 1, cut)
        if begin > text.rfind(_KEY_END, start, cut):        # a key block would be cut: the next piece starts it
            cut = begin
        cuts.append((start, cut))
        start = cut
    return cuts + [(start, len(text))]


def _cut(text: str, low: int, high: int) -> int:
    for pattern in _CUTS:
        found = pattern.match(text, low, high)
        if found:
            return found.end()
    return high


def dump_reason(text: str, max_candidates: int):
    """None for a document the PII stage analyses, else why it is a dump (which block, what it holds)."""
    for start in range(0, len(text) - BLOCK_CHARS + 1, BLOCK_CHARS):
        digits = len(_DIGIT.findall(text, start, start + BLOCK_CHARS))
        if digits >= DUMP_DIGIT_SHARE * BLOCK_CHARS:
            return f"{digits / BLOCK_CHARS:.0%} digits in characters {start}-{start + BLOCK_CHARS}"
    block = _first_block_with_too_many_candidates(text, max_candidates)
    if block is None:
        return None
    return (f"> {max_candidates} telephone-number candidates in characters "
            f"{block * BLOCK_CHARS}-{(block + 1) * BLOCK_CHARS}")


def _first_block_with_too_many_candidates(text: str, max_candidates: int):
    """The first block holding more than `max_candidates` runs that run_evidence does not rule out, or None.

    A block's candidates are some of its runs, and each run holds a digit: a text with no more digits than
    `max_candidates` has no such block, and otherwise only a block with more runs than that is read run by
    run. On real prose no block is, and the document costs a count of its digits, or one pass of RUN,
    instead of the evidence of each run; a block dense with runs that are not candidates ("1a1a1a...") is
    still read run by run. Runs are held one block at a time (at most BLOCK_CHARS of them), never the
    whole text's.
    """
    if next(itertools.islice(_DIGIT.finditer(text), max_candidates, None), None) is None:
        return None         # no more digits than max_candidates (found by reading up to one more)
    for block, runs in itertools.groupby(runs_in(text), key=lambda run: run.start() // BLOCK_CHARS):
        runs = list(runs)
        if len(runs) > max_candidates:
            candidates = (run for run in runs if run_evidence(text, run.start(), run.end()) is not None)
            if sum(1 for _ in itertools.islice(candidates, max_candidates + 1)) > max_candidates:
                return block
    return None
