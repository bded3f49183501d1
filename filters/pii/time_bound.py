"""The bound on PII time per document: number dumps and directories are dropped before any analysis.

What a document costs the PII stage is linear in its length (the scan, the
regular expressions on bounded pieces: candidates.py), plus phonenumbers'
parse of each telephone-number candidate, about a millisecond for the 16
regions (phone.py). Real prose has few such candidates: at most 58 in any
10,000 characters of the 1,248 real Common Crawl, HPLT and dolma documents in
../shared/data. So the text is read in blocks of BLOCK_CHARS, and a block with

- more than `max_candidates` telephone-number candidates (a directory, a
  table of numbers), or
- a full block of which DUMP_DIGIT_SHARE or more is digits (real text has at
  most 40%; "1 MB of digits and dashes" has 91%)

makes the document a dump, dropped as `pii_too_many_candidates` with the block
named. Every other document is analysed whole, however long: time per document
is at most linear, with phonenumbers' parses bounded by max_candidates per
block (bench/pii_time_bound.py measures it).
"""
from __future__ import annotations

import collections
import re

from filters.pii.phone import RUN, run_evidence

BLOCK_CHARS = 10_000
DUMP_DIGIT_SHARE = 0.75
_DIGIT = re.compile(r"\d")


def dump_reason(text: str, max_candidates: int):
    """None for a document the PII stage analyses, else why it is a dump (which block, what it holds)."""
    for start in range(0, len(text) - BLOCK_CHARS + 1, BLOCK_CHARS):
        digits = len(_DIGIT.findall(text, start, start + BLOCK_CHARS))
        if digits >= DUMP_DIGIT_SHARE * BLOCK_CHARS:
            return f"{digits / BLOCK_CHARS:.0%} digits in characters {start}-{start + BLOCK_CHARS}"
    per_block = collections.Counter()
    for run in RUN.finditer(text):
        if run_evidence(text, run.start(), run.end()) is not None:
            block = run.start() // BLOCK_CHARS
            per_block[block] += 1
            if per_block[block] > max_candidates:
                return (f"> {max_candidates} telephone-number candidates in characters "
                        f"{block * BLOCK_CHARS}-{(block + 1) * BLOCK_CHARS}")
    return None
