"""Precision on real web text: the redactions a person judged one by one (bench/pii_precision.py).

tests/filters/pii_judged_sample.jsonl holds each judged redaction's span with 48 characters of context either
side, a pointer to its document in ../shared/data and the verdict. The rules read at most 40 characters around
a number (filters/pii/number_context.py), so the detector gives the same verdict on the stored context as on
the whole document; the tests run on the fixture alone, and one check against the documents runs when
../shared/data is there.
"""
import collections
import gzip
import json
import os

import pytest

from filters.pii.number_context import LOOK_AROUND
from filters.pii.pii_filter import PiiConfig, PiiDetector
from tests.conftest import shared_data

FIXTURE = os.path.join(os.path.dirname(__file__), "pii_judged_sample.jsonl")
GOAL = 0.03                          # issue 15: at most 3% of redactions false


@pytest.fixture(scope="module")
def judged():
    with open(FIXTURE, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


@pytest.fixture(scope="module")
def found(judged):
    detector = PiiDetector(PiiConfig())
    result = []
    for item in judged:
        snippet = item["before"] + item["text"] + item["after"]
        start = len(item["before"])
        spans = {(span.start, span.end, span.entity) for span in detector.spans(snippet, item["lang"])}
        result.append((start, start + len(item["text"]), item["entity"]) in spans)
    return result


def test_the_sample_is_large_and_every_redaction_is_judged(judged):
    assert len(judged) >= 300
    assert {item["verdict"] for item in judged} == {"pii", "not_pii"}
    assert all(len(item["before"]) <= 48 and len(item["after"]) <= 48 for item in judged)     # small: no documents
    assert all(item["source"].startswith("web/") and "#" in item["source"] for item in judged)
    assert min(len(item["before"]) for item in judged if item["start"] >= 48) > LOOK_AROUND


def test_every_redaction_judged_right_is_still_made(judged, found):
    missed = [item["text"] for item, made in zip(judged, found) if item["verdict"] == "pii" and not made]
    assert missed == []


def test_false_positives_stay_below_the_goal(judged, found):
    made = collections.Counter(item["verdict"] for item, made in zip(judged, found) if made)
    assert made["not_pii"] / (made["pii"] + made["not_pii"]) <= GOAL
    by_entity = collections.defaultdict(collections.Counter)
    for item, was_made in zip(judged, found):
        if was_made:
            by_entity[item["entity"]][item["verdict"]] += 1
    assert all(counts["not_pii"] / sum(counts.values()) <= GOAL for counts in by_entity.values()), by_entity


def test_the_pointers_lead_to_the_judged_text(judged):
    # The dolma JSONL documents, as the bench reads them (normalised): the stored span and context are there.
    from corpus.normalize import normalize_text
    path = shared_data("web/dolma/CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        texts = [normalize_text(json.loads(line)["text"]) for line in handle]
    name = "web/dolma/CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz#"
    checked = 0
    for item in judged:
        if item["source"].startswith(name):
            text = texts[int(item["source"][len(name):])]
            assert text[item["start"] - len(item["before"]):item["end"] + len(item["after"])] == \
                item["before"] + item["text"] + item["after"]
            checked += 1
    assert checked >= 30
