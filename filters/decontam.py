"""Benchmark decontamination: drop (or cut) documents that share a word n-gram with a benchmark item.

Benchmark text is normalised like the corpus is for deduplication (NFKC,
lower case, punctuation stripped from word ends), with typographic quotes
and apostrophes folded to ASCII, and cut into word 13-grams.
The index is a sorted numpy array of 64-bit n-gram hashes with, beside it,
which benchmark and item each came from: 14 bytes per n-gram, exact up to
64-bit hash collisions (expected false matches per document of n words
against m n-grams: n*m/2^64, about 10^-10 for m = 10^7).

An item's texts are its string leaves (benchmark_fields.py), each taken on
its own: a page rarely quotes an item's fields back to back. A text of n
words or more is indexed by its n-grams; a text shorter than 2n words, down
to `min_words`, is also matched by its whole word sequence. So the short
question beside a long passage is checked too. An item with no text of
`min_words` words cannot be checked, and is counted so.

The index and its lookup are in ngram_index.py.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from dataclasses import dataclass, field
from typing import BinaryIO, Iterator, Union

import numpy as np
import pyarrow.parquet as pq

from corpus.document import Document, Drop
from filters.benchmark_fields import item_texts, leaf_paths, parse_path, unfound_paths
from filters.dedup.shingles import ngram_hashes, word_unit_hashes
from filters.ngram_index import NgramIndex, WholeSequenceIndex
from tokenmill.option_checks import OptionChecks

# How an item is checked: by n-grams, by whole texts, or not at all (every text under min_words).
NGRAMS, WHOLE, TOO_SHORT = "ngrams", "whole", "too_short"
# A text matched whole may differ in one word from this length on: a page that changes a number or
# a name still matches. Shorter texts (8 and 9 words) must match exactly: a 9-word answer choice
# with a gap matched a clean page. From 10 words the recall goal (0.9 with one word in 20 changed)
# holds; bench/decontam_quality.py ("tolerance") shows what the tolerance adds at each length.
ONE_WORD_CHANGED_FROM = 10
DECONTAM_MODES = ("drop", "cut")
# Typographic quotes and apostrophes (word processors, WordPress) read as their ASCII forms, on the
# benchmark side and the document side alike: NFKC keeps them, and "Tom’s" would not be "Tom's".
_ASCII_QUOTES = {**dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4\u02bc", "'"),
                 **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"')}


@dataclass(frozen=True)
class DecontamConfig:
    enabled: bool = True
    benchmarks: list = field(default_factory=list)   # "NAME=PATH" (JSONL, JSONL.gz, CSV or Parquet)
    fields: dict = field(default_factory=dict)        # NAME -> paths of its text (a.b, a[].b); default: all
    ngram: int = 13
    min_words: int = 8                                # items under `ngram` words are matched whole down to this
    changed_word: bool = True                         # a text matched whole may differ in one word
    mode: str = "drop"                                # drop | cut (remove the overlapping words)

    def problems(self, where: str = "decontaminate") -> list:
        check = OptionChecks(self, where)
        check.at_least("ngram", 1)
        check.at_least("min_words", 1)
        check.one_of("mode", DECONTAM_MODES)
        names = []
        for spec in self.benchmarks:
            name, sep, path = spec.partition("=")
            if not (sep and name and path):
                check.fail(f"{check.key('benchmarks')} wants NAME=PATH entries, got {spec!r}")
            elif name in names:
                check.fail(f"{check.key('benchmarks')}: the name {name!r} is given twice")
            names.append(name)
        for name, chosen in self.fields.items():
            if name not in names:
                check.fail(f"{check.key('fields')} names {name!r}, which is not in {check.key('benchmarks')} "
                           f"({', '.join(names) or 'none'})")
            elif not (isinstance(chosen, str) or (isinstance(chosen, list)
                                                   and all(isinstance(item, str) for item in chosen))):
                check.fail(f"{check.key('fields')}: {name} must map to a field path or a list of them, "
                           f"got {chosen!r}")
        return check.problems


class BenchmarkFormatError(ValueError):
    pass


def parse_spec(spec: str) -> tuple:
    name, sep, path = spec.partition("=")
    if not sep or not name or not path:
        raise BenchmarkFormatError(f"decontaminate.benchmarks wants NAME=PATH, got {spec!r}")
    return name, path


def read_rows(stream: BinaryIO, path: str) -> list:
    """The items of a benchmark file, by its suffix: Parquet, CSV, else JSON lines (any of them gzipped)."""
    lowered = path.lower()
    if lowered.endswith(".parquet"):
        rows = pq.read_table(stream).to_pylist()
    else:
        data = stream.read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        text = data.decode("utf-8-sig")
        rows = _csv_rows(text) if lowered.endswith((".csv", ".csv.gz")) else _json_lines(text, path)
    for number, row in enumerate(rows):
        if not isinstance(row, dict):
            raise BenchmarkFormatError(f"{path}: item {number} is not an object")
    return rows


def iter_items(stream: BinaryIO, path: str, fields: list) -> Iterator[tuple]:
    """(item number, its texts) for every item of a benchmark file; `fields`: paths, or [] for every leaf.
    A path that selects a string in no item is a mistake (a misspelling), never an empty field."""
    for field_path in fields:
        parse_path(field_path)
    rows = read_rows(stream, path)
    unfound = unfound_paths(rows, fields)
    if unfound:
        raise BenchmarkFormatError(f"decontaminate.fields {', '.join(unfound)} found in no item "
                                   f"(its items have: {', '.join(leaf_paths(rows)) or 'no text'})")
    for number, row in enumerate(rows):
        yield number, item_texts(row, fields)


def _csv_rows(text: str) -> list:
    """CSV rows as dicts, with no limit on a field's length (csv's default, 131,072 characters, is
    shorter than a long-context benchmark's passages)."""
    csv.field_size_limit(min(sys.maxsize, 2 ** 31 - 1))
    return list(csv.DictReader(io.StringIO(text)))


def _json_lines(text: str, path: str) -> list:
    rows = []
    for line_number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise BenchmarkFormatError(f"{path}:{line_number}: not JSON ({error.msg})") from None
            except RecursionError:
                raise BenchmarkFormatError(f"{path}:{line_number}: nested too deeply to read") from None
    return rows


def text_word_hashes(text: str) -> np.ndarray:
    """One hash per word, as dedup hashes words, after typographic quotes are folded to ASCII. One
    str.replace per quote the text holds: str.translate costs a dict lookup per character, which
    tripled the cost of a check."""
    if not text.isascii():
        for quote, ascii_form in _ASCII_QUOTES.items():
            if quote in text:
                text = text.replace(quote, ascii_form)
    return word_unit_hashes(text)


def word_ngrams(text: str, n: int) -> np.ndarray:
    """The hashes of the text's word n-grams, normalised as for dedup (none under n words)."""
    words = text_word_hashes(text)
    return ngram_hashes(words, n) if len(words) >= n else np.zeros(0, dtype=np.uint64)


@dataclass(frozen=True)
class ItemKeys:
    """What one benchmark item puts into the index."""
    kind: str                # NGRAMS | WHOLE | TOO_SHORT
    ngrams: np.ndarray       # the n-gram hashes of its texts of n words or more
    wholes: tuple            # the word hashes of each text it is matched by whole (one word may differ)


def item_keys(texts: list, config: DecontamConfig) -> ItemKeys:
    """The n-grams of each text of n words or more, and each text of min_words to 2n - 1 words whole.

    Each text counts on its own, so the short question of an item with a long passage is checked
    too. Texts under min_words add nothing: a choice such as "the Sun is a star" would drop pages
    that never saw the item. Texts of n to 2n - 1 words are kept whole as well, because one
    changed word in their middle leaves them no intact n-gram."""
    words = [text_word_hashes(text) for text in texts]
    long = [hashes for hashes in words if len(hashes) >= config.ngram]
    whole = tuple(hashes for hashes in words if max(config.min_words, 1) <= len(hashes) < 2 * config.ngram)
    ngrams = np.concatenate([ngram_hashes(hashes, config.ngram) for hashes in long]) if long \
        else np.zeros(0, dtype=np.uint64)
    return ItemKeys(NGRAMS if long else WHOLE if whole else TOO_SHORT, ngrams, whole)


def anchor_words(config: DecontamConfig) -> int:
    """How many first (and last) words key a text matched whole: half the shortest such text."""
    return max(1, min(config.min_words, config.ngram) // 2)


def coverage(keys: list) -> dict:
    """Per benchmark, how its items are checked: the counts the manifest and the report show."""
    kinds = [item.kind for item in keys]
    return {"items": len(keys), "items_ngrams": kinds.count(NGRAMS), "items_whole": kinds.count(WHOLE),
            "items_too_short": kinds.count(TOO_SHORT), "ngrams": sum(len(item.ngrams) for item in keys),
            "whole_texts": sum(len(item.wholes) for item in keys)}


@dataclass
class BenchmarkIndex:
    ngrams: NgramIndex
    whole: WholeSequenceIndex

    @classmethod
    def build(cls, entries: list, names: list, config: DecontamConfig,
              tolerant_from: int = ONE_WORD_CHANGED_FROM) -> "BenchmarkIndex":
        """`entries`: (benchmark index, item number, ItemKeys), in any order. `tolerant_from`: the
        length from which a text matched whole may differ in one word (the bench measures others)."""
        entries = sorted(entries, key=lambda entry: entry[:2])
        ngrams = NgramIndex.build([(b, i, keys.ngrams) for b, i, keys in entries if len(keys.ngrams)], names)
        whole = WholeSequenceIndex.build([(b, i, words) for b, i, keys in entries for words in keys.wholes],
                                         names, anchor_words(config), tolerant_from if config.changed_word else 2 ** 62)
        return cls(ngrams, whole)

    @property
    def names(self) -> list:
        return self.ngrams.names

    @property
    def empty(self) -> bool:
        return len(self.ngrams.hashes) == 0 and len(self.whole) == 0

    @property
    def nbytes(self) -> int:
        return self.ngrams.nbytes + self.whole.nbytes

    def matches(self, words: np.ndarray, n: int) -> tuple:
        """((start, length) of each matching word span, {(benchmark, item)}) in a document's word hashes."""
        spans, hits = [], set()
        if len(words) >= n and len(self.ngrams.hashes):
            found = self.ngrams.lookup(ngram_hashes(words, n))
            starts = np.flatnonzero(found >= 0)
            spans = [(int(start), n) for start in starts]
            hits = {(int(self.ngrams.benchmark[p]), int(self.ngrams.item[p])) for p in found[starts]}
        for start, length, position in self.whole.matches(words):
            spans.append((start, length))
            hits.add((int(self.whole.anchors.benchmark[position]), int(self.whole.anchors.item[position])))
        return spans, hits


class Decontaminator:
    def __init__(self, config: DecontamConfig, index: BenchmarkIndex):
        if config.mode not in DECONTAM_MODES:
            raise ValueError(f"decontaminate.mode must be drop or cut, got {config.mode!r}")
        self.config, self.index = config, index

    def __call__(self, doc: Document) -> Union[Document, Drop]:
        if self.index.empty:
            return doc
        words = text_word_hashes(doc.text)
        spans, found = self.index.matches(words, self.config.ngram)
        doc.annotations["contamination_hits"] = len(found)     # benchmark items found, 0 included
        if not spans:
            return doc
        hits = sorted((self.index.names[benchmark], item) for benchmark, item in found)
        doc.annotations["contamination"] = [f"{name}:{item}" for name, item in hits[:20]]
        if self.config.mode == "drop":
            return Drop(f"contaminated:{hits[0][0]}", ", ".join(f"{n}:{i}" for n, i in hits[:10]))
        doc.text = _cut_words(doc.text, len(words), spans)
        return doc


def _cut_words(text: str, word_count: int, spans: list) -> str:
    """Remove the whitespace tokens of the original text that hold a word of the matching (start, length)
    spans, keeping line breaks. A token can hold several words (NFKC splits "don´t" into two), so each
    token's words are counted as the index counted them."""
    covered = np.zeros(word_count + 1, dtype=bool)
    for start, length in spans:
        covered[start:start + length] = True
    lines, index = [], 0
    for line in text.split("\n"):
        kept = []
        for token in line.split():
            count = len(text_word_hashes(token))
            if not covered[index:index + count].any():
                kept.append(token)
            index += count
        lines.append(" ".join(kept))
    return "\n".join(lines)
