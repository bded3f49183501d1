"""The per-document stages applied document by document, or a batch at a time, outside Beam.

    python bench/stage_batching.py [--documents 2000] [--repeats 3]

Same stage objects (every stage of the end-to-end benchmark before dedup,
then PII), same documents (the small end-to-end corpus, built by
bench/end_to_end.py), median seconds per stage. Shows what running each
stage over a batch before the next stage starts is worth on its own.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

import end_to_end  # noqa: E402
from measure import print_table  # noqa: E402

from corpus.document import Document, Drop  # noqa: E402
from filters.pii.pii_filter import PiiFilter  # noqa: E402
from pipelines.config import load_config  # noqa: E402
from pipelines.curate import stage_factories  # noqa: E402


def build_stages() -> list:
    config = load_config(None, end_to_end.URL_SETTINGS + end_to_end.DECONTAM, inputs=["unused"], output="unused")
    stages = [(name, factory()) for name, factory in stage_factories(config) if name != "extract"]
    return stages + [("pii", PiiFilter(config.pii))]


def copies(documents: list) -> list:
    return [dataclasses.replace(doc, meta=dict(doc.meta), annotations=dict(doc.annotations)) for doc in documents]


def per_document(stages: list, documents: list) -> dict:
    seconds = dict.fromkeys((name for name, _ in stages), 0.0)
    for doc in documents:
        for name, stage in stages:
            start = time.perf_counter()
            doc = stage(doc)
            seconds[name] += time.perf_counter() - start
            if isinstance(doc, Drop):
                break
    return seconds


def per_batch(stages: list, documents: list, size: int) -> dict:
    seconds = dict.fromkeys((name for name, _ in stages), 0.0)
    for first in range(0, len(documents), size):
        batch = documents[first:first + size]
        for name, stage in stages:
            start = time.perf_counter()
            results = [stage(doc) for doc in batch]
            seconds[name] += time.perf_counter() - start
            batch = [doc for doc in results if not isinstance(doc, Drop)]
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    path = os.path.join(end_to_end.OUT, "small.jsonl")
    if not os.path.exists(path):
        end_to_end.mixed_corpus(5, path, seed=1)
    with open(path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line, _ in zip(handle, range(args.documents))]
    documents = [Document(row["id"], row["text"], "web", url=row["url"]) for row in rows]
    stages = build_stages()
    per_document(stages, copies(documents[:100]))          # models and caches warm
    ways = {"per document": lambda docs: per_document(stages, docs),
            "batches of 64": lambda docs: per_batch(stages, docs, 64),
            "batches of 256": lambda docs: per_batch(stages, docs, 256)}
    runs = {name: [way(copies(documents)) for _ in range(args.repeats)] for name, way in ways.items()}
    table = [{"way": name, **{stage: statistics.median(run[stage] for run in results) for stage, _ in stages},
              "total": statistics.median(sum(run.values()) for run in results)} for name, results in runs.items()]
    mb = sum(len(doc.text.encode()) for doc in documents) / 1e6
    print(f"{len(documents)} documents, {mb:.1f} MB; median seconds of {args.repeats}")
    print_table(table, ["way", *(name for name, _ in stages), "total"])


if __name__ == "__main__":
    main()
