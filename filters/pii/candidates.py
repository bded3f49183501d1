"""The fast path: one cheap scan finds where any recognizer could match; Presidio sees only those windows.

Every match of every recognizer holds one of these:

- '@' (e-mail, password in a URL);
- four digits, each at most four punctuation characters of a telephone number
  from the next: a telephone number has four digits at least, and its digits are
  never further apart (phone.py); cards, bank and social security numbers,
  passports, NHS numbers and IPv4 addresses have such runs too;
- ':', up to four hex digits, ':' (IPv6, '::');
- two letters, then two digits (IBAN);
- '1' or '3', then 25 letters or digits (crypto wallets);
- a secret's fixed prefix (-----begin, bearer, akia, asia, gh?_, xox, aiza, bc1).

Presidio compiles its patterns case-insensitively, so the scan runs on the
lower-cased text, where one case-sensitive pattern is three times faster than a
case-insensitive one. Windows reach `margin` characters beyond each candidate,
widened to whitespace so no token is cut, and overlapping windows are merged. A
document with no candidate is not analysed.

Every piece handed to Presidio is at most PIECE_CHARS long: a longer window (or
document) is cut at whitespace. Presidio's patterns are linear in their input
except where they are not (e-mail.py), so bounded pieces keep the time per
document linear whatever its shape.
"""
from __future__ import annotations

import re

from filters.pii.phone import PUNCTUATION

_CANDIDATE_PATTERN = (r"@|:[0-9a-f]{0,4}:|\d(?:[" + PUNCTUATION + r"]{0,4}\d){3,30}|[13][a-z0-9]{25}"
                      r"|-----begin|bearer\s|akia|asia|gh[pousr]_|xox|aiza|bc1")
CANDIDATE = re.compile(_CANDIDATE_PATTERN)
# Where lower-casing changes the length (a dotted capital I), offsets would move: match case-insensitively instead.
CANDIDATE_ANY_CASE = re.compile(_CANDIDATE_PATTERN, re.IGNORECASE)
TWO_DIGITS = re.compile(r"\d\d")    # an IBAN's check digits, when two letters come before them

MAX_WIDENING = 256          # a long hex or base64 line is not walked to its end for every candidate
PRIVATE_KEY_REACH = 8400    # a key block's END line can be this far after its BEGIN line
PIECE_CHARS = 16_384        # the longest text Presidio is given at once: a private key block fits
_RIGHT_TO_SPACE = re.compile(r"\S{0,%d}" % MAX_WIDENING)
_UP_TO_LAST_SPACE = re.compile(r".*\s", re.DOTALL)


def candidates(text: str) -> list:
    """(start, end) of every candidate, in order of start."""
    found = list(_scan(text))
    ibans = list(_iban_check_digits(text))
    return sorted(found + ibans) if ibans else found


def _scan(text: str):
    lowered = text.lower()
    if len(lowered) != len(text):
        return (match.span() for match in CANDIDATE_ANY_CASE.finditer(text))
    # Presidio's case-insensitive [a-z] also matches the long s; lower() leaves it.
    scanned = lowered.replace("\u017f", "s") if "\u017f" in lowered else lowered
    return (match.span() for match in CANDIDATE.finditer(scanned))


def _iban_check_digits(text: str):
    """Two digits after two letters: an IBAN's start, even when the rest has too few digits."""
    for match in TWO_DIGITS.finditer(text):
        start = match.start()
        if start >= 2 and text[start - 1].isalpha() and text[start - 2].isalpha():
            yield start - 2, match.end()


def candidate_windows(text: str, margin: int = 100) -> list:
    """Merged (start, end) windows around every candidate, widened to whitespace."""
    windows = []
    for candidate_start, candidate_end in candidates(text):
        reach = PRIVATE_KEY_REACH if text.startswith("-----", candidate_start) else margin
        start = _widen_left(text, max(0, candidate_start - margin))
        end = _widen_right(text, min(len(text), candidate_end + reach))
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    return windows


def pieces(text: str, start: int, end: int) -> list:
    """(start, end) pieces of text[start:end], none longer than PIECE_CHARS, cut at the last whitespace
    of each piece's second half (or at its end when it has none)."""
    cuts = []
    while end - start > PIECE_CHARS:
        cut = _last_space(text, start + PIECE_CHARS // 2, start + PIECE_CHARS)
        cuts.append((start, cut))
        start = cut
    return cuts + [(start, end)]


def _last_space(text: str, low: int, high: int) -> int:
    last = _UP_TO_LAST_SPACE.match(text, low, high)
    return last.end() if last else high


def _widen_left(text: str, position: int) -> int:
    """Back to just after the nearest whitespace, at most MAX_WIDENING characters."""
    limit = max(0, position - MAX_WIDENING)
    last_space = _UP_TO_LAST_SPACE.match(text, limit, position)
    return last_space.end() if last_space else limit


def _widen_right(text: str, position: int) -> int:
    """On to the nearest whitespace, at most MAX_WIDENING characters."""
    return _RIGHT_TO_SPACE.match(text, position).end()
