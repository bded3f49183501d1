"""The matches of a pattern that cannot start far from a character of some class, found by jumping to those.

Some of the widest patterns of the filters open with optional parts, a
lookbehind or a word boundary, so Python's re tries them at every position of
the text. A search for the next character of a plain class (an anchor, such as a
digit) is one tight loop in C. Where every match of the pattern holds an anchor
character at most `lead` characters after its start, no match can start more
than `lead` characters before the next anchor character, so the search may
start there. re's lookbehinds and word boundaries read the text before the
position a search starts at, so the matches are finditer's, one for one: the
same positions, the same groups (tests/filters/test_anchored_search.py).

Per document of the benchmark's web text: telephone runs 61 to 16 us, and card
digit groups, IBAN starts and C4's sentence ends each about half or less.
"""
from __future__ import annotations

import re

DIGIT = re.compile(r"\d")


def search_from_anchor(pattern: re.Pattern, text: str, position: int, anchor: re.Pattern, lead: int):
    """pattern.search(text, position), for a pattern whose every match has a character `anchor` matches at
    most `lead` characters after its start."""
    found = anchor.search(text, position)
    return None if found is None else pattern.search(text, max(position, found.start() - lead))


def matches_from_anchors(pattern: re.Pattern, text: str, anchor: re.Pattern, lead: int):
    """pattern.finditer(text), for such a pattern whose every match is also non-empty."""
    position = 0
    while (found := search_from_anchor(pattern, text, position, anchor, lead)) is not None:
        yield found
        position = found.end()
