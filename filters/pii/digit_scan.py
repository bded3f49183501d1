"""The matches of a pattern that cannot start far from a digit, found by jumping from digit to digit.

The PII stage's widest patterns (telephone runs, card digit groups, IBAN starts)
each open with optional parts, a lookbehind or a word boundary, so Python's re
tries them at every position of the text: 61, 25 and 28 us a document of the
benchmark's web text. A search for the next digit (\\d) is one tight loop in C. Where every match of
the pattern holds a digit at most `lead` characters after its start, no match
can start more than `lead` characters before the next digit, so the search may
start there. re's lookbehinds and word boundaries read the text before the
position a search starts at, so the matches are finditer's, one for one: the
same positions, the same groups (tests/filters/test_pii_digit_scan.py).
"""
from __future__ import annotations

import re

_DIGIT = re.compile(r"\d")


def search_near_digits(pattern: re.Pattern, text: str, position: int, lead: int):
    """pattern.search(text, position), for a pattern whose every match has a digit at most `lead` characters
    after its start."""
    digit = _DIGIT.search(text, position)
    return None if digit is None else pattern.search(text, max(position, digit.start() - lead))


def matches_near_digits(pattern: re.Pattern, text: str, lead: int):
    """pattern.finditer(text), for such a pattern whose every match is also non-empty."""
    position = 0
    while (found := search_near_digits(pattern, text, position, lead)) is not None:
        yield found
        position = found.end()
