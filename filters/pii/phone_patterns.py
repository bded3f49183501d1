"""A test against the country's number patterns that rules out most parses of numbers written nationally.

For a part with no letters (so no extension and no vanity letters), none of
'#', '~', ',' or ';' (the other extension marks), no plus sign, and digits
that do not start with the region's international dialling prefix,
phonenumbers reads the digits as a national number of the region's country
code. It may strip the country code or a national prefix from the front,
so the national significant number is a suffix of the digits, provided the
region has no national-prefix transform rule (which could rewrite it).
A valid number's national significant number matches the general
description, pattern and possible lengths, of a region with that country
code. So when no suffix of the digits matches any of them, the part is not a
valid number of the region, and the parse can be skipped.
"""
from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from phonenumbers import PhoneMetadata
from phonenumbers.phonenumberutil import country_code_for_region, region_codes_for_country_code

from filters.pii.phone_bounds import could_hold_a_number, digits_of, starts_with_dialling_prefix

_MAX_NATIONAL_LENGTH = 17                     # phonenumbers rejects longer national numbers
_MARKS_OF_OTHER_FORMS = re.compile(r"[#＃~～,;+＋]|[^\W\d_]")


@lru_cache(maxsize=262_144)
def worth_a_parse(part: str, region: str, only_valid: bool) -> bool:
    """The checks before a parse: enough digits for the region and, when only valid numbers count,
    the country's number patterns. False only when the parse could not give a match."""
    return could_hold_a_number(part, region) and (not only_valid or might_be_valid(part, region))


def might_be_valid(part: str, region: str) -> bool:
    """False only when `part` cannot be a valid number with `region` as the default region."""
    if not _reads_nationally(region) or not _written_plainly(part):
        return True
    digits = digits_of(part).ascii
    return _some_suffix_matches(_country_code(region), digits) or starts_with_dialling_prefix(region, digits)


@lru_cache(maxsize=262_144)
def _written_plainly(part: str) -> bool:
    """Digits and punctuation only: no extension, vanity letters, plus sign or dialling context."""
    return _MARKS_OF_OTHER_FORMS.search(part) is None


@lru_cache(maxsize=None)
def _country_code(region: str) -> int:
    return country_code_for_region(region)


@lru_cache(maxsize=None)
def _reads_nationally(region: str) -> bool:
    metadata = PhoneMetadata.metadata_for_region(region)
    return metadata is not None and not metadata.national_prefix_transform_rule


@lru_cache(maxsize=None)
def _patterns_by_length(country_code: int) -> dict:
    """length -> one pattern: the general descriptions of every region of the code that allow that length."""
    alternatives = defaultdict(list)
    for region in region_codes_for_country_code(country_code):
        metadata = PhoneMetadata.metadata_for_region(region)
        if metadata is None or metadata.general_desc is None:
            continue
        description = metadata.general_desc
        lengths = [length for length in (description.possible_length or ()) if length > 0]
        for length in lengths or range(1, _MAX_NATIONAL_LENGTH + 1):
            alternatives[length].append(f"(?:{description.national_number_pattern})")
    return {length: re.compile("|".join(patterns)) for length, patterns in alternatives.items()}


@lru_cache(maxsize=65_536)
def _some_suffix_matches(country_code: int, digits: str) -> bool:
    return any(length <= len(digits) and pattern.fullmatch(digits, len(digits) - length)
               for length, pattern in _patterns_by_length(country_code).items())
