"""Telephone numbers: what the context-reading recognizer takes for one, and what it does not."""
import ast
import pathlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from filters.pii.engine import LANGUAGE, PHONE_REGIONS
from filters.pii.phone import ContextPhoneRecognizer
from filters.pii.phone_evidence import phone_verdict, run_evidence, shape_without_evidence
from filters.pii.pii_filter import PiiConfig, PiiDetector
from filters.pii.spans import redact

PII_PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "filters" / "pii"


@pytest.fixture(scope="module")
def recognizer():
    return ContextPhoneRecognizer(supported_language=LANGUAGE, supported_regions=PHONE_REGIONS)


@pytest.fixture(scope="module")
def detector():
    return PiiDetector(PiiConfig())


def _found(recognizer, text):
    return [text[r.start:r.end] for r in recognizer.analyze(text, ["PHONE_NUMBER"])]


@pytest.mark.parametrize("text, number", [
    ("Get a Quote or call for a quote at 330-788-8771", "330-788-8771"),
    ("Telefon: +49 561 9804848\nE-Mail: karriere@example.net", "+49 561 9804848"),
    ("Arms Keyboard, from Workplace Designs ((612) 439-4474), addresses", "(612) 439-4474"),
    ("Carrer Cervantes, 16 · 17200 Palafrugell\n972 613 100 · ajuntament", "972 613 100"),      # grouped as in Spain
    ("客服电话：0571-4219290 客服邮箱", "0571-4219290"),
    ("Tel:\n1-866-482-7474\nFax:", "1-866-482-7474"),
    ("Tel. 0228 12345 oder", "0228 12345"),                                  # short, but named
    ("Rue de Treves 61 Brussels Tel: +32 (0)2 790 75 75 Fax:", "+32 (0)2 790 75 75"),
    ("You can call +55 89 8885-3933 on weekdays.", "+55 89 8885-3933"),     # named: any possible number
    ("Telefonnummer: 07424 / 958956", "07424 / 958956"),
    ("tel:+15417543010", "+15417543010"),                                    # a tel: link
    ("Faker's +49 (0) 1363 776233 on file", "+49 (0) 1363 776233"),          # with its country code
])
def test_telephone_numbers_are_found(recognizer, text, number):
    assert number in _found(recognizer, text)


@pytest.mark.parametrize("text", [
    "see https://arxiv.org/abs/0704.3116 for the proof",                    # inside a URL
    "https://math.stackexchange.com/questions/1234567/why",
    "www.flickr.com/photos/12345678@N00/2345678901",
    "write to 4155550199@example.com",                                      # an e-mail local part
    "Interconnect 02-05-02.doc",                                            # a file name
    "AGQ_20190112_133200.mp4",
    "Old Biloxi, in 1699, and moving Company 1691",                         # years
    "lake 1500' deep",                                                      # a quantity
    "ISBN 1-84576-0972, p. 23",                                             # an ISBN
    "DOI:10.3321/j.issn:0258-8013.2009.36.015",
    "(OCoLC)936178946",
    "posted 09-08-2013, 07:32 AM",                                          # dates
    "Tumiany, 24-26.02.2017 r.",
    "Coordinates 49.807878 -97.129961",                                     # decimals
    "Nanotoxicology, 5(3), 14480-14486, 2011",                              # a page range
    "(06 Jul 0700-1700);",                                                  # a time range
    "Lamont 93241-1413",                                                    # a ZIP+4 code
    "England 48 49 43 140",                                                 # a row of a table
    "Plan du cours 1 2 3 4 5 6 7 8 9 10",
    "Bar code 31223125214735",                                              # a long id without separators
    "@14026 12 months ago, see #16453",
    "University of Michigan Ann Arbor, 48109 2006, All rights reserved",    # a ZIP code and a year
    "PHYSICAL REVIEW B 68, 035326 2003 Two-dimensional",                    # an article number and a year
])
def test_numbers_that_are_not_telephone_numbers(recognizer, text):
    assert _found(recognizer, text) == []


def test_short_numbers_need_a_telephone_word(recognizer):
    assert _found(recognizer, "Kurzwahl 1642 im Haus") == []
    assert _found(recognizer, "Tel. 1642 im Haus") == ["1642"]               # a valid German number, named
    assert _found(recognizer, "Zimmer 0228 23") == []                        # no telephone word
    assert _found(recognizer, "Tel: 0228 23") == ["0228 23"]


def test_the_evidence_decides_how_lenient_phonenumbers_is():
    from filters.pii.phone_evidence import NAMED_A_PHONE, NO_EVIDENCE, WRITTEN_LIKE_A_PHONE
    text = "call 0228 123456; +49 228 123456; 0228 123456; 2019; 1234567890123456789012345678901234"
    positions = {"call": text.index("0228"), "plus": text.index("+49"), "bare": text.rindex("0228 123456")}
    assert run_evidence(text, positions["call"], positions["call"] + 11) == NAMED_A_PHONE
    assert run_evidence(text, positions["plus"], positions["plus"] + 14) == WRITTEN_LIKE_A_PHONE
    assert run_evidence(text, positions["bare"], positions["bare"] + 11) == NO_EVIDENCE
    assert run_evidence(text, text.index("2019"), text.index("2019") + 4) is None           # too short
    assert run_evidence(text, text.index("1234"), len(text)) is None                        # a list


@pytest.mark.parametrize("number, reason", [
    ("1699", "fewer than 7 digits"), ("2813882583", "no separators"), ("43.19289", "a decimal number"),
    ("2011. 513-542", "a decimal number"), ("14480-14486", "a range"), ("93241-1413", "a ZIP+4 code"),
    ("0 38 41 7 93", "a list of digits"), ("330-788-8771", None), ("833.719.3994x1887", None),
])
def test_shapes_without_evidence(number, reason):
    assert shape_without_evidence(number) == reason


def test_the_verdict_reads_the_text_around(detector):
    text = "see 0228-123456.pdf and recept.1487600435.txt, or ISBN 0-306-40615-2"
    assert phone_verdict(text, 4, 15, 0) == "part of a longer token"
    start = text.index("0-306")
    assert phone_verdict(text, start, start + 13, 0) == "after an identifier label"


@pytest.mark.parametrize("text, expected", [
    # The cases of issue 15: a card made of two phone numbers, or of a ZIP code and a phone number.
    ("Call 713-654-0365 800-553-3119 x365 now", "Call <PHONE_NUMBER> <PHONE_NUMBER> now"),
    ("San Diego, CA 92101 619-696-6966", "San Diego, CA 92101 <PHONE_NUMBER>"),
    ("Call 1-416-971-5004 now", "Call <PHONE_NUMBER> now"),                  # was <UK_NHS> after "1-"
])
def test_the_issue_cases_are_redacted_whole(detector, text, expected):
    assert redact(text, detector.spans(text, "en")) == expected


def test_only_public_phonenumbers_names():
    # phonenumbers is not pinned: tokenmill must not depend on its private names.
    for path in PII_PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("phonenumbers"):
                assert node.module.count("._") == 0 and all(not a.name.startswith("_") for a in node.names), path
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                root = node.value
                while isinstance(root, ast.Attribute):
                    root = root.value
                assert not (isinstance(root, ast.Name) and root.id.startswith("phonenumber")), (path, node.attr)


def test_no_number_type_of_any_region_lists_a_length_below_the_runs_skipped():
    # phonenumbers checks a number's length against its type's possible lengths (its region's general ones
    # when the type lists none): read every type of every region here, not the union the bound is taken from
    from filters.pii.phone import every_region_metadata, shortest_valid_number
    shortest, regions = shortest_valid_number(), every_region_metadata()
    types = ("general_desc", "fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost", "personal_number",
             "voip", "pager", "uan", "voicemail")
    listed = [length for metadata in regions for name in types if getattr(metadata, name) is not None
              for length in getattr(metadata, name).possible_length]
    assert shortest >= 2 and min(listed) >= shortest
    assert all(metadata.general_desc.possible_length for metadata in regions)     # else any length is possible


def test_the_bound_is_tight_a_named_number_of_that_length_is_found(recognizer):
    from filters.pii.phone import shortest_valid_number
    shortest = shortest_valid_number()
    # four digits (Austria and Germany have numbers this short); a phonenumbers release with shorter ones
    # fails here, so that this test and the docs are read again
    text = "Tel. 1642"
    assert shortest == 4 and _found(recognizer, text) == ["1642"]
    one_more = ContextPhoneRecognizer(supported_language=LANGUAGE, supported_regions=PHONE_REGIONS,
                                      shortest=shortest + 1)
    assert _found(one_more, text) == []


_PHONE_PIECES = ["Tel: ", "call ", "Telefon ", "+", "+49 ", "(0)", "(612) ", "00", "011 ", " ext 12", " x5",
                 "#3", "-", " ", ".", "/", "\n", "ISBN ", "http://a.b/", "2006", "1", "12", "123", "7", "98",
                 "4474", "788", "8771", "556", "office", "extn 2", "FLOWERS", "1-800-", "\u0663\u0664", "\uff11"]


@given(pieces=st.lists(st.sampled_from(_PHONE_PIECES), max_size=14))
@settings(max_examples=600, deadline=None)
def test_skipping_short_runs_changes_no_result(recognizer, pieces):
    # runs with fewer digits and letters than any valid number are skipped before their context is read;
    # looking at every run (shortest=0) must give the same numbers
    text = "".join(pieces)
    every_run = ContextPhoneRecognizer(supported_language=LANGUAGE, supported_regions=PHONE_REGIONS, shortest=0)
    assert _found(recognizer, text) == _found(every_run, text)
