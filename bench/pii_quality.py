"""PII: fast path vs whole-document Presidio (agreement and speed), and precision/recall per entity.

    python bench/pii_quality.py

1. Real Common Crawl text (dolma's 697 documents) and the 2,109 sentences of
   presidio-research's generated_large.json: spans found through candidate
   windows vs Presidio on whole documents, with the same recognizers; every
   difference is listed. Speed of both, MB/s per core.
2. Precision, recall and F1 per entity type on generated_large.json (a
   predicted span counts when it overlaps a labelled span of the same type).
Writes bench/out/pii_quality.json.
"""
from __future__ import annotations

import collections
import gzip
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from measure import print_table, write_json  # noqa: E402

from filters.pii.pii_filter import PiiConfig, PiiDetector  # noqa: E402

SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
DOLMA = os.path.join(SHARED, "web", "dolma", "CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz")
GENERATED = os.path.join(SHARED, "pii", "presidio_research", "generated_large.json")
SCORED = ["EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS", "US_SSN"]


def agreement(detector: PiiDetector, texts: list) -> dict:
    timings, differences, agree, union = {True: 0.0, False: 0.0}, [], 0, 0
    for text in texts:
        found = {}
        for fast in (False, True):
            start = time.perf_counter()
            found[fast] = set(detector.spans(text, "en", fast))
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


def precision_recall(detector: PiiDetector, items: list) -> list:
    counts = collections.defaultdict(collections.Counter)
    for item in items:
        gold = [(s["entity_type"], s["start_position"], s["end_position"]) for s in item["spans"]
                if s["entity_type"] in SCORED]
        predicted = [(s.entity, s.start, s.end) for s in detector.spans(item["full_text"], "en")
                     if s.entity in SCORED]
        for entity, start, end in predicted:
            hit = any(g[0] == entity and g[1] < end and start < g[2] for g in gold)
            counts[entity]["tp" if hit else "fp"] += 1
        for entity, start, end in gold:
            if not any(p[0] == entity and p[1] < end and start < p[2] for p in predicted):
                counts[entity]["fn"] += 1
    rows = []
    for entity in SCORED:
        c = counts[entity]
        precision, recall = c["tp"] / max(c["tp"] + c["fp"], 1), c["tp"] / max(c["tp"] + c["fn"], 1)
        rows.append({"entity": entity, "precision": precision, "recall": recall,
                     "f1": 2 * precision * recall / max(precision + recall, 1e-9),
                     "labelled": c["tp"] + c["fn"]})
    return rows


def main() -> None:
    detector = PiiDetector(PiiConfig())
    with gzip.open(DOLMA, "rt", encoding="utf-8") as handle:
        web = [json.loads(line)["text"] for line in handle]
    with open(GENERATED, encoding="utf-8") as handle:
        generated = json.load(handle)
    results = {"common_crawl": agreement(detector, web),
               "generated_large": agreement(detector, [item["full_text"] for item in generated]),
               "per_entity": precision_recall(detector, generated)}
    for name in ("common_crawl", "generated_large"):
        r = results[name]
        print(f"{name}: {r['documents']} documents, {r['mb']:.2f} MB; span agreement {r['agreement']:.4f} "
              f"({r['spans_agreeing']}/{r['spans_total']}); whole {r['whole_mb_s']:.2f} MB/s, "
              f"fast path {r['fast_mb_s']:.2f} MB/s ({r['speedup']:.1f}x)")
        for difference in r["differences"][:10]:
            print(f"   {difference['side']}: {difference['entity']} {difference['text']!r}")
    print_table(results["per_entity"], ["entity", "precision", "recall", "f1", "labelled"])
    write_json(os.path.join(os.path.dirname(__file__), "out", "pii_quality.json"), results)


if __name__ == "__main__":
    main()
