"""Gopher repetition rules (Rae et al. 2021, appendix A1.1, table A1).

Line and paragraph rules apply to every language. The n-gram rules count
words, so they run only for languages written with spaces.

Words are hashed once (map(hash), in C); the n-gram loops are compiled
(filters/quality/gopher_kernels.py). "Duplicated n-gram character fraction"
is the share of word characters covered by occurrences of an n-gram after its
first one (Gopher's "characters contained within all duplicate n-grams",
first occurrence excluded, overlaps counted once).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from corpus.document import Drop
from filters.quality.gopher_kernels import dup_ngram_char_fraction, top_ngram_char_fraction
from filters.quality.text_view import TextView
from tokenmill.option_checks import OptionChecks


@dataclass(frozen=True)
class GopherRepetitionConfig:
    enabled: bool = True
    max_dup_line_fraction: float = 0.30
    max_dup_paragraph_fraction: float = 0.30
    max_dup_line_char_fraction: float = 0.20
    max_dup_paragraph_char_fraction: float = 0.20
    max_top_ngram_char_fraction: dict = field(default_factory=lambda: {2: 0.20, 3: 0.18, 4: 0.16})
    max_dup_ngram_char_fraction: dict = field(default_factory=lambda: {
        5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.10})

    def problems(self, where: str = "quality.gopher_repetition") -> list:
        check = OptionChecks(self, where)
        for name in ("max_dup_line_fraction", "max_dup_paragraph_fraction", "max_dup_line_char_fraction",
                     "max_dup_paragraph_char_fraction"):
            check.fraction(name)
        for name in ("max_top_ngram_char_fraction", "max_dup_ngram_char_fraction"):
            check.fractions_by_key(name, int)
            if any(isinstance(n, int) and n < 1 for n in getattr(self, name)):
                check.fail(f"{check.key(name)}: n-gram sizes must be at least 1")
        return check.problems


def duplicate_fractions(items: list) -> tuple:
    """(fraction of items that repeat an earlier one, fraction of their characters)."""
    if not items:
        return 0.0, 0.0
    seen, dup_items, dup_chars = set(), 0, 0
    for item in items:
        if item in seen:
            dup_items += 1
            dup_chars += len(item)
        else:
            seen.add(item)
    total_chars = sum(len(item) for item in items)
    return dup_items / len(items), dup_chars / max(total_chars, 1)


def word_arrays(words: list) -> tuple:
    """(a 64-bit hash per word, its length), with map() so the loop runs in C.

    Python's str hash is salted per process; a word hash is only compared
    within one document, so the salt changes nothing but which (astronomically
    rare) 64-bit collisions could happen.
    """
    word_ids = np.fromiter(map(hash, words), dtype=np.int64, count=len(words)).view(np.uint64)
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    return word_ids, lengths


def gopher_repetition(view: TextView, config: GopherRepetitionConfig) -> Optional[Drop]:
    return repetition_verdict(repetition_signals(view, config), config)


def repetition_signals(view: TextView, config: GopherRepetitionConfig) -> dict:
    """Every value the rules compare, each under the name of the rule (and drop reason) it decides:
    all of them, so that any threshold can be applied again later from what a run stored.
    The n-gram values exist only for languages written with spaces, for the n the config lists."""
    signals = {}
    signals["gopher_dup_line_fraction"], signals["gopher_dup_line_char_fraction"] = \
        duplicate_fractions(view.lines)
    signals["gopher_dup_paragraph_fraction"], signals["gopher_dup_paragraph_char_fraction"] = \
        duplicate_fractions(view.paragraphs)
    if view.spaced and view.lower_words:
        signals.update(_ngram_signals(view.lower_words, config))
    return signals


def _ngram_signals(words: list, config: GopherRepetitionConfig) -> dict:
    word_ids, lengths = word_arrays(words)
    total = int(lengths.sum()) or 1
    signals = {}
    for n in sorted(map(int, config.max_top_ngram_char_fraction)):
        signals[f"gopher_top_{n}gram_char_fraction"] = top_ngram_char_fraction(word_ids, lengths, n, total)
    for n in sorted(map(int, config.max_dup_ngram_char_fraction)):
        signals[f"gopher_dup_{n}gram_char_fraction"] = dup_ngram_char_fraction(word_ids, lengths, n, total)
    return signals


def repetition_verdict(signals: dict, config: GopherRepetitionConfig) -> Optional[Drop]:
    """The first rule, in Gopher's order, whose value crosses its threshold."""
    limits = [("gopher_dup_line_fraction", config.max_dup_line_fraction),
              ("gopher_dup_paragraph_fraction", config.max_dup_paragraph_fraction),
              ("gopher_dup_line_char_fraction", config.max_dup_line_char_fraction),
              ("gopher_dup_paragraph_char_fraction", config.max_dup_paragraph_char_fraction)]
    for kind, by_n in (("top", config.max_top_ngram_char_fraction), ("dup", config.max_dup_ngram_char_fraction)):
        limits += [(f"gopher_{kind}_{n}gram_char_fraction", limit)
                   for n, limit in sorted((int(n), limit) for n, limit in by_n.items())]
    for name, limit in limits:
        if name in signals and signals[name] > limit:
            return Drop(name, f"{signals[name]:.3f}")
    return None
