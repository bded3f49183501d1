"""Card numbers and IBANs, decided by their checksum and, for cards, by how card numbers are written.

Presidio's card recognizer knows a fixed set of issuer prefixes, so newer ranges
(Mastercard 2-series, JCB 2131/1800, 12-digit Maestro) passed unseen, and its
pattern accepts any grouping of 3-5 digit groups, so two neighbouring numbers
could make one Luhn-valid "card" (`713-654-0365 800` of two phone numbers, `92101
619-696-6966` of a ZIP code and a phone). The card recognizer here reads a card as
a reader does:

- its digits are written whole (12-19 digits) or in a card's own grouping:
  groups of four (4-4-4-4, 4-4-4-4-3, 4-4-4, 4-4-4-1..3), American Express 4-6-5,
  Diners 4-6-4, UATP 4-5-6, with one separator (space or dash) used throughout;
- the number is not one of a list of four-digit numbers: no four-digit group
  with the same separator right before or after it (`1003 1004 1005 1006 1007`);
- its issuer prefix and length are those of a card network (table below), so
  ISBN-13s (978...), library barcodes (31...) and EAN codes of other lengths are
  not cards;
- it passes the Luhn check;
- it is not part of a longer token or inside a URL (`facebook.com/pages/p/388213067901331`, `U62928788557186`).

IBANs are decided by python-stdnum: the country's IBAN length and structure, and
the ISO 13616 mod-97 check (not the national account checks: generated test
IBANs do not pass those). They are written compact or in groups of four, in one
case (upper or lower) throughout; the length per country is what keeps two IBANs
side by side from making one. Presidio's IBAN recognizer is not used: it is
compiled case-insensitively, so its groups of four ran on into the words after
an IBAN (`ES40...8685 this` was one "IBAN"), and a regular expression gives one
match per start, so an IBAN followed by another, or by a short word such as
"BIC", failed its check and was lost.
"""
from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from stdnum import iban, luhn

from filters.anchored_search import DIGIT, matches_from_anchors, search_from_anchor
from filters.pii.number_context import glued, in_link

# Runs of ASCII digit groups joined by one space or dash: where a card could be.
_IBAN_START = re.compile(r"\b(?:[A-Z]{2}|[a-z]{2})\d{2}")
_IBAN_LEAD = 2        # the country letters before the check digits
_GROUP_RUN = re.compile(r"(?<![0-9])[0-9]+(?:[ -][0-9]+)*(?![0-9])")
_GROUPINGS = {(4, 4, 4, 4), (4, 4, 4, 4, 3), (4, 4, 4), (4, 4, 4, 1), (4, 4, 4, 2), (4, 4, 4, 3),
              (4, 6, 5), (4, 6, 4), (4, 5, 6)}
_FIRST_GROUP_LENGTHS = {4, *range(12, 20)}      # a grouped card starts with four digits
_ANY_CARD_LENGTH = tuple(range(12, 20))
# Every card is 12 digits or more, one group or grouped (_GROUPINGS): a shorter run of groups holds none.
_FEWEST_CARD_DIGITS = min(min(_ANY_CARD_LENGTH), min(map(sum, _GROUPINGS)))
# (first digits, lowest, highest, lengths): issuer identification numbers of the card networks.
_ISSUERS = (
    (1, 4, 4, (13, 16, 19)),                                        # Visa
    (2, 51, 55, (16,)), (4, 2221, 2720, (16,)),                     # Mastercard
    (4, 2200, 2204, tuple(range(16, 20))),                          # Mir
    (2, 34, 34, (15,)), (2, 37, 37, (15,)),                         # American Express
    (3, 300, 305, tuple(range(14, 20))), (4, 3095, 3095, tuple(range(14, 20))),
    (2, 36, 36, tuple(range(14, 20))), (2, 38, 39, tuple(range(14, 20))),   # Diners Club
    (2, 35, 35, tuple(range(16, 20))),                              # JCB 3528-3589 (and RuPay 353, 356)
    (4, 2131, 2131, (15,)), (4, 1800, 1800, (15,)),                 # JCB 15 digits
    (1, 1, 1, (15,)),                                               # UATP
    (2, 50, 50, _ANY_CARD_LENGTH), (2, 56, 69, _ANY_CARD_LENGTH),    # Maestro, Discover, UnionPay, RuPay, ...
    (4, 604, 604, _ANY_CARD_LENGTH),                                # Maestro 0604
    (3, 508, 508, (16,)),                                           # RuPay
    (2, 81, 81, tuple(range(16, 20))), (2, 82, 82, (16,)),           # UnionPay, RuPay
    (4, 8600, 8600, (16,)), (4, 9792, 9792, (16,)), (4, 9860, 9860, (16,)),   # Uzcard, Troy, Humo
)


def issued_by_a_network(digits: str) -> bool:
    return any(low <= int(digits[:width]) <= high and len(digits) in lengths
               for width, low, high, lengths in _ISSUERS)


def card_spans(text: str):
    """(start, end) of every card number in the text, by the rules above."""
    for run in matches_from_anchors(_GROUP_RUN, text, DIGIT, 0):
        if run.end() - run.start() < _FEWEST_CARD_DIGITS:    # most runs: years, prices, counts
            continue
        groups = [(match.start(), match.end()) for match in re.finditer(r"[0-9]+", run.group())]
        offset = run.start()
        for first in range(len(groups)):
            if groups[first][1] - groups[first][0] not in _FIRST_GROUP_LENGTHS:
                continue
            for last in range(first, min(first + 5, len(groups))):
                start, end = offset + groups[first][0], offset + groups[last][1]
                if _is_card(text, start, end, groups[first:last + 1], offset, groups, first, last):
                    yield start, end


def _is_card(text, start, end, chosen, offset, groups, first, last) -> bool:
    lengths = tuple(group_end - group_start for group_start, group_end in chosen)
    if len(chosen) == 1:
        if not 12 <= lengths[0] <= 19:
            return False
    else:
        separators = {text[offset + a_end] for (_, a_end) in chosen[:-1]}
        if lengths not in _GROUPINGS or len(separators) != 1:
            return False
        separator = separators.pop()
        if _four_digit_neighbour(text, offset, groups, first - 1, separator, before=True) or \
                _four_digit_neighbour(text, offset, groups, last + 1, separator, before=False):
            return False
    digits = "".join(ch for ch in text[start:end] if ch.isdigit())
    return issued_by_a_network(digits) and luhn.is_valid(digits) and not glued(text, start, end) and \
        not in_link(text, start, end)


def _four_digit_neighbour(text, offset, groups, index, separator, before) -> bool:
    if not 0 <= index < len(groups):
        return False
    group_start, group_end = groups[index]
    between = text[offset + group_end] if before else text[offset + group_start - 1]
    return group_end - group_start == 4 and between == separator


class SpanRecognizer(EntityRecognizer):
    """A recognizer made of a function from a text to the (start, end) of each number it finds, each reported
    at the highest score (a checksum decided it)."""

    def __init__(self, entity: str, find, name: str, supported_language: str = "en"):
        self._find = find
        super().__init__(supported_entities=[entity], supported_language=supported_language, name=name)

    def load(self) -> None:
        pass

    def analyze(self, text, entities, nlp_artifacts=None):
        metadata = {RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id}
        return [RecognizerResult(self.supported_entities[0], start, end, EntityRecognizer.MAX_SCORE,
                                 recognition_metadata=dict(metadata)) for start, end in self._find(text)]


def iban_spans(text: str):
    """(start, end) of every IBAN: from each start (two letters, two digits), every end at a group boundary
    is tried, and the one python-stdnum accepts is the IBAN (so an IBAN followed by another, or by a short
    word such as "BIC", is still found whole)."""
    position = 0
    while (found := search_from_anchor(_IBAN_START, text, position, DIGIT, _IBAN_LEAD)) is not None:
        end = _longest_valid_iban(text, found)
        if end:
            yield found.start(), end
        position = end or found.end()


def _longest_valid_iban(text: str, start_match):
    """The end of the IBAN starting at `start_match`, or None: the compact token, else the longest run of
    groups of four (and one shorter last group) that python-stdnum accepts, in the case the start has."""
    word = "[a-z0-9]" if start_match.group().islower() else "[A-Z0-9]"
    start, position = start_match.start(), start_match.end()
    compact = re.compile(rf"{word}{{11,30}}\b").match(text, position)
    if compact:
        return compact.end() if iban.is_valid(text[start:compact.end()], check_country=False) else None
    groups, valid_end = re.compile(rf" ({word}{{1,4}})\b"), None
    while (group := groups.match(text, position)) is not None:
        position = group.end()
        if iban.is_valid(text[start:position], check_country=False):
            valid_end = position
        if len(group.group(1)) < 4:
            break
    return valid_end


def checksum_recognizers(language: str = "en") -> list:
    return [SpanRecognizer("CREDIT_CARD", card_spans, "CardNumberRecognizer", language),
            SpanRecognizer("IBAN_CODE", iban_spans, "IbanNumberRecognizer", language)]
