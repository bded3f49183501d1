"""Telephone numbers: phone-shaped runs of digits, read in their context, parsed and validated by phonenumbers.

Stock Presidio runs phonenumbers' matcher over the whole text once per region and
reports every valid number it finds. On web text most of those are not telephone
numbers: dates, coordinates, page ranges, ISBNs, ids in URLs and file names,
years ("in 1699"). This recognizer keeps phonenumbers' parsing and validation
(its public API only: PhoneNumberMatcher, Leniency, parse, is_valid_number) on
the runs that phone_evidence.py lets through, and asks it according to the
evidence around the run: with a telephone word, a possible number is enough;
with a plus sign or an area code in parentheses, Leniency.VALID, as in Presidio;
without evidence, STRICT_GROUPING: the digits must also be grouped the way the
region groups its numbers, which is what tells "972 613 100" from a row of a
table such as "48 49 43 140". Each match is then judged in its context
(phone_evidence.phone_verdict), and a run whose numbers would leave a piece of
the same number beside a placeholder is not redacted at all.
"""
from __future__ import annotations

import re

from phonenumbers import COUNTRY_CODES_FOR_NON_GEO_REGIONS, SUPPORTED_REGIONS, Leniency, NumberParseException, \
    PhoneMetadata, PhoneNumberMatcher, is_valid_number, parse, region_code_for_number
from presidio_analyzer import EntityRecognizer, RecognizerResult

from filters.pii.phone_evidence import DIGIT_GROUPS, DIGITS, MIN_DIGITS_WITHOUT_EVIDENCE, NAMED_A_PHONE, NO_EVIDENCE, \
    WRITTEN_LIKE_A_PHONE, phone_verdict, run_evidence, runs_in

SCORE = 0.4                         # Presidio's PhoneRecognizer score: below a checksum-validated card or IBAN
_SPACE = re.compile(r"[ \u00a0\u2009\u202f]")
_COUNTRY_CODE_PREFIX = re.compile(r"[(（]?[+＋]\s?\d{1,3}[)）]?[\s\-./]*")


class ContextPhoneRecognizer(EntityRecognizer):
    """PHONE_NUMBER from phone-shaped runs judged in context; the explanation names the region that validated it."""

    def __init__(self, supported_language: str = "en", supported_regions=("US",), shortest: int | None = None):
        """`shortest`: runs with fewer digits and letters than this are skipped; by default the shortest
        valid number of any region (shortest_valid_number). 0 looks at every run (what tests compare with)."""
        self.supported_regions = tuple(supported_regions)
        self._shortest = shortest_valid_number() if shortest is None else shortest
        super().__init__(supported_entities=["PHONE_NUMBER"], supported_language=supported_language,
                         name="ContextPhoneRecognizer")

    def load(self) -> None:
        pass

    def analyze(self, text, entities, nlp_artifacts=None):
        results, shortest = [], self._shortest
        for run in runs_in(text):
            if too_short(run.group(), shortest):
                continue
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


def shortest_valid_number() -> int:
    """The fewest digits of a valid national number in any region, non-geographic ones included (4 in
    phonenumbers 9.0): phonenumbers validates a number only at a length its region's metadata lists, and
    every leniency this recognizer asks for (numbers_in) requires a valid number, save POSSIBLE, which
    only runs of 7 digits or more get. A number's digits all come from its run (a country code, a
    national prefix or an extension only takes digits away), so a run with fewer holds none: 70% of the
    runs of real web text (one to three digits), skipped before anything is read around them. The
    letters a run can hold (the extension marks x, ext, extn) are counted too, which only makes fewer
    runs skipped. A region that lists no lengths accepts any: then nothing is skipped."""
    lengths = [metadata.general_desc.possible_length for metadata in every_region_metadata()]
    if not lengths or not all(lengths):
        return 0
    return min(min(listed) for listed in lengths)


def every_region_metadata() -> list:
    """phonenumbers' metadata of every region it knows, non-geographic ones (+800, +882, ...) included."""
    regions = [PhoneMetadata.metadata_for_region(region) for region in SUPPORTED_REGIONS] + \
        [PhoneMetadata.metadata_for_nongeo_region(code) for code in COUNTRY_CODES_FOR_NON_GEO_REGIONS]
    return [metadata for metadata in regions if metadata is not None]


def too_short(run: str, shortest: int) -> bool:
    return len(run) < shortest or sum(map(str.isalnum, run)) < shortest


_LENIENCY = {NO_EVIDENCE: Leniency.STRICT_GROUPING, WRITTEN_LIKE_A_PHONE: Leniency.VALID,
             NAMED_A_PHONE: Leniency.POSSIBLE}



def leaves_whole_numbers(run: str, numbers: list) -> bool:
    """Whether the numbers found leave the rest of their run whole: what is not covered is either nothing
    or, set apart by a space, a number that starts and ends with a group of 5 digits or more (a postal
    code, another number), never a piece of the same number ("2221 <PHONE_NUMBER>" of a card
    "2221 0000 0000 0009"). Nor may a number found end or start, beside the rest, with a group of one
    or two digits hyphenated to it: in "+611800123456-01 234567890" the "01" may as well start the rest."""
    covered = [False] * len(run)
    for start, end in numbers:
        covered[start:end] = [True] * (end - start)
    for rest in re.finditer(r"[^\s]+(?:\s+[^\s]+)*", "".join(" " if c else ch for c, ch in zip(covered, run))):
        piece, before, after = rest.group(), run[rest.start() - 1:rest.start()], run[rest.end():rest.end() + 1]
        if not DIGITS.search(piece):
            continue
        apart = (not before or before.isspace()) and (not after or after.isspace())
        groups = DIGIT_GROUPS.findall(piece)
        if not apart or len(groups[0]) < 5 or len(groups[-1]) < 5:
            return False
        if _SHORT_GROUP_BEFORE.search(run, 0, rest.start()) or _SHORT_GROUP_AFTER.match(run, rest.end()):
            return False
    return True


# A group of one or two digits joined by punctuation to a number found, and by spaces only to the rest.
_SHORT_GROUP_BEFORE = re.compile(r"[^\d\s]\d{1,2}\s+\Z")
_SHORT_GROUP_AFTER = re.compile(r"\s+\d{1,2}[^\d\s]")


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
            if evidence == NAMED_A_PHONE and len(DIGITS.findall(match.raw_string)) < MIN_DIGITS_WITHOUT_EVIDENCE:
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
            if len(DIGITS.findall(part)) >= MIN_DIGITS_WITHOUT_EVIDENCE and _one_separator(part) and (
                    region := _plain_number_region(part, regions)):
                found.append((start, end, region))
    found = sorted(set(found))
    if any(later[0] < earlier[1] for earlier, later in zip(found, found[1:])):
        return ()
    return tuple(found)


def _one_separator(part: str) -> bool:
    """A part of a run taken as a number on its own joins its digit groups with one kind of separator:
    "0800 123 456-0800" of "0800 123 456-0800 123456" is the end of one number and the start of
    the next, and redacting it would leave "123456" of the second beside the placeholder."""
    return len(set(re.findall(r"\D+", part))) <= 1


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
