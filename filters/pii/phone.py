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
- Remembered verdicts: what the matcher makes of a candidate depends only on
  the region, the candidate and the characters either side of it, and on
  web text most candidates recur (dates, ISBNs, toll-free numbers).

The matcher gives up on a text after 65,535 failed tries. Every shortcut
knows how many tries the work it skips would have spent and takes them off
the same budget; where the budget could run out inside a candidate, the
matcher's own code runs instead. So the spans are the same on any text,
however long.
"""
from __future__ import annotations

from typing import NamedTuple

import phonenumbers
from phonenumbers import PhoneNumberMatch, PhoneNumberMatcher, phonenumbermatcher
from presidio_analyzer import EntityRecognizer
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from filters.pii.phone_bounds import could_hold_a_number, tries_without_a_match

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
    extracted: dict = {}       # (region, leniency, candidate, char before, 3 after) -> (match parts, tries)

    def _find(self, index):
        walk = shared_walk(self.text)
        step = walk.step_at.get(index)
        if step is None:
            return super()._find(index)
        for candidate in walk.candidates[step:]:
            if self._max_tries <= 0:
                return None
            if could_hold_a_number(candidate.text, self.preferred_region, candidate.digit_count):
                match = self._extract_match(candidate.text, candidate.start)
                if match is not None:
                    return match
            else:
                tries = tries_without_a_match(candidate.text, self._text_after(candidate.start, candidate.text))
                if tries > self._max_tries:     # the budget may end inside this candidate
                    return super()._find(candidate.start)
                self._max_tries -= tries
                continue
            self._max_tries -= 1
        return None

    def _text_after(self, offset: int, candidate: str) -> str:
        # The matcher reads past a candidate only for the time-stamp suffix, three characters.
        end = offset + len(candidate)
        return self.text[end:end + 3]

    def _extract_match(self, candidate, offset):
        key = (self.preferred_region, self.leniency, candidate, self.text[offset - 1:offset] if offset else None,
               self._text_after(offset, candidate))
        remembered = self.extracted.get(key)
        if remembered is not None and remembered[1] < self._max_tries:
            parts, tries = remembered
            self._max_tries -= tries
            return PhoneNumberMatch(offset + parts[0], parts[1], parts[2]) if parts else None
        budget = self._max_tries
        match = super()._extract_match(candidate, offset)
        if self._max_tries > 0:         # the budget never ran out, so the verdict holds for any budget
            if len(self.extracted) >= _REMEMBERED:
                self.extracted.clear()
            parts = (match.start - offset, match.raw_string, match.number) if match else None
            self.extracted[key] = (parts, budget - self._max_tries)
        return match

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
