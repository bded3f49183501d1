"""The compiled word loop must split and strip exactly as shingle_words does."""
import random

import numpy as np
import pytest

from filters.dedup.minhash import Permutations, signature
from filters.dedup.shingles import char_unit_hashes, shingle_words, shingles, word_unit_hashes

# Every whitespace str.split knows, edge punctuation inside and around words, full-width forms
# (NFKC maps them), and characters past the ends of the lookup tables.
ALPHABET = list("ab xyZ\t\n\x0b\x0c\r\x1c\x85\xa0\u1680\u2007\u2028\u3000\u200b.,'\"-!?()") + \
    list("“”«»…—¡¿、。，！？「」【】ＦＵＬ") + ["é", "ß", "İ", "東", "🙂", "\U0010fffd", "\ud800"]


def random_text(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 60)))


def test_one_hash_per_shingle_word_on_random_texts():
    rng = random.Random(11)
    for _ in range(3000):
        text = random_text(rng)
        words = shingle_words(text)
        hashes = word_unit_hashes(text)
        assert len(hashes) == len(words), repr(text)
        assert np.array_equal(hashes, word_unit_hashes(" ".join(words))), repr(text)


def test_equal_words_hash_equal_and_different_words_differ():
    hashes = word_unit_hashes("Cat, cat! «cat» dog cats o'clock oclock")
    assert hashes[0] == hashes[1] == hashes[2]
    assert len(set(hashes[2:].tolist())) == 5


def test_a_character_hashes_as_a_one_character_word():
    text = "東京abc🙂"
    assert np.array_equal(char_unit_hashes(text), np.concatenate([word_unit_hashes(char) for char in text]))


@pytest.mark.parametrize("text", ["", "   ", "...", "word", "\ud800 x"])
def test_edge_cases(text):
    assert len(word_unit_hashes(text)) == len(shingle_words(text))


def test_repeated_shingles_do_not_change_the_signature():
    permutations = Permutations.create(32)
    text = "the same five words here " * 20 + "and a different ending"
    assert len(shingles(text)) > len(np.unique(shingles(text)))
    assert np.array_equal(signature(shingles(text), permutations),
                          signature(np.unique(shingles(text)), permutations))


def test_line_by_line_nfkc_equals_whole_text_nfkc():
    import unicodedata

    from filters.dedup.shingles import nfkc
    pieces = ["a", "e", "\u0301", "\u0327", "\n", " ", "…", "，", "ﬁ", "²", "Å", "\u1100", "\u1161", "\u11a8",
              "ｶ", "\uff9e", "\u00a0", "\u2028", "x\n\u0301", "ǅ"]
    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        assert nfkc(text) == unicodedata.normalize("NFKC", text), repr(text)


def test_ascii_text_takes_the_byte_path_with_the_same_hashes():
    from filters.dedup.kernels import word_hashes
    from filters.dedup.shingles import _IS_EDGE, _IS_SPACE, _codepoints
    rng = random.Random(8)
    alphabet = list("abcXYZ AZaz09\t\n.,'\"-!?()@[]{}~`")
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 50)))
        slow = word_hashes(_codepoints(text.lower()), _IS_SPACE, _IS_EDGE)
        assert np.array_equal(word_unit_hashes(text), slow), repr(text)
        assert len(word_unit_hashes(text)) == len(shingle_words(text))
