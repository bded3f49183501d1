"""Presidio's phone recognizer, minus the region passes that cannot find anything.

Presidio runs phonenumbers' matcher once per region over the whole text, and
on Common Crawl text that is 90% of the PII stage's time. A valid number of
region R has at least R's shortest possible national length in digits, or,
written internationally, a country code and some region's shortest length.
The matcher only considers candidates that its own pattern finds, so when no
candidate in the text has that many digits, the pass for R can find nothing
and is skipped. The spans are the same as Presidio's: the test compares them.
"""
from __future__ import annotations

from phonenumbers import PhoneMetadata, phonenumbermatcher
from phonenumbers.phonenumberutil import SUPPORTED_REGIONS, country_code_for_region
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

_DESCRIPTIONS = ("general_desc", "fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost",
                 "personal_number", "voip", "pager", "uan", "voicemail", "no_international_dialling")
# The matcher's own candidate pattern; without it (a changed phonenumbers) nothing is skipped.
_CANDIDATE = getattr(phonenumbermatcher, "_PATTERN", None)


def shortest_national_length(region: str) -> int:
    metadata = PhoneMetadata.metadata_for_region(region)
    lengths = [length for name in _DESCRIPTIONS
               for length in (getattr(getattr(metadata, name, None), "possible_length", None) or ())
               if length > 0] if metadata else []
    return min(lengths, default=1)


def shortest_international_digits() -> int:
    """Digits of the shortest number any region can have, with its country code."""
    return min(len(str(country_code_for_region(region))) + shortest_national_length(region)
               for region in SUPPORTED_REGIONS)


def longest_candidate_digits(text: str) -> int:
    if _CANDIDATE is None:
        return 1 << 30
    return max((sum(char.isdigit() for char in match.group(0)) for match in _CANDIDATE.finditer(text)),
               default=0)


class DigitBoundedPhoneRecognizer(PhoneRecognizer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        international = shortest_international_digits()
        self._fewest_digits = {region: min(shortest_national_length(region), international)
                               for region in self.supported_regions}

    def analyze(self, text, entities, nlp_artifacts=None):
        longest = longest_candidate_digits(text)
        regions = self.supported_regions
        self.supported_regions = [region for region in regions if longest >= self._fewest_digits[region]]
        try:
            return super().analyze(text, entities, nlp_artifacts) if self.supported_regions else []
        finally:
            self.supported_regions = regions
