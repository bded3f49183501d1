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

from filters.dedup.kernels import FNV_OFFSET, FNV_PRIME, combine_ngrams, word_hashes
from filters.dedup.minhash import fmix64
from filters.quality.text_view import NO_SPACE_LANGUAGES

_PUNCTUATION = re.compile(r"[^\w\s]+|_+")
_EDGE_PUNCTUATION = "".join(chr(c) for c in range(0x21, 0x7F) if not chr(c).isalnum()) + \
    "“”‘’«»…–—¡¿、。，！？：；（）「」『』【】"
# Scripts without spaces between words, by Unicode block, for documents without a language.
_NO_SPACE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u0e00-\u0e7f\u0e80-\u0eff"
                              r"\u1000-\u109f\u1780-\u17ff\u0f00-\u0fff]")


# Lookup tables by code point for the compiled word loop: exactly str.isspace and _EDGE_PUNCTUATION.
_IS_SPACE = np.array([chr(point).isspace() for point in range(0x3001)], dtype=np.bool_)
_IS_EDGE = np.zeros(max(map(ord, _EDGE_PUNCTUATION)) + 1, dtype=np.bool_)
_IS_EDGE[[ord(char) for char in _EDGE_PUNCTUATION]] = True


def _shingle_text(text: str) -> str:
    return nfkc(text).lower()


def nfkc(text: str) -> str:
    """NFKC, normalising only the lines that need it (twice as fast on web text, where a few
    lines hold an ellipsis or full-width comma). Exact: a line break neither composes nor
    reorders with its neighbours, so normalisation never crosses one."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    return "\n".join(line if unicodedata.is_normalized("NFKC", line) else unicodedata.normalize("NFKC", line)
                     for line in text.split("\n"))


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def shingle_words(text: str) -> list:
    """NFKC, lower case, whitespace tokens with punctuation stripped from their ends."""
    return [stripped for word in _shingle_text(text).split() if (stripped := word.strip(_EDGE_PUNCTUATION))]


def word_unit_hashes(text: str) -> np.ndarray:
    """One 64-bit hash per word of shingle_words(text), in order, without making the words.

    ASCII text is already NFKC and the compiled loop lower-cases ASCII itself, so its bytes go
    in as they are: no normalisation check, no lower-cased copy, a quarter of the memory."""
    if text.isascii():
        return word_hashes(np.frombuffer(text.encode("ascii"), dtype=np.uint8), _IS_SPACE, _IS_EDGE)
    return word_hashes(_codepoints(_shingle_text(text)), _IS_SPACE, _IS_EDGE)


def char_unit_hashes(chars: str) -> np.ndarray:
    """One 64-bit hash per character: the hash word_unit_hashes gives a one-character word."""
    return fmix64((FNV_OFFSET ^ _codepoints(chars).astype(np.uint64)) * FNV_PRIME)


def normalize_for_shingles(text: str) -> str:
    return " ".join(shingle_words(text))


def written_without_spaces(text: str, lang) -> bool:
    """By the language annotation when there is one, else by the script of the first characters."""
    if lang:
        return lang in NO_SPACE_LANGUAGES
    sample = text[:2000]
    return len(_NO_SPACE_SCRIPT.findall(sample)) > len(sample) / 3


def ngram_hashes(unit_hashes: np.ndarray, n: int) -> np.ndarray:
    """One 64-bit hash per n-gram of the units, in text order (fewer than n units are one n-gram)."""
    if len(unit_hashes) == 0:
        return np.zeros(0, dtype=np.uint64)
    return combine_ngrams(unit_hashes, min(n, len(unit_hashes)))


def shingles(text: str, lang=None, word_ngram: int = 5, char_ngram: int = 5) -> np.ndarray:
    """The 64-bit hashes of the document's shingles in text order, repeats included (empty when
    the text has no words). MinHash needs no more: a repeat cannot change a minimum."""
    if written_without_spaces(text, lang):
        return ngram_hashes(char_unit_hashes(_PUNCTUATION.sub("", "".join(shingle_words(text)))), char_ngram)
    return ngram_hashes(word_unit_hashes(text), word_ngram)


def shingle_hashes(text: str, lang=None, word_ngram: int = 5, char_ngram: int = 5) -> np.ndarray:
    """The distinct 64-bit hashes of the document's shingles (empty when it is too short)."""
    return np.unique(shingles(text, lang, word_ngram, char_ngram))


def jaccard(first: np.ndarray, second: np.ndarray) -> float:
    """True Jaccard similarity of two sets of distinct shingle hashes."""
    union = len(np.union1d(first, second))
    return len(np.intersect1d(first, second, assume_unique=True)) / union if union else 1.0
