import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.document import Document, Drop
from filters.pii.pii_filter import PiiConfig, PiiDetector, PiiFilter
from filters.pii.spans import Span, redact, resolve_overlaps

KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\n" \
      "aFDrBz9vFqU4yutx5YJpkvvt+0mTo8mH2JbnlhUCgYEA7Vl8LkhHBw==\n-----END RSA PRIVATE KEY-----"


@pytest.fixture(scope="module")
def detector():
    return PiiDetector(PiiConfig())


def test_the_engine_needs_no_spacy_model(detector):
    assert type(detector.analyzer.nlp_engine).__name__ == "NoOpNlpEngine"


def test_typed_placeholders_and_counts(detector):
    text = ("Write to anna.berg@example.org or call (212) 555-0198. Card 4111 1111 1111 1111, "
            "IBAN DE89 3704 0044 0532 0130 00, server 192.168.1.20.")
    doc = PiiFilter(PiiConfig(), detector)(Document("d", text, "s", annotations={"lang": "en"}))
    assert doc.text == ("Write to <EMAIL_ADDRESS> or call <PHONE_NUMBER>. Card <CREDIT_CARD>, "
                        "IBAN <IBAN_CODE>, server <IP_ADDRESS>.")
    found = {"EMAIL_ADDRESS": 1, "PHONE_NUMBER": 1, "CREDIT_CARD": 1, "IBAN_CODE": 1, "IP_ADDRESS": 1}
    # every entity looked for has a count, 0 when none was found: a stored 0 differs from "not looked for"
    assert doc.annotations["pii"] == {**dict.fromkeys(detector.entities_for("en"), 0), **found}


def test_checksums_keep_lookalikes(detector):
    assert detector.spans("Order 4111 1111 1111 1112 shipped.") == []          # fails Luhn
    assert detector.spans("Code DE00 3704 0044 0532 0130 00 here.") == []      # fails the IBAN checksum


@pytest.mark.parametrize("text, entity", [
    ("aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "AWS_ACCESS_KEY"),
    (f"key:\n{KEY}\nend", "PRIVATE_KEY"),
    ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcDEF123", "BEARER_TOKEN"),
    ("clone https://deploy:s3cr3tpass@git.example.com/repo.git", "URL_PASSWORD"),
    ("token ghp_16C7e42F292c6912E7710c838347Ae178B4a here", "API_TOKEN"),
])
def test_secrets(detector, text, entity):
    assert entity in {span.entity for span in detector.spans(text)}


def test_english_only_recognizers_follow_the_language(detector):
    text = "His SSN is 536-22-8726 and that is private."
    assert "US_SSN" in {s.entity for s in detector.spans(text, "en")}
    assert "US_SSN" not in {s.entity for s in detector.spans(text, "de")}


def test_overlapping_detections_become_one_placeholder():
    # Never a part of a number left beside a placeholder: overlaps merge, typed by the best detection.
    spans = [Span(0, 10, "A", 0.5), Span(5, 20, "B", 0.9), Span(18, 30, "C", 0.9), Span(32, 34, "D", 0.4)]
    assert resolve_overlaps(spans) == [Span(0, 30, "B", 0.9), Span(32, 34, "D", 0.4)]
    assert resolve_overlaps([Span(0, 4, "A", 0.8), Span(0, 9, "B", 0.8)]) == [Span(0, 9, "B", 0.8)]
    assert resolve_overlaps([Span(0, 4, "A", 0.8), Span(4, 9, "B", 0.8)]) == [Span(0, 4, "A", 0.8),
                                                                              Span(4, 9, "B", 0.8)]
    assert redact("hello world", [Span(6, 11, "X", 1.0)]) == "hello <X>"


def test_drop_mode_by_density(detector):
    config = PiiConfig(mode="drop", max_density=0.2)
    dense = PiiFilter(config, detector)(Document("d", "a@b.co c@d.co e@f.co", "s"))
    assert isinstance(dense, Drop) and dense.reason == "pii_density"
    sparse = "Some long text without much personal data in it at all, just one address x@y.co."
    assert isinstance(PiiFilter(config, detector)(Document("d", sparse, "s")), Document)


def test_pieces_are_bounded_and_cut_at_whitespace():
    from filters.pii.time_bound import PIECE_CHARS, pieces
    text = ("word " * 3000 + "x" * 20_000 + " tail") * 2
    cut = pieces(text)
    assert cut[0][0] == 0 and cut[-1][1] == len(text)
    assert all(end - start <= PIECE_CHARS for start, end in cut)
    assert all(a[1] == b[0] for a, b in zip(cut, cut[1:]))
    assert text[cut[0][1] - 1].isspace()                  # the first cut falls at whitespace
    assert pieces("short") == [(0, 5)]


def test_a_cut_falls_at_a_line_break_or_between_words_never_inside_a_number_or_a_key(detector):
    from filters.pii.time_bound import PIECE_CHARS, pieces
    words = "lorem ipsum " * (PIECE_CHARS // 12)
    phone = "+44 20 7946 0018"
    text = words[:PIECE_CHARS - len(" Call +44 20 7946 ")] + " Call " + phone + " or write" + words[:2000]
    assert text.index(phone) < PIECE_CHARS < text.index(phone) + len(phone)   # the piece's end inside the number
    assert all(not text[a:b].endswith("7946 ") for a, b in pieces(text))
    assert [(text[s.start:s.end], s.entity) for s in detector.spans(text)] == [(phone, "PHONE_NUMBER")]
    key = "-----BEGIN PRIVATE KEY-----\n" + "QUJDREVGR0g=\n" * 400 + "-----END PRIVATE KEY-----"
    keyed = words[:PIECE_CHARS - 100] + key + " after"
    assert [keyed[s.start:s.end] for s in detector.spans(keyed)] == [key]
    assert any(keyed.startswith("-----BEGIN", start) for start, _ in pieces(keyed))


@pytest.mark.parametrize("head, unit, repeats, tail", [
    ("", "1234567890 ", 5000, ""), ("", "x@y.com ", 3000, ""), ("", "deadbeef", 200_000, ""),
    ("", "QUJDREVGR0g=", 100_000, ""), ("", "مرحبا بالعالم mail@example.com שלום ", 100, ""), ("", "", 1, ""),
    ("", "a-", 50_000, "@example.com"), ("1", "-1", 100_000, "")])
def test_pathological_documents_take_time_in_proportion_to_their_length(detector, head, unit, repeats, tail):
    """Four times the text costs at most about four times the time: a pattern that backtracks over the
    whole text would cost sixteen. A ratio, not a bound in seconds, which a slower or busier machine
    broke (8.2 s for the base64 text against a 5 s bound)."""
    def seconds(count: int) -> float:
        start = time.perf_counter()
        result = PiiFilter(PiiConfig(), detector)(Document("d", head + unit * count + tail, "s"))
        assert isinstance(result, (Document, Drop))
        return time.perf_counter() - start
    small = min(seconds(max(1, repeats // 4)) for _ in range(2))
    assert seconds(repeats) < 8 * small + 0.5


@pytest.mark.parametrize("text, reason", [
    ("1234-5678-" * 100_000, "digits in characters 0-10000"),                      # a dump of numbers
    ("".join(f"Name {n}: 0{n % 700 + 200} 555 {n % 9000 + 1000}\n" for n in range(2000)), "telephone-number"),
])
def test_dumps_are_dropped_before_any_analysis(detector, text, reason):
    start = time.perf_counter()
    result = PiiFilter(PiiConfig(), detector)(Document("d", text, "s"))
    assert isinstance(result, Drop) and result.reason == "pii_too_many_candidates" and reason in result.detail
    assert time.perf_counter() - start < 1


@pytest.mark.parametrize("text, entity", [
    ("Paid with 2713 0364 2621 2997 today.", "CREDIT_CARD"),            # Mastercard 2-series
    ("Maestro 584137319565 on file.", "CREDIT_CARD"),                   # 12 digits
    ("Maestro 5841 3731 9565 on file.", "CREDIT_CARD"),                 # 4-4-4: the shortest run of groups
    ("Amex 3714 496353 98431 on file.", "CREDIT_CARD"),                 # 4-6-5
    ("Please transfer the fee to ES8560129040154796669725 this week.", "IBAN_CODE"),
    ("IBAN: NL91 ABNA 0417 1643 00 for donations.", "IBAN_CODE"),
    ("iban gb50mvfc38361978683032 in lower case", "IBAN_CODE"),
    ("IBAN BE68 5390 0754 7034 BIC GEBABEBB", "IBAN_CODE"),            # a short word after the last group
])
def test_checksum_recognizers_catch_what_presidio_misses(detector, text, entity):
    assert entity in {span.entity for span in detector.spans(text)}


@pytest.mark.parametrize("text", [
    "Call 713-654-0365 800-553-3119 x365 now",                           # two phone numbers (Luhn-valid joined)
    "San Diego, CA 92101 619-696-6966",                                  # a ZIP code and a phone number
    "lines 1003 1004 1005 1006 1007 1008",                               # a list of four-digit numbers
    "ISBN 9780240522043",                                                # an ISBN-13: no card network
    "Bar code 31223125214735",                                           # a library barcode
    "www.facebook.com/pages/p/388213067901331",                          # an id in a URL
    "license number U62928788557186",                                    # glued to a letter
    "Order 4111 1111 1111 1112 shipped.",                                # fails Luhn
])
def test_what_is_not_a_card(detector, text):
    assert "CREDIT_CARD" not in {span.entity for span in detector.spans(text, "en")}


def test_iban_lengths_are_the_countries_own(detector):
    from stdnum import iban
    belgian, polish = (country + iban.calc_check_digits(country + "00" + account) + account
                       for country, account in (("BE", "539007547034"), ("PL", "109010140000071219812874")))
    assert iban.is_valid(belgian, check_country=False) and iban.is_valid(polish, check_country=False)
    grouped = [" ".join(number[i:i + 4] for i in range(0, len(number), 4)) for number in (belgian, polish)]
    text = " ".join(grouped)                                             # two IBANs side by side
    assert [text[s.start:s.end] for s in detector.spans(text)] == grouped


def test_issuers_and_lengths():
    from filters.pii.checksum_recognizers import issued_by_a_network
    assert issued_by_a_network("4111111111111111") and issued_by_a_network("371449635398431")
    assert not issued_by_a_network("9780240522043") and not issued_by_a_network("37144963539843")


def _dump_block_by_definition(text: str, max_candidates: int):
    """The first block in which more than max_candidates runs pass run_evidence: the bound as the module
    defines it, every run read (time_bound.py reads only the runs of blocks with enough of them)."""
    import collections
    from filters.pii.phone_evidence import RUN, run_evidence
    from filters.pii.time_bound import BLOCK_CHARS
    per_block = collections.Counter()
    for run in RUN.finditer(text):
        if run_evidence(text, run.start(), run.end()) is not None:
            per_block[run.start() // BLOCK_CHARS] += 1
            if per_block[run.start() // BLOCK_CHARS] > max_candidates:
                return run.start() // BLOCK_CHARS
    return None


_PHONE_TEXT_PARTS = ["Tel. ", "call ", "+44 20 7946 0958", "(212) 555-0199", "030 1234 5678", "1999", "12.5",
                     "ISBN 978-3-16-148410-0", " ", "\n", "words here ", "2021-03-04", "x", "#", "-", "555 0100 "]


@given(st.lists(st.sampled_from(_PHONE_TEXT_PARTS), max_size=300), st.integers(1, 6),
       st.integers(0, 9_990))
@settings(max_examples=300, deadline=None)
def test_the_candidate_bound_names_the_block_its_definition_names(parts, max_candidates, padding):
    from filters.pii.time_bound import BLOCK_CHARS, dump_reason
    text = "a " * (padding // 2) + "".join(parts) * 3        # runs on both sides of a block's edge
    block = _dump_block_by_definition(text, max_candidates)
    reason = dump_reason(text, max_candidates)
    if block is None:
        assert reason is None
    else:
        assert reason == (f"> {max_candidates} telephone-number candidates in characters "
                          f"{block * BLOCK_CHARS}-{(block + 1) * BLOCK_CHARS}")
