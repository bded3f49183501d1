"""How many digits a phone number needs, by region: the bounds that let the matcher skip parses.

- A number written nationally for region R has at least the shortest length
  of any region sharing R's country code, in digits.
- A number written internationally (a plus sign, or R's international
  dialling prefix) has a country code and a national number: at least the
  fewest digits of any region.

A matched span is a candidate or a part of it, so a candidate (or part) with
fewer digits than its bound cannot hold a valid number of R.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from phonenumbers import PhoneMetadata
from phonenumbers.phonenumberutil import SUPPORTED_REGIONS, country_code_for_region

_DESCRIPTIONS = ("general_desc", "fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost",
                 "personal_number", "voip", "pager", "uan", "voicemail", "no_international_dialling")
_PLUS_SIGNS = ("+", "\uff0b")


def shortest_national_length(region: str) -> int:
    metadata = PhoneMetadata.metadata_for_region(region)
    lengths = [length for name in _DESCRIPTIONS
               for length in (getattr(getattr(metadata, name, None), "possible_length", None) or ())
               if length > 0] if metadata else []
    return min(lengths, default=1)


@lru_cache(maxsize=None)
def national_bound(region: str) -> int:
    """Fewest digits of a valid number of any region that shares `region`'s country code."""
    code = country_code_for_region(region)
    return min(shortest_national_length(other) for other in SUPPORTED_REGIONS
               if country_code_for_region(other) == code)


@lru_cache(maxsize=None)
def international_bound() -> int:
    """Fewest digits of any region's number with its country code."""
    return min(len(str(country_code_for_region(region))) + shortest_national_length(region)
               for region in SUPPORTED_REGIONS)


@lru_cache(maxsize=None)
def _dialling_prefix(region: str):
    prefix = PhoneMetadata.metadata_for_region(region).international_prefix
    return re.compile(prefix) if prefix else None


def starts_with_dialling_prefix(region: str, digits: str) -> bool:
    prefix = _dialling_prefix(region)
    return bool(prefix and prefix.match(digits))


_NOT_AN_ASCII_DIGIT = re.compile(r"[^0-9]")


def ascii_digits(text: str) -> str:
    """The decimal digits of `text` as ASCII digits (phonenumbers reads Arabic-Indic and full-width ones too)."""
    if text.isascii():
        return _NOT_AN_ASCII_DIGIT.sub("", text)
    return "".join(str(int(char)) for char in text if char.isdecimal())


class Digits(NamedTuple):
    count: int
    ascii: str
    plus_sign: bool


@lru_cache(maxsize=262_144)
def digits_of(text: str) -> Digits:
    """What the bounds read of a candidate or part; the same for every region, so kept once."""
    digits = ascii_digits(text)
    return Digits(len(digits), digits, any(sign in text for sign in _PLUS_SIGNS))


def could_hold_a_number(candidate: str, region: str) -> bool:
    """False only when no part of `candidate` can parse as a valid number with `region` as default."""
    digits = digits_of(candidate)
    if digits.count >= national_bound(region):
        return True
    if digits.count < international_bound():
        return False
    return digits.plus_sign or starts_with_dialling_prefix(region, digits.ascii)
