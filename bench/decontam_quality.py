"""Decontamination recall, false positives and speed with GSM8K and HumanEval loaded.

    python bench/decontam_quality.py [--plants 300]

Items are planted into real Common Crawl documents (dolma): whole (as the
page), with small edits (one word in every k replaced), and embedded in the
middle of a long real document. Recall is the share of planted documents
dropped; the false-positive rate is the share of the untouched real documents
dropped. Speed is the Decontaminator callable on the real documents, per core.
Writes bench/out/decontam_quality.json.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from measure import print_table, write_json  # noqa: E402

from corpus.document import Document, Drop  # noqa: E402
from corpus.normalize import normalize_text  # noqa: E402
from filters.decontam import DecontamConfig, Decontaminator, NgramIndex, word_ngrams, iter_items  # noqa: E402

SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
DOLMA = os.path.join(SHARED, "web", "dolma", "CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz")
BENCHMARKS = [("gsm8k", os.path.join(SHARED, "decontam", "gsm8k", "test.jsonl"), ["question", "answer"]),
              ("humaneval", os.path.join(SHARED, "decontam", "humaneval", "HumanEval.jsonl.gz"),
               ["prompt", "canonical_solution"])]


def load_benchmarks() -> tuple:
    entries, texts = [], []
    for number, (name, path, fields) in enumerate(BENCHMARKS):
        with open(path, "rb") as handle:
            for item, text in iter_items(handle, path, fields):
                entries.append((number, item, word_ngrams(text, 13)))
                texts.append((name, text))
    return NgramIndex.build(entries, [name for name, _, _ in BENCHMARKS]), texts


def edit_every(rng: random.Random, text: str, k: int) -> str:
    words = text.split(" ")
    for position in range(rng.randrange(k), len(words), k):
        words[position] = "edited"
    return " ".join(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plants", type=int, default=300)
    args = parser.parse_args()
    start = time.perf_counter()
    index, items = load_benchmarks()
    build_seconds = time.perf_counter() - start
    decontaminate = Decontaminator(DecontamConfig(), index)
    with gzip.open(DOLMA, "rt", encoding="utf-8") as handle:
        real = [normalize_text(json.loads(line)["text"]) for line in handle]
    rng = random.Random(0)
    chosen = rng.sample(items, args.plants)
    long_docs = [text for text in real if len(text) > 3000]
    plantings = {
        "whole item as the page": [text for _, text in chosen],
        "one word in 20 replaced": [edit_every(rng, text, 20) for _, text in chosen],
        "one word in 8 replaced": [edit_every(rng, text, 8) for _, text in chosen],
        "embedded in a long real page": [
            (lambda page: page[: len(page) // 2] + "\n" + text + "\n" + page[len(page) // 2:])(rng.choice(long_docs))
            for _, text in chosen],
    }
    rows = []
    for name, texts in plantings.items():
        dropped = sum(isinstance(decontaminate(Document("p", text, "bench")), Drop) for text in texts)
        rows.append({"planting": name, "documents": len(texts), "recall": dropped / len(texts)})
    false_positives = [text[:80] for text in real if isinstance(decontaminate(Document("r", text, "bench")), Drop)]
    mb = sum(len(text.encode()) for text in real) / 1e6
    times = []
    for _ in range(5):
        start = time.perf_counter()
        for text in real:
            decontaminate(Document("r", text, "bench"))
        times.append(time.perf_counter() - start)
    speed = mb / statistics.median(times)
    print(f"index: {len(index.hashes):,} 13-grams from {len(items)} items, {index.nbytes / 1e6:.1f} MB, "
          f"built in {build_seconds:.2f} s")
    print_table(rows, ["planting", "documents", "recall"])
    print(f"false positives on {len(real)} real documents: {len(false_positives)} "
          f"({len(false_positives) / len(real):.4f})")
    print(f"speed: {speed:.1f} MB/s per core on {mb:.1f} MB of real text")
    write_json(os.path.join(os.path.dirname(__file__), "out", "decontam_quality.json"),
               {"ngrams": int(len(index.hashes)), "index_mb": index.nbytes / 1e6, "recall": rows,
                "false_positives": len(false_positives), "real_documents": len(real),
                "false_positive_examples": false_positives[:5], "mb_per_s": speed})


if __name__ == "__main__":
    main()
