"""Card numbers and IBANs that Presidio's own recognizers miss, found by checksum.

Presidio's card recognizer knows a fixed set of issuer prefixes, so newer
ranges (Mastercard 2-series, JCB 2131/1800, ...) pass unseen, and its IBAN
recognizer missed valid Spanish IBANs inside sentences in the Faker leak
check (bench/pii_leak.py). These recognizers accept any grouping and decide
by the checksum alone: Luhn for 12-19 digit card numbers (Maestro has 12), ISO 13616 mod-97
for IBANs. Presidio compiles patterns case-insensitively, which let an IBAN
pattern run on into the lower-case words after it and fail its checksum;
the IBAN patterns here switch that off with (?-i:...).
"""
from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def iban_valid(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    try:
        return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1
    except ValueError:
        return False


class LuhnCardRecognizer(PatternRecognizer):
    def __init__(self, language: str = "en"):
        super().__init__(supported_entity="CREDIT_CARD", supported_language=language,
                         name="LuhnCardRecognizer",
                         patterns=[Pattern("12-19 digits, any grouping", r"\b\d(?:[ -]?\d){11,18}\b", 0.5)])

    def validate_result(self, pattern_text: str):
        digits = "".join(char for char in pattern_text if char.isdigit())
        return 12 <= len(digits) <= 19 and luhn_valid(digits)


class Mod97IbanRecognizer(PatternRecognizer):
    def __init__(self, language: str = "en"):
        super().__init__(supported_entity="IBAN_CODE", supported_language=language, name="Mod97IbanRecognizer",
                         patterns=[Pattern("compact iban", r"(?-i:\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b)", 0.5),
                                   Pattern("iban in groups of four",
                                           r"(?-i:\b[A-Z]{2}\d{2}(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?\b)", 0.5)])

    def validate_result(self, pattern_text: str):
        return iban_valid(pattern_text.replace(" ", ""))


def checksum_recognizers(language: str = "en") -> list:
    return [LuhnCardRecognizer(language), Mod97IbanRecognizer(language)]
