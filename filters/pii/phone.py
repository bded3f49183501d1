"""Presidio's phone recognizer, minus the work that cannot find a number of the region tried.

Presidio runs phonenumbers' matcher once per region, and the matcher parses
every digit run its pattern finds: on Common Crawl text, dates, prices and
years made that 90% of the PII stage's time. What removes that work, keeping
phonenumbers' own spans (the tests compare them with Presidio's):

- Checks before a parse: digit bounds (phone_bounds.py) and the country's
  number patterns (phone_patterns.py). A part that fails them cannot parse
  as a number of the region.
- One walk for all regions (phone_walk.py): while nothing matches, the
  matcher's walk from candidate to candidate does not depend on the region,
  so it is made once per text, and each region visits only the candidates
  of which some part passes the checks. After a match, a region goes back
  to phonenumbers' own search.
- Parts found once per candidate (phone_parts.py), not once per region.
- Remembered verdicts: what the matcher makes of a candidate depends only on
  the region, the candidate and the characters either side of it, and on
  web text most candidates recur (dates, ISBNs, toll-free numbers).

The matcher gives up on a text after 65,535 failed tries. Every shortcut
knows how many tries the work it skips would have spent and takes them off
the same budget; where the budget could run out among skipped candidates,
the matcher's own code runs instead. So the spans are the same on any text,
however long.
"""
from __future__ import annotations

from bisect import bisect_left

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatch, PhoneNumberMatcher
from presidio_analyzer import EntityRecognizer
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from filters.pii.phone_parts import inner_parts
from filters.pii.phone_patterns import worth_a_parse
from filters.pii.phone_walk import shared_walk

_REMEMBERED = 100_000          # verdicts kept per process; the store is emptied when full
_UNSEEN = object()


class BoundedPhoneNumberMatcher(PhoneNumberMatcher):
    verdicts: dict = {}        # (region, leniency, candidate, char before, char after) -> number or None
    extracted: dict = {}       # (region, leniency, candidate, char before, 3 after) -> (match parts, tries)

    def _find(self, index):
        walk = shared_walk(self.text)
        step = walk.step_at.get(index)
        if step is None:
            return super()._find(index)
        worth_parsing = walk.worth_parsing(self.preferred_region, _only_valid(self.leniency))
        for position in worth_parsing[bisect_left(worth_parsing, step):]:
            skipped = walk.tries_before[position] - walk.tries_before[step]
            if skipped >= self._max_tries:      # the budget may run out among the skipped candidates
                return super()._find(walk.candidates[step].start)
            self._max_tries -= skipped
            candidate = walk.candidates[position]
            match = self._extract_match(candidate.text, candidate.start)
            if match is not None:
                return match
            self._max_tries -= 1
            if self._max_tries <= 0:
                return None
            step = position + 1
        return None

    def _surroundings(self, offset: int, candidate: str, after: int) -> tuple:
        """The character before the candidate and `after` characters after it: all the matcher reads
        of the text around a candidate (one after for the Latin-letter check, three for a time stamp)."""
        end = offset + len(candidate)
        return self.text[offset - 1:offset], self.text[end:end + after]

    def _extract_match(self, candidate, offset):
        key = (self.preferred_region, self.leniency, candidate, *self._surroundings(offset, candidate, 3))
        remembered = self.extracted.get(key)
        if remembered is not None and remembered[1] < self._max_tries:
            parts, tries = remembered
            self._max_tries -= tries
            return PhoneNumberMatch(offset + parts[0], parts[1], parts[2]) if parts else None
        budget = self._max_tries
        match = super()._extract_match(candidate, offset)
        if self._max_tries > 0:         # the budget never ran out, so the verdict holds for any budget
            parts = (match.start - offset, match.raw_string, match.number) if match else None
            _remember(self.extracted, key, (parts, budget - self._max_tries))
        return match

    def _extract_inner_match(self, candidate, offset):
        # phonenumbers' own loop, over parts found once per candidate rather than once per region.
        for part in inner_parts(candidate):
            if part.budget_checked and self._max_tries <= 0:
                return None
            match = self._parse_and_verify(part.text, offset + part.offset)
            if match is not None:
                return match
            self._max_tries -= 1
        return None

    def _parse_and_verify(self, candidate, offset):
        if not worth_a_parse(candidate, self.preferred_region, _only_valid(self.leniency)):
            return None
        key = (self.preferred_region, self.leniency, candidate, *self._surroundings(offset, candidate, 1))
        number = self.verdicts.get(key, _UNSEEN)
        if number is _UNSEEN:
            match = super()._parse_and_verify(candidate, offset)
            _remember(self.verdicts, key, match.number if match else None)
            return match
        return PhoneNumberMatch(offset, candidate, number) if number is not None else None


class DigitBoundedPhoneRecognizer(PhoneRecognizer):
    """Presidio's PhoneRecognizer with the bounded matcher; results are built as Presidio builds them."""

    def analyze(self, text, entities, nlp_artifacts=None):
        results, walk = [], shared_walk(text)
        for region in self.supported_regions:
            if walk.finds_nothing_for(region, _only_valid(self.leniency)):
                continue
            for match in BoundedPhoneNumberMatcher(text, region, leniency=self.leniency):
                results.append(self._get_recognizer_result(match, text, _number_region(match, region),
                                                           nlp_artifacts))
        return EntityRecognizer.remove_duplicates(results)


def _only_valid(leniency) -> bool:
    """At VALID leniency and stricter only valid numbers match, so the number-pattern check applies."""
    return leniency >= Leniency.VALID


def _remember(store: dict, key, value) -> None:
    if len(store) >= _REMEMBERED:       # bounded: emptied when full rather than tracking recency
        store.clear()
    store[key] = value


def _number_region(match, default_region: str) -> str:
    """The region the explanation names: the number's own when it parses without a default."""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(match.raw_string))
    except phonenumbers.NumberParseException:
        return default_region
