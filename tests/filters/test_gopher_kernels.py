"""The compiled Gopher n-gram rules give exactly the numpy rules' fractions (tests/filters/gopher_reference.py)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from filters.quality import gopher_kernels
from filters.quality.gopher_repetition import GopherRepetitionConfig, gopher_repetition, word_arrays
from filters.quality.text_view import TextView
from tests.filters import gopher_reference

# A small vocabulary, so that drawn texts repeat words, n-grams and whole runs of them.
VOCABULARY = st.sampled_from(["the", "a", "of", "report", "budget", "Über", "naïve", "x", "données", "2024", "--"])
WORD_LISTS = st.lists(VOCABULARY, max_size=300) | st.builds(
    lambda phrase, times, tail: phrase * times + tail,
    st.lists(VOCABULARY, min_size=1, max_size=12), st.integers(1, 12), st.lists(VOCABULARY, max_size=40))


def both(function: str, word_ids, lengths, n: int) -> tuple:
    total = int(lengths.sum()) or 1
    return (getattr(gopher_kernels, function)(word_ids, lengths, n, total),
            getattr(gopher_reference, function)(word_ids, lengths, n, total))


@settings(max_examples=400, deadline=None)
@given(WORD_LISTS, st.integers(1, 12))
def test_fractions_equal_the_numpy_rules_on_drawn_texts(words, n):
    word_ids, lengths = word_arrays(words)
    for function in ("top_ngram_char_fraction", "dup_ngram_char_fraction"):
        compiled, reference = both(function, word_ids, lengths, n)
        assert compiled == reference, (function, n, words)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 5), max_size=200), st.integers(1, 10))
def test_fractions_equal_the_numpy_rules_when_ties_and_overlaps_abound(ids, n):
    # Word ids 0..5 (not hashes) make most n-grams repeat and many counts tie: the tie rule
    # (the earliest of the most frequent n-grams) and overlapping repeats decide the result.
    word_ids = np.array(ids, dtype=np.uint64)
    lengths = np.array([1 + value % 4 for value in ids], dtype=np.int64)
    for function in ("top_ngram_char_fraction", "dup_ngram_char_fraction"):
        compiled, reference = both(function, word_ids, lengths, n)
        assert compiled == reference, (function, n, ids)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(VOCABULARY, max_size=12).map(" ".join), max_size=30))
def test_the_drop_decision_equals_the_numpy_rules(lines):
    # Thresholds at 0 make every rule decide on its exact fraction.
    config = GopherRepetitionConfig(max_dup_line_fraction=1.0, max_dup_paragraph_fraction=1.0,
                                    max_dup_line_char_fraction=1.0, max_dup_paragraph_char_fraction=1.0)
    view = TextView("\n".join(lines), "en")
    drop = gopher_repetition(view, config)
    word_ids, lengths = word_arrays(view.lower_words)
    total = int(lengths.sum()) or 1
    expected = None
    for rule, limits in (("top", config.max_top_ngram_char_fraction), ("dup", config.max_dup_ngram_char_fraction)):
        for n, limit in sorted(limits.items()):
            fraction = getattr(gopher_reference, f"{rule}_ngram_char_fraction")(word_ids, lengths, n, total)
            if expected is None and fraction > limit:
                expected = (f"gopher_{rule}_{n}gram_char_fraction", f"{fraction:.3f}")
    assert (drop.reason, drop.detail) == expected if drop else expected is None


def test_an_ngram_size_below_one_is_refused_not_read_past_the_words():
    word_ids, lengths = word_arrays(["a", "b", "a"])
    for function in (gopher_kernels.top_ngram_char_fraction, gopher_kernels.dup_ngram_char_fraction):
        with pytest.raises(ValueError, match="n >= 1"):
            function(word_ids, lengths, 0, 3)
