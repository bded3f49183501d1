"""Connected components of near-dedup: union-find on one worker against the star rounds, by edge count.

    python bench/components_scale.py [--edges 10000,100000,1000000] [--beam-edges 10000,100000]

The graph is shaped like LSH's: 40% of the documents are in clusters of 2-6 (edges from each member
to its bucket's smallest id, a few chained), ids like tokenmill's (`web/` and 20 hex digits).
For each size: union-find alone (filters/dedup/components.py), seconds and the peak of the memory it
allocates (tracemalloc); then, for the --beam-edges sizes, both Beam transforms of pipelines/dedup.py
on the in-process runner (20 unrolled star rounds, as the default max_rounds) against
UnionFindComponents, seconds for the whole pipeline. Writes bench/out/components_scale.json.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))

from measure import print_table, write_json  # noqa: E402

from filters.dedup.components import union_find_labels  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "out", "components_scale.json")


def lsh_like_edges(edge_count: int, seed: int = 0) -> list:
    rng, edges, number = random.Random(seed), [], 0
    while len(edges) < edge_count:
        size = rng.randint(2, 6)
        members = [f"web/{rng.getrandbits(80):020x}" for _ in range(size)]
        anchor = min(members)
        for member in members:
            if member != anchor:
                edges.append((max(member, anchor), min(member, anchor)))
        if size > 2 and rng.random() < 0.2:               # a chain: two buckets share one member
            edges.append((max(members[0], members[1]), min(members[0], members[1])))
        number += size
    return edges[:edge_count]


def union_find_alone(edges: list) -> dict:
    tracemalloc.start()
    start = time.perf_counter()
    labels = union_find_labels(edges)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": round(seconds, 3), "peak_mb": round(peak / 1e6, 1), "nodes": len(labels)}


def in_beam(edges: list, components) -> float:
    import apache_beam as beam
    start = time.perf_counter()
    with beam.Pipeline(runner="FnApiRunner") as pipeline:
        labels, _ = pipeline | beam.Create(edges) | components
        labels | beam.combiners.Count.Globally()
    return round(time.perf_counter() - start, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", default="10000,100000,1000000")
    parser.add_argument("--beam-edges", default="10000,100000")
    args = parser.parse_args()
    from pipelines.dedup import StarComponents, UnionFindComponents
    rows = []
    for count in [int(value) for value in args.edges.split(",")]:
        edges = lsh_like_edges(count)
        row = {"edges": count, **{f"union_find_{k}": v for k, v in union_find_alone(edges).items()}}
        if str(count) in args.beam_edges.split(","):
            row["beam_union_find_s"] = in_beam(edges, UnionFindComponents())
            row["beam_star_20_rounds_s"] = in_beam(edges, StarComponents(20))
        rows.append(row)
        print(row, flush=True)
    print_table(rows, list(rows[-1]))
    write_json(OUT, {"rows": rows, "command": "python bench/components_scale.py --edges "
                     f"{args.edges} --beam-edges {args.beam_edges}", "date": time.strftime("%Y-%m-%d")})


if __name__ == "__main__":
    main()
