"""The fast path: one cheap scan finds where any recognizer could match; Presidio sees only those windows.

Every supported entity needs a character that the scan below looks for:
'@' (e-mail, URL passwords), a run of digits (phone, card, SSN, IBAN, bank
numbers, IP), a hex or colon run (IPv6, MAC), or a fixed prefix (AKIA, BEGIN,
Bearer, ghp_, xox, AIza, bc1, '://'). Windows reach `margin` characters
beyond each candidate, widened to whitespace so no token is cut, and
overlapping windows are merged. A document with no candidate is not analysed.
"""
from __future__ import annotations

import re

CANDIDATE = re.compile(
    r"@|\d[\d\s().\-/]{2,30}\d|::|[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{0,4}:|\b(?:AKIA|ASIA|ghp_|gho_|ghu_|ghs_|ghr_|xox|AIza|bc1)"
    r"|-----BEGIN|[Bb]earer\s|://|\b[A-Z]{2}\d{2}|\b[13][a-km-zA-HJ-NP-Z1-9]{25,34}\b")


MAX_WIDENING = 256          # a long hex or base64 line is not walked to its end for every candidate
PRIVATE_KEY_REACH = 8400    # a key block's END line can be this far after its BEGIN line


def candidate_windows(text: str, margin: int = 100) -> list:
    """Merged (start, end) windows around every candidate, widened to whitespace."""
    windows = []
    for match in CANDIDATE.finditer(text):
        reach = PRIVATE_KEY_REACH if match.group(0) == "-----BEGIN" else margin
        start = _widen_left(text, max(0, match.start() - margin))
        end = _widen_right(text, min(len(text), match.end() + reach))
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    return windows


def _widen_left(text: str, position: int) -> int:
    limit = max(0, position - MAX_WIDENING)
    while position > limit and not text[position - 1].isspace():
        position -= 1
    return position


def _widen_right(text: str, position: int) -> int:
    limit = min(len(text), position + MAX_WIDENING)
    while position < limit and not text[position].isspace():
        position += 1
    return position


def count_candidates(text: str, stop_at: int) -> int:
    """How many candidate places the text has, counting no further than `stop_at`."""
    count = 0
    for count, _ in enumerate(CANDIDATE.finditer(text), 1):
        if count >= stop_at:
            break
    return count
