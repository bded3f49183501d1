"""The fast path (candidate scan, windows, bounded pieces) finds what the same detector finds on whole documents."""
import gzip
import json

import pytest

from filters.pii.candidates import PIECE_CHARS, candidates, pieces
from filters.pii.pii_filter import PiiConfig, PiiDetector
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
            texts += [json.loads(line)["text"] for line, _ in zip(handle, range(300))]
    except pytest.skip.Exception:
        pass            # the edge cases alone still test the windows
    return texts


def test_fast_path_agrees_on_real_text(detector):
    for text in _texts():
        assert detector.spans(text, "en", True) == detector.spans(text, "en", False)


def test_pieces_are_bounded_and_cut_at_whitespace():
    text = ("word " * 3000 + "x" * 20_000 + " tail") * 2
    cut = pieces(text, 0, len(text))
    assert cut[0][0] == 0 and cut[-1][1] == len(text)
    assert all(end - start <= PIECE_CHARS for start, end in cut)
    assert all(a[1] == b[0] for a, b in zip(cut, cut[1:]))
    assert text[cut[0][1] - 1].isspace()                  # the first cut falls at whitespace
