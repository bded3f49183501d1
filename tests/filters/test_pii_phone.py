"""The digit-bounded phone recognizer finds exactly what Presidio's own finds, only sooner."""
import gzip
import json

import pytest
from phonenumbers import PhoneNumberMatcher
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from filters.pii.engine import LANGUAGE, PHONE_REGIONS
from filters.pii.phone import BoundedPhoneNumberMatcher, DigitBoundedPhoneRecognizer
from filters.pii.phone_bounds import could_hold_a_number, international_bound, national_bound
from tests.conftest import shared_data

CRAFTED = [
    "Ruf an: 0228 12345 oder +49 30 1234567.",           # short German numbers
    "Kurzwahl 1642, Zentrale 016405.",                    # German numbers of four and six digits
    "Call (555) 123-4567, or +44 20 7946 0958 from abroad.",
    "Niue: +683 4002; Saint Helena +290 22001; years 1999-2001.",   # very short international numbers
    "Page 12 of 2019, room 4B, tel. 06 12 34 56 78 (FR), ext. 12",
    "Only years here: 1984, 2001 and 2024; prices 12.50 and 9.99.",
    "Dial 011 44 20 7946 0958 or 00 683 4002; ＋44 20 7946 0958; ٠٢٠ ٧٩٤٦ ٠٩٥٨",   # prefixes, Arabic digits
    "Jersey 01534 123456, Guernsey 01481 123456, Isle of Man 01624 123456.",    # regions sharing +44
    "Toronto (416) 555-0199; 1-800-555-0199; date 2019-07-17; id 1234567890123456.",
]


def _spans(recognizer, text):
    return sorted((r.start, r.end, r.score) for r in recognizer.analyze(text, ["PHONE_NUMBER"]))


@pytest.fixture(scope="module")
def recognizers():
    kwargs = {"supported_language": LANGUAGE, "supported_regions": PHONE_REGIONS}
    return PhoneRecognizer(**kwargs), DigitBoundedPhoneRecognizer(**kwargs)


@pytest.mark.parametrize("text", CRAFTED)
def test_same_spans_as_presidio_on_crafted_numbers(recognizers, text):
    presidio, bounded = recognizers
    assert _spans(bounded, text) == _spans(presidio, text)


def test_same_spans_as_presidio_on_real_common_crawl_text(recognizers):
    presidio, bounded = recognizers
    path = shared_data("web/dolma/CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        texts = [json.loads(line)["text"][:6000] for line, _ in zip(handle, range(80))]
    found = 0
    for text in texts:
        expected = _spans(presidio, text)
        assert _spans(bounded, text) == expected
        found += len(expected)
    assert found > 5


def test_the_digit_bounds():
    assert not could_hold_a_number("2019", "US") and not could_hold_a_number("9.99", "DE")
    assert could_hold_a_number("415 555 0199", "US")
    assert international_bound() <= 6 and could_hold_a_number("+683 4002", "US")
    short = "6" * international_bound()             # too short to be written nationally in the US
    assert national_bound("US") > len(short) and not could_hold_a_number(short, "US")
    assert could_hold_a_number("+" + short, "US") and could_hold_a_number("011" + short[3:], "US")
    assert DigitBoundedPhoneRecognizer(supported_language=LANGUAGE, supported_regions=["US"]).analyze(
        "in 1999 and 2004", ["PHONE_NUMBER"]) == []


BUDGET_TEXT = ("Born 1980-01-27, moved 2009-2010; call (416) 555-0199 or 1-800-873-2730. ISBN 978-0-7277-8486-2, "
               "order 11022/0000-0000-5, ref 12610000592044; 12 34 56 78 90 12; 10.200.2.15 at 12:30 2016-11-12 08:15; "
               "Berlin 030 1234567, Paris 01 23 45 67 89, 2017-2022 and 1863-1913. ") * 3


@pytest.mark.parametrize("region", ["US", "DE", "FR"])
def test_same_matches_as_phonenumbers_under_any_retry_budget(region):
    # The shortcuts take the tries they skip off the matcher's budget: where the budget ends,
    # the bounded matcher must stop exactly where phonenumbers' own does, cold or remembered.
    def found(matcher_class, max_tries):
        return [(m.start, m.raw_string) for m in matcher_class(BUDGET_TEXT, region, max_tries=max_tries)]
    for max_tries in list(range(0, 120)) + [65535]:
        expected = found(PhoneNumberMatcher, max_tries)
        assert found(BoundedPhoneNumberMatcher, max_tries) == expected, max_tries
        assert found(BoundedPhoneNumberMatcher, max_tries) == expected, max_tries


def test_number_patterns_never_rule_out_a_valid_number():
    # Every example number phonenumbers ships, written the way each region writes it at home.
    from phonenumbers import PhoneNumberFormat, PhoneNumberType, example_number_for_type, format_number
    from phonenumbers.phonenumberutil import SUPPORTED_REGIONS

    from filters.pii.phone_patterns import might_be_valid
    checked = 0
    for region in sorted(SUPPORTED_REGIONS):
        for kind in vars(PhoneNumberType).values():
            if not isinstance(kind, int) or (number := example_number_for_type(region, kind)) is None:
                continue
            for style in (PhoneNumberFormat.NATIONAL, PhoneNumberFormat.INTERNATIONAL, PhoneNumberFormat.E164):
                assert might_be_valid(format_number(number, style), region), (region, kind, style)
            checked += 1
    assert checked > 1000
    assert not might_be_valid("2016-11-12", "US") and not might_be_valid("1984", "FR")
