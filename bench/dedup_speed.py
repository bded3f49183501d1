"""Near-dedup speed: signatures, and the whole dedup, against datatrove's four MinHash stages.

    python bench/dedup_speed.py [--mb 10] [--repeats 3]

Corpus: the Common Crawl documents of ../shared/data/web/dolma, each with
near-duplicate copies made by small random edits (bench/neardup_quality.py's
`edit`), up to --mb MB of text, as JSONL. Reported per core, median of runs:

- signatures, the same scope on both sides: shingling + MinHash of documents
  already in memory, no reader, no writer. tokenmill's callables as the
  pipeline calls them (after the compiled loops have loaded); datatrove's
  MinhashDedupSignature's own `get_shingles` + `get_signature` on the same
  texts (bench/datatrove_signatures.py, in datatrove's environment). Until
  2026-12-01 datatrove's side was its whole signature stage, reader and
  bucket files included, against tokenmill's bare callable; that stage's
  time is still recorded (`datatrove_stage_seconds`);
- whole dedup: `tokenmill run` with only near-dedup on (in-memory runner, one
  core, star rounds) against datatrove's signature, buckets, cluster and
  filter stages (LocalPipelineExecutor, one worker), same bands and rows,
  each in its own process so that its peak RSS is its own.
Writes bench/out/dedup_speed.json.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from measure import datatrove_python, print_table, subprocess_run, tokenmill_executable, write_json  # noqa: E402
from neardup_quality import DOLMA, edit  # noqa: E402

from corpus.normalize import normalize_text  # noqa: E402
from filters.dedup.lsh import PRESETS  # noqa: E402
from filters.dedup.minhash import Permutations, signature  # noqa: E402
from filters.dedup.shingles import shingles  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "out", "dedup_speed")
ONLY_NEAR_DEDUP = ["url_filter.enabled=false", "language.enabled=false", "quality.enabled=false", "pii.enabled=false",
                   "unsafe_words.enabled=false", "exact_dedup.enabled=false", "normalize.min_chars=1",
                   "tokenize.enabled=false"]


def build(target_mb: float, directory: str) -> tuple:
    with gzip.open(DOLMA, "rt", encoding="utf-8") as handle:
        originals = [normalize_text(json.loads(line)["text"]) for line in handle]
    originals = [text for text in originals if len(text.split()) >= 20]
    rng, rows, size = random.Random(0), [], 0
    while size < target_mb * 1e6:
        for number, text in enumerate(originals):
            copy = text if not rows or rng.random() < 0.3 else " ".join(edit(rng, text.split(), 0.03))
            rows.append({"id": f"doc-{len(rows):07d}", "text": copy})
            size += len(copy.encode())
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "corpus.jsonl"), "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return rows, size / 1e6


def near_dedup_command(corpus_dir: str, output: str, workers: int = 1, components: str = "star") -> list:
    """`tokenmill run` over the corpus with only near-dedup on."""
    overrides = [arg for item in ONLY_NEAR_DEDUP + [f"near_dedup.components={components}"] for arg in ("--set", item)]
    return [tokenmill_executable(), "run", "--input",
            os.path.join(corpus_dir, "*.jsonl"), "--output", output, "--workers", str(workers), "--quiet", *overrides]


def kept_count(output: str) -> int:
    with open(os.path.join(output, "stats", "counts.json")) as handle:
        return json.load(handle)["sources"]["web"]["kept"]


def datatrove_minhash(corpus_dir: str, work: str, params) -> tuple:
    """datatrove's four MinHash stages in their own process, from an empty work folder:
    (seconds, peak RSS MB, {"seconds": per stage, "kept": documents})."""
    subprocess.run(["rm", "-rf", work], check=True)
    seconds, rss, stdout = subprocess_run([datatrove_python(), os.path.join(os.path.dirname(__file__),
                                           "datatrove_minhash.py"), corpus_dir, work, str(params.bands),
                                           str(params.rows)])
    return seconds, rss, json.loads(stdout.strip().splitlines()[-1])


def datatrove_signature_seconds(corpus_dir: str, params, passes: int) -> dict:
    """datatrove's signature code alone on the corpus in memory, `passes` times in one process."""
    _, _, stdout = subprocess_run([datatrove_python(), os.path.join(os.path.dirname(__file__),
                                   "datatrove_signatures.py"), os.path.join(corpus_dir, "corpus.jsonl"),
                                   str(params.bands), str(params.rows), str(passes)])
    return json.loads(stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    corpus_dir = os.path.join(OUT, "corpus")
    rows, mb = build(args.mb, corpus_dir)
    params = PRESETS["fineweb"]
    permutations = Permutations.create(params.num_perm)
    signature(shingles(rows[0]["text"]), permutations)     # the compiled loops load once per process
    sign_times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        for row in rows:
            signature(shingles(row["text"]), permutations)
        sign_times.append(time.perf_counter() - start)
    dt_signatures = datatrove_signature_seconds(corpus_dir, params, args.repeats)
    tokenmill_runs, union_find_runs, datatrove_runs = [], [], []
    for repeat in range(args.repeats):
        for runs, method in ((tokenmill_runs, "star"), (union_find_runs, "union_find")):
            output = os.path.join(OUT, f"tokenmill-{method}")
            runs.append(subprocess_run(near_dedup_command(corpus_dir, output, components=method))[:2])
        datatrove_runs.append(datatrove_minhash(corpus_dir, os.path.join(OUT, f"datatrove-{repeat}"), params))
    tm_wall = statistics.median(run[0] for run in tokenmill_runs)
    uf_wall = statistics.median(run[0] for run in union_find_runs)
    dt_wall = statistics.median(run[0] for run in datatrove_runs)
    dt_sign = statistics.median(dt_signatures["seconds"])
    tm_sign = statistics.median(sign_times)
    tm_kept = kept_count(os.path.join(OUT, "tokenmill-star"))
    table = [
        {"step": "signatures", "tool": "tokenmill shingles + signature, in memory", "MB/s/core": mb / tm_sign,
         "docs/s/core": len(rows) / tm_sign},
        {"step": "signatures", "tool": "datatrove get_shingles + get_signature, in memory", "MB/s/core": mb / dt_sign,
         "docs/s/core": len(rows) / dt_sign},
        {"step": "whole dedup", "tool": "tokenmill run, star rounds", "MB/s/core": mb / tm_wall,
         "docs/s/core": len(rows) / tm_wall, "peak_rss_mb": max(run[1] for run in tokenmill_runs), "kept": tm_kept},
        {"step": "whole dedup", "tool": "tokenmill run, union-find", "MB/s/core": mb / uf_wall,
         "docs/s/core": len(rows) / uf_wall, "peak_rss_mb": max(run[1] for run in union_find_runs), "kept": tm_kept},
        {"step": "whole dedup", "tool": "datatrove 4 MinHash stages", "MB/s/core": mb / dt_wall,
         "docs/s/core": len(rows) / dt_wall, "peak_rss_mb": max(run[1] for run in datatrove_runs),
         "kept": datatrove_runs[-1][2]["kept"]},
    ]
    print(f"{len(rows)} documents, {mb:.1f} MB of text; bands x rows = {params.bands} x {params.rows}")
    print_table(table, ["step", "tool", "MB/s/core", "docs/s/core", "peak_rss_mb", "kept"])
    print(f"ratio, whole dedup: tokenmill / datatrove = {dt_wall / tm_wall:.2f}x (star), "
          f"{dt_wall / uf_wall:.2f}x (union-find); "
          f"signatures (same scope): {dt_sign / tm_sign:.2f}x")
    write_json(os.path.join(os.path.dirname(OUT), "dedup_speed.json"),
               {"command": "python bench/dedup_speed.py " + " ".join(sys.argv[1:]), "documents": len(rows), "mb": mb,
                "rows": table, "repeats": args.repeats,
                "signature_seconds": {"tokenmill": sign_times, "datatrove": dt_signatures["seconds"]},
                "signature_ratio_same_scope": dt_sign / tm_sign,
                "datatrove_stage_seconds": [run[2]["seconds"] for run in datatrove_runs],
                "date": time.strftime("%Y-%m-%d")})


if __name__ == "__main__":
    main()
