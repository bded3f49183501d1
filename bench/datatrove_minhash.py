"""datatrove's four MinHash stages on a JSONL folder, timed; run as its own process by dedup_speed.py.

    python bench/datatrove_minhash.py INPUT_DIR WORK_DIR BANDS ROWS

Prints one JSON line: seconds per stage and documents kept. These are whole stages, each with its
reader and writer (the signature stage also writes and sorts its bucket files): they are compared
with a whole `tokenmill run`, never with tokenmill's signature callable alone; for signatures alone,
bench/datatrove_signatures.py times the same scope on both sides.
"""
from __future__ import annotations

import json
import os
import sys
import time

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup.minhash import (MinhashConfig, MinhashDedupBuckets, MinhashDedupCluster,
                                              MinhashDedupFilter, MinhashDedupSignature)
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter
from datatrove.utils.hashing import HashConfig


def main() -> None:
    source, work, bands, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    config = MinhashConfig(hash_config=HashConfig(precision=64), num_buckets=bands, hashes_per_bucket=rows)
    folder = {name: os.path.join(work, name) for name in ("sigs", "buckets", "remove", "kept", "logs")}
    stages = {
        "signature": [JsonlReader(source), MinhashDedupSignature(output_folder=folder["sigs"], config=config)],
        "buckets": [MinhashDedupBuckets(input_folder=folder["sigs"], output_folder=folder["buckets"],
                                        config=config)],
        "cluster": [MinhashDedupCluster(input_folder=folder["buckets"], output_folder=folder["remove"],
                                        config=config)],
        "filter": [JsonlReader(source), MinhashDedupFilter(input_folder=folder["remove"]),
                   JsonlWriter(folder["kept"])],
    }
    seconds = {}
    for name, pipeline in stages.items():
        tasks = bands if name == "buckets" else 1
        start = time.perf_counter()
        LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, workers=1,
                              logging_dir=os.path.join(folder["logs"], name)).run()
        seconds[name] = time.perf_counter() - start
    kept = 0
    for name in os.listdir(folder["kept"]):
        import gzip
        with gzip.open(os.path.join(folder["kept"], name), "rt") as handle:
            kept += sum(1 for _ in handle)
    print(json.dumps({"seconds": seconds, "kept": kept}))


if __name__ == "__main__":
    main()
