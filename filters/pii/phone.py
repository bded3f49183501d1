"""Telephone numbers: phone-shaped runs of digits, read in their context, parsed and validated by phonenumbers.

Stock Presidio runs phonenumbers' matcher over the whole text once per region and
reports every valid number it finds. On web text most of those are not telephone
numbers: dates, coordinates, page ranges, ISBNs, ids in URLs and file names,
years ("in 1699"). This recognizer keeps phonenumbers' parsing and validation
(its public API only: PhoneNumberMatcher, Leniency) and adds what a reader uses:

1. A *run* is a stretch of digits joined by phone punctuation (spaces, dashes,
   dots, slashes, parentheses), with an optional leading plus sign and a trailing
   extension. A run of more than 32 digits is a list or a table, not a number.
2. *Evidence* for a telephone number: a plus sign or an international dialling
   prefix (00, 011), an area code in parentheses, or a telephone word next to the
   run ("Tel.", "call", "Telefon:", "电话：", "... office"; number_context.py).
   With evidence, phonenumbers' matcher runs at Leniency.VALID, as in Presidio;
   without it, at STRICT_GROUPING: the digits must also be grouped the way the
   region groups its numbers, which is what tells "972 613 100" from a row of a
   table such as "48 49 43 140".
3. Each match is then judged in its context:
   - never a number inside a URL or e-mail address (unless a tel: link), glued to
     a word, a path, a query or an amount, after an ISBN/ISSN/DOI-like label, or
     holding a date;
   - without evidence, not a number of fewer than 7 digits (years, quantities,
     short codes), nor one without any separator (ids), nor a decimal number,
     a range ("14480-14486", "0700-1700"), a US ZIP+4 code or a list of single
     digits.

Every rule reads at most number_context.LOOK_AROUND characters around the run,
so a window of the fast path (filters/pii/candidates.py) gives the same verdict
as the whole document.
"""
from __future__ import annotations

import re

from phonenumbers import Leniency, NumberParseException, PhoneNumberMatcher, is_valid_number, parse, \
    region_code_for_number
from presidio_analyzer import EntityRecognizer, RecognizerResult

from filters.pii.number_context import glued, has_date, identifier_before, in_link, phone_word_near

SCORE = 0.4                         # Presidio's PhoneRecognizer score: below a checksum-validated card or IBAN
MIN_DIGITS_WITHOUT_EVIDENCE = 7
MAX_RUN_DIGITS = 32
PUNCTUATION = " \u00a0\u2009\u202f\\-\u2010-\u2015\u2212\uff0d./\uff0e\uff0f()\uff08\uff09\\[\\]"
RUN = re.compile(rf"(?:[+＋]\s?)?[(（\[]?\d(?:[{PUNCTUATION}]{{0,3}}\d)*(?:\s?(?:x|ext\.?|extn\.?|#)\s?\d{{1,6}})?",
                 re.IGNORECASE)
_EXTENSION = re.compile(r"\s?(?:x|ext\.?|extn\.?|#)\s?\d+$", re.IGNORECASE)
_DIGIT_GROUPS = re.compile(r"\d+")
_SEPARATORS = re.compile(r"[^\d]+")
_AREA_CODE = re.compile(r"^[+＋]?\s?\d{0,3}\s?[(（]\d{1,5}[)）]\s?\d")
_INTERNATIONAL = re.compile(r"^[(（\[]?\s?(?:[+＋]|(?:00|011)(?=(?:\D?\d){8}))")   # a prefix before 8+ digits
_DIGITS = re.compile(r"\d")
_ONE_DIGIT_DECIMAL = re.compile(r"\d[.,]\d+")        # "0.649487018585": no telephone number reads so
_SPACE = re.compile(r"[ \u00a0\u2009\u202f]")
_COUNTRY_CODE_PREFIX = re.compile(r"[(（]?[+＋]\s?\d{1,3}[)）]?[\s\-./]*")


class ContextPhoneRecognizer(EntityRecognizer):
    """PHONE_NUMBER from phone-shaped runs judged in context; the explanation names the region that validated it."""

    def __init__(self, supported_language: str = "en", supported_regions=("US",)):
        self.supported_regions = tuple(supported_regions)
        super().__init__(supported_entities=["PHONE_NUMBER"], supported_language=supported_language,
                         name="ContextPhoneRecognizer")

    def load(self) -> None:
        pass

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for run in RUN.finditer(text):
            evidence = run_evidence(text, run.start(), run.end())
            if evidence is None:
                continue
            accepted = []
            for offset, end, region in numbers_in(run.group(), self.supported_regions, evidence):
                start, stop = run.start() + _with_country_code(run.group(), offset), run.start() + end
                if phone_verdict(text, start, stop, evidence) is None:
                    accepted.append((start, stop, region))
            if accepted and leaves_whole_numbers(run.group(), [(a - run.start(), b - run.start()) for a, b, _ in
                                                                accepted]):
                results += [self._result(start, stop, region) for start, stop, region in accepted]
        return EntityRecognizer.remove_duplicates(results)

    def _result(self, start: int, end: int, region: str) -> RecognizerResult:
        return RecognizerResult(
            entity_type="PHONE_NUMBER", start=start, end=end, score=SCORE,
            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                  RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                                  "region": region})


NO_EVIDENCE, WRITTEN_LIKE_A_PHONE, NAMED_A_PHONE = 0, 1, 2
_LENIENCY = {NO_EVIDENCE: Leniency.STRICT_GROUPING, WRITTEN_LIKE_A_PHONE: Leniency.VALID,
             NAMED_A_PHONE: Leniency.POSSIBLE}


def run_evidence(text: str, start: int, end: int):
    """How much the run looks like a telephone number: NAMED_A_PHONE (a telephone word next to it),
    WRITTEN_LIKE_A_PHONE (a plus sign, dialling prefix or area code in parentheses) or NO_EVIDENCE;
    None when no number in it can pass the rules. Without evidence the number is the whole run, so the
    rules are checked on the run before anything is parsed."""
    run = text[start:end]
    digits = len(_DIGITS.findall(run))
    if digits > MAX_RUN_DIGITS:
        return None
    if phone_word_near(text, start, end):
        return NAMED_A_PHONE if digits >= MIN_DIGITS_WITHOUT_EVIDENCE else WRITTEN_LIKE_A_PHONE
    if _INTERNATIONAL.match(run) or (_AREA_CODE.match(run) and digits >= MIN_DIGITS_WITHOUT_EVIDENCE):
        return WRITTEN_LIKE_A_PHONE     # parentheses alone do not make a short number a phone: "(16) 45"
    return NO_EVIDENCE if phone_verdict(text, start, end, NO_EVIDENCE) is None else None


def leaves_whole_numbers(run: str, numbers: list) -> bool:
    """Whether the numbers found leave the rest of their run whole: what is not covered is either nothing
    or, set apart by a space, a number that starts and ends with a group of 5 digits or more (a postal
    code, another number), never a piece of the same number ("2221 <PHONE_NUMBER>" of a card
    "2221 0000 0000 0009")."""
    covered = [False] * len(run)
    for start, end in numbers:
        covered[start:end] = [True] * (end - start)
    for rest in re.finditer(r"[^\s]+(?:\s+[^\s]+)*", "".join(" " if c else ch for c, ch in zip(covered, run))):
        piece, before, after = rest.group(), run[rest.start() - 1:rest.start()], run[rest.end():rest.end() + 1]
        if not _DIGITS.search(piece):
            continue
        apart = (not before or before.isspace()) and (not after or after.isspace())
        groups = _DIGIT_GROUPS.findall(piece)
        if not apart or len(groups[0]) < 5 or len(groups[-1]) < 5:
            return False
    return True


def _with_country_code(run: str, offset: int) -> int:
    """A number phonenumbers found after a plus sign and country code of its run starts at the plus sign:
    "+49 (0) 1363 776233" is redacted whole, not as "+49 <PHONE_NUMBER>"."""
    return 0 if offset and _COUNTRY_CODE_PREFIX.fullmatch(run, 0, offset) else offset


def numbers_in(run: str, regions: tuple, evidence: int) -> tuple:
    """(start, end, region) of each distinct number found in the run for any region (the number's own region
    when it has one). With evidence, phonenumbers' matcher searches the run, parts included; without, the
    number must stand alone (plain_numbers_in)."""
    if evidence == NO_EVIDENCE:
        return plain_numbers_in(run, regions)
    found: dict = {}
    for region in regions:
        for match in PhoneNumberMatcher(run, region, leniency=_LENIENCY[evidence]):
            if evidence == NAMED_A_PHONE and len(_DIGITS.findall(match.raw_string)) < MIN_DIGITS_WITHOUT_EVIDENCE:
                continue        # a possible number is not enough for a short one: it must be valid (see below)
            found.setdefault((match.start, match.end), region_code_for_number(match.number) or region)
    return tuple((start, end, region) for (start, end), region in sorted(found.items()))


def plain_numbers_in(run: str, regions: tuple) -> tuple:
    """Without evidence: the whole run, else (two numbers side by side, "92101 619-696-6966") the part before
    or after one of its spaces, when it has 7 digits or more, is one valid number of a region and is grouped
    the way that region groups its numbers. Parts that overlap are a row of a table ("261 261 302 824"
    holds two Portuguese numbers), not numbers side by side: none is taken."""
    region = _plain_number_region(run, regions)
    if region:
        return ((0, len(run), region),)
    found = []
    for space in (match.start() for match in _SPACE.finditer(run)):
        for start, end in ((0, space), (space + 1, len(run))):
            part = run[start:end]
            if len(_DIGITS.findall(part)) >= MIN_DIGITS_WITHOUT_EVIDENCE and (region := _plain_number_region(
                    part, regions)):
                found.append((start, end, region))
    found = sorted(set(found))
    if any(later[0] < earlier[1] for earlier, later in zip(found, found[1:])):
        return ()
    return tuple(found)


def _plain_number_region(number: str, regions: tuple):
    """The region of which `number`, as a whole, is a valid number grouped as the region groups it; or None."""
    for region in regions:
        try:
            valid = is_valid_number(parse(number, region))
        except NumberParseException:
            continue
        if valid and any(match.start == 0 and match.end == len(number) for match in
                         PhoneNumberMatcher(number, region, leniency=Leniency.STRICT_GROUPING)):
            return region
    return None


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
    if evidence != NO_EVIDENCE and (_INTERNATIONAL.match(number) or _AREA_CODE.match(number) or
                                    phone_word_near(text, start, end)):
        return None
    return shape_without_evidence(number)


def shape_without_evidence(number: str):
    """Why a number with no evidence around it is not taken for a telephone number (None: it is)."""
    plain = _EXTENSION.sub("", number)
    groups = _DIGIT_GROUPS.findall(plain)
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
    if sum(1 for group in groups if len(group) == 1) >= 2:
        return "a list of digits"
    return None


def _is_range(first: str, second: str) -> bool:
    return len(first) == len(second) and 2 <= len(first) <= 5 and int(second) > int(first)
