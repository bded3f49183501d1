"""Near-dedup at 1x and 10x the benchmark corpus: throughput against datatrove, and memory per worker.

    python bench/dedup_scale.py [--mb 10] [--scales 1,10]

For each scale the corpus of bench/dedup_speed.py (real Common Crawl text
with edited near-duplicate copies) is built at scale x --mb MB, and three
runs are made, one after another:

- `tokenmill run` with only near-dedup on, in-memory runner, one core;
- datatrove's four MinHash stages, one worker, same bands and rows;
- `tokenmill run --workers 2` (the multi-process runner), with the resident
  memory of the runner process and of each worker process sampled.

On one machine the runner process holds every shuffle in memory, so its peak
grows with the corpus; on Dataflow or Flink the shuffle lives outside the
workers. The figure that must stay flat is the worker's.
Writes bench/out/dedup_scale.json.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from dedup_speed import build, datatrove_minhash, kept_count, near_dedup_command  # noqa: E402
from measure import print_table, process_tree_peaks, subprocess_run, write_json  # noqa: E402

from filters.dedup.lsh import PRESETS  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "out", "dedup_scale")


def two_workers(corpus_dir: str, output: str) -> dict:
    """The multi-process runner on two workers: wall time, and the peaks of runner and workers."""
    tree = process_tree_peaks(near_dedup_command(corpus_dir, output, workers=2))
    return {"seconds (2 workers)": tree["seconds"], "runner peak MB (2 workers)": tree["parent_mb"],
            "worker peak MB (2 workers)": tree["largest_child_mb"]}


def memory_at_scale(scale: int, base_mb: float) -> dict:
    """Only the two-worker run: the memory of the runner and of its workers."""
    corpus_dir = os.path.join(OUT, f"corpus-{scale}x")
    rows, mb = build(scale * base_mb, corpus_dir)
    return {"scale": f"{scale}x", "documents": len(rows), "MB": mb,
            **two_workers(corpus_dir, os.path.join(OUT, f"tokenmill-{scale}x-2"))}


def measure_scale(scale: int, base_mb: float) -> dict:
    corpus_dir = os.path.join(OUT, f"corpus-{scale}x")
    rows, mb = build(scale * base_mb, corpus_dir)
    params = PRESETS["fineweb"]
    single = os.path.join(OUT, f"tokenmill-{scale}x-1")
    seconds, rss, _ = subprocess_run(near_dedup_command(corpus_dir, single))
    dt_seconds, dt_rss, theirs = datatrove_minhash(corpus_dir, os.path.join(OUT, f"datatrove-{scale}x"), params)
    multi = os.path.join(OUT, f"tokenmill-{scale}x-2")
    memory = two_workers(corpus_dir, multi)
    if kept_count(multi) != kept_count(single):
        raise RuntimeError(f"1 and 2 workers kept different counts: {kept_count(single)} vs {kept_count(multi)}")
    return {"scale": f"{scale}x", "documents": len(rows), "MB": mb,
            "tokenmill MB/s/core": mb / seconds, "datatrove MB/s/core": mb / dt_seconds,
            "ratio": dt_seconds / seconds, "tokenmill peak MB (1 process)": rss, "datatrove peak MB": dt_rss,
            "runner peak MB (2 workers)": memory["runner peak MB (2 workers)"],
            "worker peak MB (2 workers)": memory["worker peak MB (2 workers)"],
            "kept": kept_count(single), "datatrove kept": theirs["kept"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=10)
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--memory-scales", default="", help="further scales with only the two-worker run")
    args = parser.parse_args()
    table = [measure_scale(int(scale), args.mb) for scale in args.scales.split(",") if scale]
    memory = [memory_at_scale(int(scale), args.mb) for scale in args.memory_scales.split(",") if scale]
    for rows in (table, memory):
        if rows:
            print_table(rows, list(rows[0]))
    write_json(os.path.join(os.path.dirname(OUT), "dedup_scale.json"),
               {"rows": table, "memory_only": memory, "date": time.strftime("%Y-%m-%d")})


if __name__ == "__main__":
    main()
