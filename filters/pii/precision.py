"""Rules that keep ids, versions and look-alikes from being redacted, for the entities Presidio finds by pattern.

Each rule reads the document text at most number_context.LOOK_AROUND
characters around a span. Telephone numbers and cards follow their own
recognizers' rules (phone.py, checksum_recognizers.py).

- UK_NHS: a ten-digit number passes the NHS checksum one time in eleven, and
  every ISBN-10 passes it (the two checksums are the same), so a number is an
  NHS number only after a word that says so (NHS, National Health Service,
  health, patient). A US-formatted number without it is left to the phone
  recognizer.
- US_SSN and US_ITIN: not part of a longer token or a longer run of digit
  groups, not inside a URL, not after an ISBN/ISSN/DOI-like label.
- IP_ADDRESS: not inside a URL or glued to a path or query (`?doi=10.1.1.8`), not
  a version number (`Studio 14 14.0.5.10`, `v1.2.3.4`, every part below 20, or a
  first part up to 20 followed by a zero: `Anti-Virus 7.0.0.119`), and an IPv6
  address has at least three groups (`::a` in Fortran is not one).
- EMAIL_ADDRESS: not a fediverse handle (`@user@mastodon.social`), which is an
  account name, not an address.
"""
from __future__ import annotations

import re

from filters.pii.number_context import LOOK_AROUND, glued, identifier_before, in_link

_NHS_WORDS = re.compile(r"(?<!\w)(?:nhs|national health|health|patient)", re.IGNORECASE)
_VERSION_BEFORE = re.compile(r"(?:(?<!\w)(?:v|ver|version|build|release|rev|revision|update|firmware)\.?\s?|\d\s)$",
                             re.IGNORECASE)
_DIGIT_GROUP_NEXT_TO = re.compile(r"[ .\-/]?\d")


def keep(entity: str, text: str, start: int, end: int) -> bool:
    rule = _RULES.get(entity)
    return rule is None or rule(text, start, end)


def _nhs(text: str, start: int, end: int) -> bool:
    return _NHS_WORDS.search(text, max(0, start - LOOK_AROUND), start) is not None


def _us_number(text: str, start: int, end: int) -> bool:
    if glued(text, start, end) or in_link(text, start, end) or identifier_before(text, start):
        return False
    before = text[max(0, start - 2):start]
    return not (_DIGIT_GROUP_NEXT_TO.match(text, end) or re.search(r"\d[ .\-/]?$", before))


def _ip_address(text: str, start: int, end: int) -> bool:
    address = text[start:end]
    if in_link(text, start, end) or (start and text[start - 1] in "=/?&#") or text[end:end + 1] in ("/", "?"):
        return False
    if ":" in address and "." not in address:
        return len([group for group in address.split(":") if group]) >= 3
    if _VERSION_BEFORE.search(text, max(0, start - 12), start):
        return False
    parts = [int(part) for part in re.findall(r"\d+", address)]
    if len(parts) != 4:
        return True
    return not (all(part < 20 for part in parts) or (parts[0] <= 20 and 0 in parts[1:3]))


def _email_address(text: str, start: int, end: int) -> bool:
    return not (start and text[start - 1] == "@")


_RULES = {"UK_NHS": _nhs, "US_SSN": _us_number, "US_ITIN": _us_number, "IP_ADDRESS": _ip_address,
          "EMAIL_ADDRESS": _email_address}
