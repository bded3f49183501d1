"""The fast path (candidate scan, entity triggers, direct recognizer calls) finds what whole documents give."""
import gzip
import json

import pytest

from filters.pii.candidates import candidates
from filters.pii.pii_filter import PiiConfig, PiiDetector
from filters.pii.triggers import NECESSARY, entities_present
from tests.conftest import shared_data

FAR = " filler" * 40        # farther from anything else than a window's margin

EDGE_CASES = [
    "Appelez le 01–23–45–67–89 demain." + FAR,                         # en dashes between two-digit groups
    FAR + " Authorization: BEARER abcdefghijklmnopqrstuvwxyz0123" + FAR,  # Presidio's patterns ignore case
    FAR + " key akiaabcdefghijklmnop in lower case" + FAR,
    FAR + " account de44abcdefghijklmnopqr, letters after the check digits" + FAR,
    FAR + " wallet x1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 inside a word" + FAR,
    FAR + " host fe80::abcd:ef01 has no decimal digits" + FAR,
    FAR + " İstanbul office: +90 212 555 0199, mail ayse@example.com.tr" + FAR,   # lower() changes the length
    FAR + " ſ lookalikes: aſia1234567890ABCDEF12 and x@y.co" + FAR,
]


@pytest.fixture(scope="module")
def detector():
    return PiiDetector(PiiConfig())


@pytest.mark.parametrize("text", EDGE_CASES)
def test_fast_path_agrees_on_edge_cases(detector, text):
    assert detector.spans(text, "en", True) == detector.spans(text, "en", False)


def test_the_edge_cases_find_something(detector):
    found = [detector.spans(text, "en", False) for text in EDGE_CASES]
    assert sum(map(bool, found)) >= 5


def test_scan_is_case_insensitive_and_keeps_offsets():
    text = "İİ then BEARER token"
    assert any(text[start:end].lower().startswith("bearer") for start, end in candidates(text))
    assert candidates("plain words only") == []


def _texts():
    texts = list(EDGE_CASES)
    try:
        dolma = shared_data("web/dolma/CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz")
        with gzip.open(dolma, "rt", encoding="utf-8") as handle:
            texts += [json.loads(line)["text"][:20_000] for line, _ in zip(handle, range(120))]
        with open(shared_data("pii/presidio_research/generated_large.json"), encoding="utf-8") as handle:
            texts += [item["full_text"] for item in json.load(handle)[:400]]
    except pytest.skip.Exception:
        pass            # the edge cases alone still test the triggers
    return texts


def test_every_span_holds_its_entity_trigger(detector):
    # A trigger must be a necessary condition: it matches inside every span of its entity.
    checked = 0
    for text in _texts():
        for span in detector.spans(text, "en", False):
            if span.entity in NECESSARY:
                assert entities_present(text[span.start:span.end], [span.entity]), (span, text[span.start:span.end])
                checked += 1
    assert checked >= 5


def test_window_analyzer_matches_the_analyzer_engine(detector):
    entities = detector.entities_for("en")
    for text in _texts()[:200]:
        direct = detector.window_analyzer.analyze(text, entities, detector.config.min_score)
        engine = detector.analyzer.analyze(text=text, language="en", entities=entities,
                                           score_threshold=detector.config.min_score)
        assert sorted((r.start, r.end, r.entity_type, r.score) for r in direct) == \
            sorted((r.start, r.end, r.entity_type, r.score) for r in engine)


def test_recognizers_that_cannot_reach_the_threshold_are_left_out(detector):
    from filters.pii.window_analyzer import can_reach
    by_name = {r.name: r for r in detector.analyzer.registry.recognizers}
    assert not can_reach(by_name["UsPassportRecognizer"], 0.35) and can_reach(by_name["UsPassportRecognizer"], 0.05)
    assert can_reach(by_name["NhsRecognizer"], 0.99)                 # its checksum raises the score to 1.0
    assert can_reach(by_name["DigitBoundedPhoneRecognizer"], 0.99)   # not a pattern recognizer


def test_counting_candidates_stops_early():
    from filters.pii.candidates import count_candidates
    text = "call 555 0199, iban DE44 ABCD, mail a@b.co " * 3
    assert count_candidates(text, 1000) == len(candidates(text)) == 9
    assert count_candidates("4711 " * 1_000_000, 1001) == 1001
