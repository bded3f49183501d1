"""Benchmark decontamination: drop (or cut) documents that share a word n-gram with a benchmark item.

Benchmark text is normalised like the corpus is for deduplication (NFKC,
lower case, punctuation stripped from word ends) and cut into word 13-grams.
The index is a sorted numpy array of 64-bit n-gram hashes with, beside it,
which benchmark and item each came from: 14 bytes per n-gram, exact up to
64-bit hash collisions (expected false matches per document of n words
against m n-grams: n*m/2^64, about 10^-10 for m = 10^7).

The index and its lookup are in ngram_index.py.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
from dataclasses import dataclass, field
from typing import BinaryIO, Iterator, Union

import numpy as np
import pyarrow.parquet as pq

from corpus.document import Document, Drop
from filters.dedup.shingles import ngram_hashes, shingle_words, word_unit_hashes
from filters.ngram_index import NgramIndex


@dataclass(frozen=True)
class DecontamConfig:
    enabled: bool = True
    benchmarks: list = field(default_factory=list)   # "NAME=PATH" (JSONL, JSONL.gz, CSV or Parquet)
    fields: dict = field(default_factory=dict)        # NAME -> fields holding text; default: every text field
    ngram: int = 13
    mode: str = "drop"                                # drop | cut (remove the overlapping words)


class BenchmarkFormatError(ValueError):
    pass


def parse_spec(spec: str) -> tuple:
    name, sep, path = spec.partition("=")
    if not sep or not name or not path:
        raise BenchmarkFormatError(f"decontaminate.benchmarks wants NAME=PATH, got {spec!r}")
    return name, path


def iter_items(stream: BinaryIO, path: str, fields: list) -> Iterator[tuple]:
    """(item number, text) for every item of a benchmark file, by its suffix."""
    lowered = path.lower()
    if lowered.endswith(".parquet"):
        rows = pq.read_table(stream).to_pylist()
    else:
        data = stream.read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        text = data.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text))) if lowered.endswith((".csv", ".csv.gz")) \
            else _json_lines(text, path)
    for number, row in enumerate(rows):
        if not isinstance(row, dict):
            raise BenchmarkFormatError(f"{path}: item {number} is not an object")
        chosen = fields or [key for key, value in row.items() if isinstance(value, str)]
        yield number, "\n".join(str(row[key]) for key in chosen if row.get(key) is not None)


def _json_lines(text: str, path: str) -> list:
    rows = []
    for line_number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise BenchmarkFormatError(f"{path}:{line_number}: not JSON ({error.msg})") from None
    return rows


def word_ngrams(text: str, n: int) -> np.ndarray:
    """The hashes of the text's word n-grams, normalised as for dedup (none under n words)."""
    words = word_unit_hashes(text)
    return ngram_hashes(words, n) if len(words) >= n else np.zeros(0, dtype=np.uint64)


class Decontaminator:
    def __init__(self, config: DecontamConfig, index: NgramIndex):
        if config.mode not in ("drop", "cut"):
            raise ValueError(f"decontaminate.mode must be drop or cut, got {config.mode!r}")
        self.config, self.index = config, index

    def __call__(self, doc: Document) -> Union[Document, Drop]:
        if len(self.index.hashes) == 0:
            return doc
        found = self.index.lookup(word_ngrams(doc.text, self.config.ngram))
        hit_starts = np.flatnonzero(found >= 0)
        if len(hit_starts) == 0:
            return doc
        hits = sorted({(self.index.names[self.index.benchmark[p]], int(self.index.item[p]))
                       for p in found[hit_starts]})
        doc.annotations["contamination"] = [f"{name}:{item}" for name, item in hits[:20]]
        if self.config.mode == "drop":
            return Drop(f"contaminated:{hits[0][0]}", ", ".join(f"{n}:{i}" for n, i in hits[:10]))
        doc.text = _cut_words(doc.text, hit_starts, self.config.ngram)
        return doc


def _cut_words(text: str, starts: np.ndarray, n: int) -> str:
    """Remove the whitespace tokens covered by the matching n-grams, keeping line breaks."""
    covered = np.zeros(len(shingle_words(text)) + n, dtype=bool)
    for start in starts:
        covered[start:start + n] = True
    lines, index = [], 0
    for line in text.split("\n"):
        kept = []
        for token in line.split():
            counts = bool(shingle_words(token))
            if not (counts and covered[index]):
                kept.append(token)
            index += counts
        lines.append(" ".join(kept))
    return "\n".join(lines)
