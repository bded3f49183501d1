"""The trie-shaped regex of a word list finds what the plain longest-first alternation finds."""
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from filters.entry_trie import MAX_DEPTH, entry_pattern

# few letters, so that entries share prefixes, nest in each other and overlap in the text; regex metacharacters
# and a non-ASCII letter, so that escaping matters
LETTERS = "ab.*\u00e9|"


def longest_first(entries: list):
    ordered = sorted({entry for entry in entries if entry}, key=lambda entry: (-len(entry), entry))
    return re.compile("|".join(map(re.escape, ordered))) if ordered else None


def found(pattern, text):
    return [(match.start(), match.group()) for match in pattern.finditer(text)] if pattern else None


@given(entries=st.lists(st.text(LETTERS, max_size=6), max_size=12), text=st.text(LETTERS, max_size=40))
@settings(max_examples=500, deadline=None)
def test_every_match_is_the_alternations(entries, text):
    assert found(entry_pattern(entries), text) == found(longest_first(entries), text)


def test_an_entry_inside_a_longer_one_loses_to_it_and_wins_where_the_longer_one_fails():
    pattern = entry_pattern(["ab", "abcd", "b"])
    assert found(pattern, "xabcdx abcx bx") == [(1, "abcd"), (7, "ab"), (12, "b")]
    assert entry_pattern(["", ""]) is None


def test_entries_longer_than_the_nesting_bound_keep_the_plain_alternation():
    nested = ["a" * length for length in range(1, MAX_DEPTH + 1)]
    assert entry_pattern(nested).search("b" + "a" * (MAX_DEPTH + 5)).group() == "a" * MAX_DEPTH
    long_entries = ["a" * (MAX_DEPTH + 1), "b"]
    assert entry_pattern(long_entries).pattern == longest_first(long_entries).pattern
