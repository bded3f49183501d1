"""Presidio's phone recognizer, minus the work that cannot find a number of the region tried.

Presidio runs phonenumbers' matcher once per region, and the matcher parses
every digit run its pattern finds: on Common Crawl text, dates, prices and
years made that 90% of the PII stage's time. Three things remove that work
and keep phonenumbers' own spans (the tests compare them with Presidio's):

- Digit bounds (phone_bounds.py): a candidate, or a part the matcher splits
  off it, with too few digits for the region is "no match" without parsing.
- One scan for all regions: the matcher walks the text from candidate to
  candidate, and while nothing matches that walk does not depend on the
  region. It is made once per text and shared; a region walks it anew from
  phonenumbers' own search only after one of its matches.
- Remembered verdicts: whether a candidate is a valid number depends only
  on the region, the candidate and the characters either side of it, and on
  web text half of the parses recur (ISBNs, toll-free numbers, and the parts
  split off a longer candidate).

The shortcuts that skip the matcher's retry counting apply only to texts
too short to spend its whole retry budget (a few thousand characters, which
every candidate window is).
"""
from __future__ import annotations

from typing import NamedTuple

import phonenumbers
from phonenumbers import PhoneNumberMatch, PhoneNumberMatcher, phonenumbermatcher
from presidio_analyzer import EntityRecognizer
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from filters.pii.phone_bounds import could_hold_a_number, most_tries

_REMEMBERED = 100_000          # verdicts kept per process; the store is emptied when full
_UNSEEN = object()


class Candidate(NamedTuple):
    start: int
    text: str
    digit_count: int


class CandidateWalk(NamedTuple):
    """The matcher's walk over a text when nothing matches, and where each step resumes the search."""
    candidates: list
    step_at: dict              # search position -> index of the candidate that search finds


def candidate_walk(text: str) -> CandidateWalk:
    candidates, step_at, position = [], {}, 0
    trim = PhoneNumberMatcher._trim_after_first_match
    while (found := phonenumbermatcher._PATTERN.search(text, position)) is not None:
        candidate = trim(None, phonenumbermatcher._SECOND_NUMBER_START_PATTERN, text[found.start():found.end()])
        if not candidate:          # the matcher would search from the same place again: leave it to it
            return CandidateWalk([], {})
        step_at[position] = len(candidates)
        candidates.append(Candidate(found.start(), candidate, sum(map(str.isdecimal, candidate))))
        position = found.start() + len(candidate)
    step_at[position] = len(candidates)
    return CandidateWalk(candidates, step_at)


_last_walk = ("", CandidateWalk([], {0: 0}))     # (text, walk): the regions of one text share it


def shared_walk(text: str) -> CandidateWalk:
    global _last_walk
    last_text, walk = _last_walk
    if last_text != text:
        walk = candidate_walk(text)
        _last_walk = (text, walk)
    return walk


class BoundedPhoneNumberMatcher(PhoneNumberMatcher):
    verdicts: dict = {}        # (region, leniency, candidate, char before, char after) -> number or None

    def __init__(self, text, region, **kwargs):
        super().__init__(text, region, **kwargs)
        self._budget_cannot_run_out = most_tries(len(self.text)) < self._max_tries

    def _find(self, index):
        walk = shared_walk(self.text) if self._budget_cannot_run_out else None
        step = walk.step_at.get(index) if walk else None
        if step is None:
            return super()._find(index)
        for candidate in walk.candidates[step:]:
            if could_hold_a_number(candidate.text, self.preferred_region, candidate.digit_count):
                match = self._extract_match(candidate.text, candidate.start)
                if match is not None:
                    return match
        return None

    def _parse_and_verify(self, candidate, offset):
        if not could_hold_a_number(candidate, self.preferred_region):
            return None
        end = offset + len(candidate)
        key = (self.preferred_region, self.leniency, candidate, self.text[offset - 1] if offset > 0 else None,
               self.text[end] if end < len(self.text) else None)
        number = self.verdicts.get(key, _UNSEEN)
        if number is _UNSEEN:
            match = super()._parse_and_verify(candidate, offset)
            if len(self.verdicts) >= _REMEMBERED:
                self.verdicts.clear()
            self.verdicts[key] = match.number if match else None
            return match
        return PhoneNumberMatch(offset, candidate, number) if number is not None else None


class DigitBoundedPhoneRecognizer(PhoneRecognizer):
    """Presidio's PhoneRecognizer with the bounded matcher; results are built as Presidio builds them."""

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for region in self.supported_regions:
            for match in BoundedPhoneNumberMatcher(text, region, leniency=self.leniency):
                results.append(self._get_recognizer_result(match, text, _number_region(match, region),
                                                           nlp_artifacts))
        return EntityRecognizer.remove_duplicates(results)


def _number_region(match, default_region: str) -> str:
    """The region the explanation names: the number's own when it parses without a default."""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(match.raw_string))
    except phonenumbers.NumberParseException:
        return default_region
