"""What the PII prechecks (filters/pii/prechecks.py) save, and that they change no span.

    taskset -c 0 python bench/pii_prechecks.py [--mb 5] [--rounds 5]

The texts are bench/end_to_end.py's corpus (dolma's real Common Crawl
pages, their paragraphs recombined), built to --mb. The detector (tokenmill's
analyzer, every default entity, documents as English so the US and UK entities
are looked for too) runs over all of them with the prechecks on and off, in
alternation, --rounds times each; the figures are medians. Every document's
spans must be equal both ways, or the script fails. Writes
bench/out/pii_prechecks.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from end_to_end import mixed_corpus  # noqa: E402
from measure import peak_rss_mb, write_json  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out", "pii_prechecks.json")


def corpus_texts(mb: float) -> list:
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "corpus.jsonl")
        mixed_corpus(mb, path)
        with open(path, encoding="utf-8") as handle:
            return [json.loads(line)["text"] for line in handle]


def timed_spans(detector, texts: list) -> tuple:
    start = time.perf_counter()
    spans = [detector.spans(text, "en") for text in texts]
    return time.perf_counter() - start, spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from filters.pii.pii_filter import PiiConfig, PiiDetector
    texts = corpus_texts(args.mb)
    on = PiiDetector(PiiConfig())
    off = PiiDetector(PiiConfig(), on.analyzer, prechecks=False)
    seconds = {"on": [], "off": []}
    for _ in range(args.rounds):
        for name, detector in (("off", off), ("on", on)):
            elapsed, spans = timed_spans(detector, texts)
            seconds[name].append(round(elapsed, 3))
            if name == "off":
                reference = spans
            elif spans != reference:
                raise SystemExit("the prechecks changed the spans of some document")
    mb = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    result = {
        "documents": len(texts), "mb": round(mb, 3), "rounds": args.rounds,
        "entities_prechecked": sorted(on.prechecks.entities),
        "spans": sum(map(len, reference)), "spans_identical": True,
        "seconds_off": seconds["off"], "seconds_on": seconds["on"],
        "median_off_s": statistics.median(seconds["off"]), "median_on_s": statistics.median(seconds["on"]),
        "mb_per_s_off": mb / statistics.median(seconds["off"]), "mb_per_s_on": mb / statistics.median(seconds["on"]),
        "peak_rss_mb": peak_rss_mb(),
    }
    result["speedup"] = result["median_off_s"] / result["median_on_s"]
    write_json(OUT, result)
    print(f"{len(texts)} documents, {mb:.1f} MB: {result['median_off_s']:.2f} s without the prechecks, "
          f"{result['median_on_s']:.2f} s with them ({result['speedup']:.2f}x), identical spans "
          f"({result['spans']} in all)")


if __name__ == "__main__":
    main()
