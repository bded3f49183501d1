"""The PII detector's speed against an earlier checkout's, and that the two give the same spans.

    taskset -c 0 python bench/pii_speed.py --base DIR [--mb 6] [--rounds 5]

DIR is a checkout of an earlier commit (`git worktree add DIR COMMIT`). The
texts are bench/end_to_end.py's corpus (dolma's real Common Crawl pages, their
paragraphs recombined), built to --mb. Each round runs the detector (every
default entity, each document as English, so that the US and UK entities are
looked for too) once with DIR's code and once with this checkout's, each in a
fresh process after one untimed document, in alternation; the figures are
medians. Every document's spans must be equal both ways, or the script fails.
Writes bench/out/pii_speed.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))

from end_to_end import mixed_corpus  # noqa: E402
from measure import write_json  # noqa: E402
from pii_prechecks import timed_spans  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "out", "pii_speed.json")


def detect(texts_path: str, spans_path: str) -> None:
    """In a child whose path starts with the tree measured: time the spans of every text."""
    from filters.pii.pii_filter import PiiConfig, PiiDetector
    with open(texts_path, encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle]
    detector = PiiDetector(PiiConfig())
    detector.spans(texts[0], "en")
    seconds, spans = timed_spans(detector, texts)
    with open(spans_path, "w") as handle:
        json.dump({"seconds": seconds, "spans": [[[span.start, span.end, span.entity, span.score]
                                                  for span in found] for found in spans]}, handle)


def timed_in(tree: str, texts_path: str, work: str) -> tuple:
    spans_path = os.path.join(work, "spans.json")
    environment = {**os.environ, "PYTHONPATH": tree}
    subprocess.run([sys.executable, os.path.abspath(__file__), "--child", texts_path, spans_path],
                   env=environment, check=True, cwd=tree)
    with open(spans_path) as handle:
        found = json.load(handle)
    return found["seconds"], found["spans"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", help="a checkout of the earlier commit")
    parser.add_argument("--mb", type=float, default=6.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return detect(*args.child)
    if not args.base:
        parser.error("--base DIR is required")
    trees = {"base": os.path.abspath(args.base), "this": ROOT}
    with tempfile.TemporaryDirectory() as work:
        texts_path = os.path.join(work, "corpus.jsonl")
        corpus = mixed_corpus(args.mb, texts_path)
        seconds = {name: [] for name in trees}
        for _ in range(args.rounds):
            for name, tree in trees.items():
                elapsed, spans = timed_in(tree, texts_path, work)
                seconds[name].append(round(elapsed, 3))
                if name == "base":
                    reference = spans
                elif spans != reference:
                    raise SystemExit("this checkout's spans differ from the base's on some document")
    medians = {name: statistics.median(times) for name, times in seconds.items()}
    result = {"documents": corpus["documents"], "mb": round(corpus["mb"], 3), "rounds": args.rounds,
              "base": trees["base"], "spans": sum(map(len, reference)), "spans_identical": True,
              "seconds_base": seconds["base"], "seconds_this": seconds["this"],
              "median_base_s": medians["base"], "median_this_s": medians["this"],
              "mb_per_s_base": corpus["mb"] / medians["base"], "mb_per_s_this": corpus["mb"] / medians["this"],
              "speedup": medians["base"] / medians["this"]}
    write_json(OUT, result)
    print(f"{corpus['documents']} documents, {corpus['mb']:.1f} MB: {medians['base']:.2f} s at the base, "
          f"{medians['this']:.2f} s here ({result['speedup']:.2f}x), identical spans ({result['spans']} in all)")


if __name__ == "__main__":
    main()
