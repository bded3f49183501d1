"""Shingles for MinHash: word n-grams, or character n-grams for scripts written without spaces.

Text is normalised for shingling only: NFKC, lower case, punctuation removed
(from the ends of words; inside a word it stays, as in "o'clock"), whitespace
collapsed. Each word (or character) is hashed with xxh3-64 through
map(), which runs in C, and n consecutive hashes are combined with numpy, so
there is no Python loop per shingle.
"""
from __future__ import annotations

import re
import unicodedata

import numpy as np
import xxhash

from filters.quality.text_view import NO_SPACE_LANGUAGES

_PUNCTUATION = re.compile(r"[^\w\s]+|_+")
_EDGE_PUNCTUATION = "".join(chr(c) for c in range(0x21, 0x7F) if not chr(c).isalnum()) + \
    "“”‘’«»…–—¡¿、。，！？：；（）「」『』【】"
_COMBINE = np.uint64(0x100000001B3)          # FNV-1a 64-bit prime: spreads the combination
# Scripts without spaces between words, by Unicode block, for documents without a language.
_NO_SPACE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u0e00-\u0e7f\u0e80-\u0eff"
                              r"\u1000-\u109f\u1780-\u17ff\u0f00-\u0fff]")


def shingle_words(text: str) -> list:
    """NFKC, lower case, whitespace tokens with punctuation stripped from their ends."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return [stripped for word in text.lower().split() if (stripped := word.strip(_EDGE_PUNCTUATION))]


def normalize_for_shingles(text: str) -> str:
    return " ".join(shingle_words(text))


def written_without_spaces(text: str, lang) -> bool:
    """By the language annotation when there is one, else by the script of the first characters."""
    if lang:
        return lang in NO_SPACE_LANGUAGES
    sample = text[:2000]
    return len(_NO_SPACE_SCRIPT.findall(sample)) > len(sample) / 3


def ngram_hashes(units: list, n: int) -> np.ndarray:
    """One 64-bit hash per n-gram of `units`, in text order (a text shorter than n is one n-gram)."""
    if not units:
        return np.zeros(0, dtype=np.uint64)
    unit_hashes = np.fromiter(map(xxhash.xxh3_64_intdigest, map(str.encode, units)), dtype=np.uint64,
                              count=len(units))
    n = min(n, len(unit_hashes))
    combined = unit_hashes[: len(unit_hashes) - n + 1].copy()
    for offset in range(1, n):
        combined = combined * _COMBINE ^ unit_hashes[offset: len(unit_hashes) - n + 1 + offset]
    return combined


def shingle_hashes(text: str, lang=None, word_ngram: int = 5, char_ngram: int = 5) -> np.ndarray:
    """The distinct 64-bit hashes of the document's shingles (empty when it is too short)."""
    words = shingle_words(text)
    if written_without_spaces(text, lang):
        units, n = list(_PUNCTUATION.sub("", "".join(words))), char_ngram
    else:
        units, n = words, word_ngram
    return np.unique(ngram_hashes(units, n))


def jaccard(first: np.ndarray, second: np.ndarray) -> float:
    """True Jaccard similarity of two sets of distinct shingle hashes."""
    union = len(np.union1d(first, second))
    return len(np.intersect1d(first, second, assume_unique=True)) / union if union else 1.0
