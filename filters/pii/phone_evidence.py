"""What a run of digits and the text around it say before anything is parsed: the rules of the phone recognizer.

1. A *run* is a stretch of digits joined by phone punctuation (spaces, dashes,
   dots, slashes, parentheses), with an optional leading plus sign and a trailing
   extension. A run of more than 32 digits is a list or a table, not a number.
2. *Evidence* for a telephone number: a plus sign or an international dialling
   prefix (00, 011), an area code in parentheses, or a telephone word next to the
   run ("Tel.", "call", "Telefon:", "电话：", "... office"; number_context.py).
3. A number is judged in its context:
   - never a number inside a URL or e-mail address (unless a tel: link), glued to
     a word, a path, a query or an amount, after an ISBN/ISSN/DOI-like label, or
     holding a date;
   - without evidence, not a number of fewer than 7 digits (years, quantities,
     short codes), nor one without any separator (ids), nor a decimal number,
     a range ("14480-14486", "0700-1700"), a US ZIP+4 code, a number followed
     by a year ("48109 2006") or a list of single digits.

Plain Python (no phonenumbers, no Presidio), so that the per-block bound of
time_bound.py counts candidates without importing either. Every rule reads at
most number_context.LOOK_AROUND characters around the run.
"""
from __future__ import annotations

import re

from filters.anchored_search import DIGIT, matches_from_anchors
from filters.pii.number_context import glued, has_date, identifier_before, in_link, phone_word_near

MIN_DIGITS_WITHOUT_EVIDENCE = 7
MAX_RUN_DIGITS = 32
PUNCTUATION = " \u00a0\u2009\u202f\\-\u2010-\u2015\u2212\uff0d./\uff0e\uff0f()\uff08\uff09\\[\\]"
RUN = re.compile(rf"(?:[+＋]\s?)?[(（\[]?\d(?:[{PUNCTUATION}]{{0,3}}\d)*(?:\s?(?:x|ext\.?|extn\.?|#)\s?\d{{1,6}})?",
                 re.IGNORECASE)
RUN_LEAD = 3        # a run's optional plus, space and bracket come before its first digit


def runs_in(text: str):
    """RUN.finditer(text), found from digit to digit (filters/anchored_search.py)."""
    return matches_from_anchors(RUN, text, DIGIT, RUN_LEAD)
_EXTENSION = re.compile(r"\s?(?:x|ext\.?|extn\.?|#)\s?\d+$", re.IGNORECASE)
DIGIT_GROUPS = re.compile(r"\d+")
_SEPARATORS = re.compile(r"[^\d]+")
AREA_CODE = re.compile(r"^[+＋]?\s?\d{0,3}\s?[(（]\d{1,5}[)）]\s?\d")
INTERNATIONAL = re.compile(r"^[(（\[]?\s?(?:[+＋]|(?:00|011)(?=(?:\D?\d){8}))")   # a prefix before 8+ digits
DIGITS = re.compile(r"\d")
_YEAR = re.compile(r"19\d\d|20[0-3]\d")
_ONE_DIGIT_DECIMAL = re.compile(r"\d[.,]\d+")        # "0.649487018585": no telephone number reads so

NO_EVIDENCE, WRITTEN_LIKE_A_PHONE, NAMED_A_PHONE = 0, 1, 2


def run_evidence(text: str, start: int, end: int):
    """How much the run looks like a telephone number: NAMED_A_PHONE (a telephone word next to it),
    WRITTEN_LIKE_A_PHONE (a plus sign, dialling prefix or area code in parentheses) or NO_EVIDENCE;
    None when no number in it can pass the rules. Without evidence the number is the whole run, so the
    rules are checked on the run before anything is parsed."""
    run = text[start:end]
    digits = len(DIGITS.findall(run))
    if digits > MAX_RUN_DIGITS:
        return None
    if phone_word_near(text, start, end):
        return NAMED_A_PHONE if digits >= MIN_DIGITS_WITHOUT_EVIDENCE else WRITTEN_LIKE_A_PHONE
    if INTERNATIONAL.match(run) or (AREA_CODE.match(run) and digits >= MIN_DIGITS_WITHOUT_EVIDENCE):
        return WRITTEN_LIKE_A_PHONE     # parentheses alone do not make a short number a phone: "(16) 45"
    return NO_EVIDENCE if phone_verdict(text, start, end, NO_EVIDENCE) is None else None



def phone_verdict(text: str, start: int, end: int, evidence: bool):
    """None when the match is a telephone number in its context, else the reason it is not."""
    if glued(text, start, end):
        return "part of a longer token"
    if in_link(text, start, end):
        return "inside a URL or e-mail address"
    if identifier_before(text, start):
        return "after an identifier label"
    number = text[start:end]
    if has_date(number):
        return "holds a date"
    if _ONE_DIGIT_DECIMAL.fullmatch(number):
        return "a decimal number"
    if evidence != NO_EVIDENCE and (INTERNATIONAL.match(number) or AREA_CODE.match(number) or
                                    phone_word_near(text, start, end)):
        return None
    return shape_without_evidence(number)


def shape_without_evidence(number: str):
    """Why a number with no evidence around it is not taken for a telephone number (None: it is)."""
    plain = _EXTENSION.sub("", number)
    groups = DIGIT_GROUPS.findall(plain)
    separators = [separator.strip() or " " for separator in _SEPARATORS.findall(plain.strip("(（[)）] "))]
    if sum(map(len, groups)) < MIN_DIGITS_WITHOUT_EVIDENCE:
        return "fewer than 7 digits"
    if len(groups) == 1:
        return "no separators"
    dotted = [separator for separator in separators if "." in separator]
    if dotted and len(dotted) < len(separators) or len(groups) == 2 and separators[0] in (".", ","):
        return "a decimal number"
    if len(groups) == 2 and separators[0] in ("-", "–", "—", "/") and _is_range(*groups):
        return "a range"
    if [len(group) for group in groups] == [5, 4] and separators == ["-"]:
        return "a ZIP+4 code"
    if len(groups) == 2 and separators == [" "] and _YEAR.fullmatch(groups[1]):
        return "a number and a year"                    # "Ann Arbor, 48109 2006,", "B 68, 035326 2003"
    if sum(1 for group in groups if len(group) == 1) >= 2:
        return "a list of digits"
    return None


def _is_range(first: str, second: str) -> bool:
    return len(first) == len(second) and 2 <= len(first) <= 5 and int(second) > int(first)
