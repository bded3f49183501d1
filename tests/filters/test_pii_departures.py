"""Where tokenmill's PII detector departs from stock Presidio on purpose, one case per rule (docs/pii.md).

Each case names the rule, a text, what stock Presidio (as shipped: its own recognizers and phone regions, the
same entities and threshold) reports there, and what tokenmill reports. A case that stops differing from
stock Presidio, or whose tokenmill side changes, fails. The cases of WITH_16_REGIONS show with Presidio's
phone recognizer given tokenmill's 16 regions (its 8 default regions find no number there).
"""
import pytest

from filters.pii.engine import PHONE_REGIONS, build_stock_analyzer
from filters.pii.pii_filter import PiiConfig, PiiDetector

DEPARTURES = [
    ("a number inside a URL is not a phone", "see https://arxiv.org/abs/0704.3116 for details",
     [("0704.3116", "PHONE_NUMBER")], []),
    ("a year is not a phone", "Old Biloxi, in 1699, the fort", [("1699", "PHONE_NUMBER")], []),
    ("a date is not a phone", "posted 09-08-2013, 07:32", [("09-08-2013", "PHONE_NUMBER")], []),
    ("coordinates are not a phone", "Coordinates 49.807878 -97.129961",
     [("49.807878 -97.129961", "PHONE_NUMBER")], []),
    ("a US number is a phone, not UK_NHS", "Call 1-416-971-5004 now",
     [("416-971-5004", "UK_NHS")], [("1-416-971-5004", "PHONE_NUMBER")]),
    ("an ISBN is neither UK_NHS nor a phone", "ISBN 0231064632", [("0231064632", "UK_NHS")], []),
    ("the country code belongs to the number", "+49 (0) 1363 776233 on file",
     [("(0) 1363 776233", "PHONE_NUMBER")], [("+49 (0) 1363 776233", "PHONE_NUMBER")]),
    ("a telephone word makes a possible number a phone", "You can call +55 89 8885-3933 on weekdays.",
     [], [("+55 89 8885-3933", "PHONE_NUMBER")]),
    ("an IBAN does not run on into the next word", "Please transfer the fee to ES4075750649356142618685 this week.",
     [("ES4075750649356142618685 this", "IBAN_CODE")], [("ES4075750649356142618685", "IBAN_CODE")]),
    ("card networks Presidio does not know", "Paid with 2713 0364 2621 2997 today.",
     [], [("2713 0364 2621 2997", "CREDIT_CARD")]),
    ("a version number is not an IP address", "Kaspersky Anti-Virus 7.0.0.119", [("7.0.0.119", "IP_ADDRESS")], []),
    ("Fortran's ::a is not an IPv6 address", "integer,intent(in)::a,b", [("::a", "IP_ADDRESS")], []),
    ("a fediverse handle is not an e-mail address", "Via @mhoye@mastodon.social on",
     [("mhoye@mastodon.social", "EMAIL_ADDRESS")], []),
]
WITH_16_REGIONS = [
    ("a date in a file name is not a phone", "Interconnect 02-05-02.doc", [("02-05-02", "PHONE_NUMBER")], []),
    ("a ZIP+4 code is not a phone", "Lamont 93241-1413", [("93241-1413", "PHONE_NUMBER")], []),
    ("an order number is not a phone", "ORDER NO.: 272383-002", [("272383-002", "PHONE_NUMBER")], []),
]
CASES = [case + (None,) for case in DEPARTURES] + [case + (PHONE_REGIONS,) for case in WITH_16_REGIONS]


@pytest.fixture(scope="module")
def detectors():
    return {None: build_stock_analyzer(), PHONE_REGIONS: build_stock_analyzer(PHONE_REGIONS)}, PiiDetector(PiiConfig())


@pytest.mark.parametrize("rule, text, stock_finds, ours, regions", CASES, ids=[case[0] for case in CASES])
def test_departure_from_stock_presidio(detectors, rule, text, stock_finds, ours, regions):
    stocks, detector = detectors
    stock = stocks[regions]
    entities = detector.entities_for("en")
    stock_spans = {(text[r.start:r.end], r.entity_type) for r in stock.analyze(
        text=text, language="en", entities=entities, score_threshold=detector.config.min_score)}
    assert set(stock_finds) <= stock_spans
    assert sorted((text[s.start:s.end], s.entity) for s in detector.spans(text, "en")) == sorted(ours)
    assert set(ours) != stock_spans
