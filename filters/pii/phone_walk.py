"""phonenumbers' walk from candidate to candidate over one text, made once and shared by every region.

While nothing matches, the matcher's walk does not depend on the region: it
searches its candidate pattern, trims the candidate at a second number's
start, and searches again after it. The walk records, for each candidate,
what the matcher would spend on it if none of its parts parses (its tries),
and for each region the candidates of which the whole or some part passes
the checks before a parse (digit bounds, number patterns). A region's
matcher then visits only those, and takes the tries of the candidates
between them off its budget in one sum.
"""
from __future__ import annotations

from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

from phonenumbers import phonenumbermatcher

from filters.pii.phone_bounds import digits_of, international_bound, national_bound
from filters.pii.phone_parts import inner_parts, skipped_before_parsing, trim_after, tries_without_a_match
from filters.pii.phone_patterns import worth_a_parse


class Candidate(NamedTuple):
    start: int
    text: str
    digit_count: int


class CandidateWalk:
    def __init__(self, text: str, candidates: list, step_at: dict):
        self.candidates = candidates
        self.step_at = step_at          # search position -> index of the candidate that search finds
        tries = [tries_without_a_match(c.text, text[c.start + len(c.text):c.start + len(c.text) + 3])
                 for c in candidates]
        self.tries_before = [0, *accumulate(tries)]
        self._worth_parsing: dict = {}

    def worth_parsing(self, region: str, only_valid: bool) -> list:
        """Indices of the candidates of which some part might be a number of `region`."""
        key = (region, only_valid)
        if key not in self._worth_parsing:
            fewest_digits = min(national_bound(region), international_bound())
            self._worth_parsing[key] = [index for index, c in enumerate(self.candidates)
                                        if c.digit_count >= fewest_digits and might_hold(c.text, region, only_valid)]
        return self._worth_parsing[key]

    def finds_nothing_for(self, region: str, only_valid: bool) -> bool:
        """True when the matcher, searching from the start, cannot match for `region`."""
        return 0 in self.step_at and not self.worth_parsing(region, only_valid)


@lru_cache(maxsize=262_144)
def might_hold(candidate: str, region: str, only_valid: bool) -> bool:
    """Whether the candidate, or a part the matcher splits off it, passes the checks before a parse:
    the digit bounds, and for valid numbers the country's number patterns."""
    if skipped_before_parsing(candidate)[0]:
        return False
    return worth_a_parse(candidate, region, only_valid) or any(
        worth_a_parse(part.text, region, only_valid) for part in inner_parts(candidate))


def candidate_walk(text: str) -> CandidateWalk:
    candidates, step_at, position = [], {}, 0
    while (found := phonenumbermatcher._PATTERN.search(text, position)) is not None:
        candidate = trim_after(phonenumbermatcher._SECOND_NUMBER_START_PATTERN, text[found.start():found.end()])
        if not candidate:          # the matcher would search from the same place again: leave it to it
            return CandidateWalk(text, [], {})
        step_at[position] = len(candidates)
        candidates.append(Candidate(found.start(), candidate, digits_of(candidate).count))
        position = found.start() + len(candidate)
    step_at[position] = len(candidates)
    return CandidateWalk(text, candidates, step_at)


_last_walk = ("", CandidateWalk("", [], {0: 0}))     # (text, walk): the regions of one text share it


def shared_walk(text: str) -> CandidateWalk:
    global _last_walk
    last_text, walk = _last_walk
    if last_text != text:
        walk = candidate_walk(text)
        _last_walk = (text, walk)
    return walk
