"""The parts phonenumbers' matcher splits off a candidate whose whole does not parse, found once per candidate.

PhoneNumberMatcher._extract_inner_match runs eight patterns over the
candidate and tries each part they split off, for every region. The parts
depend only on the candidate, so they are found once here and cached; only
the parse of each part depends on the region. Each part costs one try of the
matcher's budget, and the matcher checks the budget before every part but
the one that directly follows a pattern's leading part.
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from phonenumbers import PhoneNumberMatcher, phonenumbermatcher
from phonenumbers.phonenumberutil import _UNWANTED_END_CHAR_PATTERN


class Part(NamedTuple):
    offset: int                 # within the candidate
    text: str
    budget_checked: bool        # the matcher stops here when its budget is spent


@lru_cache(maxsize=65_536)
def inner_parts(candidate: str) -> tuple:
    parts = []
    for pattern in phonenumbermatcher._INNER_MATCHES:
        found = pattern.search(candidate)
        if found:
            parts.append(Part(0, _trim_unwanted_end(candidate[:found.start()]), True))
            parts.append(Part(found.start(1), _trim_unwanted_end(found.group(1)), False))
            found = pattern.search(candidate, found.start() + 1)
        while found:
            parts.append(Part(found.start(1), _trim_unwanted_end(found.group(1)), True))
            found = pattern.search(candidate, found.start() + 1)
    return tuple(parts)


def trim_after(pattern, text: str) -> str:
    """phonenumbers' own trim: `text` up to the first match of `pattern`."""
    return PhoneNumberMatcher._trim_after_first_match(None, pattern, text)


def _trim_unwanted_end(text: str) -> str:
    return trim_after(_UNWANTED_END_CHAR_PATTERN, text)


@lru_cache(maxsize=65_536)
def skipped_before_parsing(candidate: str) -> tuple:
    """(skipped as a date, looks like a time stamp): the matcher's checks before it parses anything."""
    return (phonenumbermatcher._SLASH_SEPARATED_DATES.search(candidate) is not None,
            phonenumbermatcher._TIME_STAMPS.search(candidate) is not None)


def tries_without_a_match(candidate: str, text_after: str) -> int:
    """The tries the matcher spends on a candidate none of whose parts parses:
    one for the candidate, and one per part its inner patterns split off."""
    skipped_as_date, time_stamp_like = skipped_before_parsing(candidate)
    if skipped_as_date or (time_stamp_like and phonenumbermatcher._TIME_STAMPS_SUFFIX.match(text_after)):
        return 1
    return 1 + len(inner_parts(candidate))
