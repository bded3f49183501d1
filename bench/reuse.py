"""A rerun with one quality threshold changed: cold, and with --reuse of the earlier output.

    flock /tmp/tokenmill-cpu.lock python bench/reuse.py [--mb 5 20] [--files 8] [--repeats 3]

For each size: bench/end_to_end.py's corpus (real Common Crawl text from ../shared/data/web, remixed to
the size) written as --files JSONL files, and every stage end_to_end enables (URL lists, language ID,
every quality rule set, unsafe words, exact and near dedup, PII, decontamination, Llama 2's tokenizer,
shards and plans). Run A has the default thresholds. Then, --repeats times each, run B
(quality.gopher_quality.min_words=30 instead of 50) cold into an empty directory, and run B' with the
same config and --reuse A. Each run is one process on one core (`taskset -c 0`, `--workers 1`), timed
whole. B' must give B's bytes (every output file but report/, which holds times and dates); the ratio
is the median B' wall time over the median B wall time. Also: what near dedup's signatures cost for the
documents that reach quality and for those the thresholds keep (signature_costs). Writes
bench/out/reuse.json.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))

from end_to_end import mixed_corpus, tokenmill_command  # noqa: E402
from measure import print_table, subprocess_run, tokenmill_executable, write_json  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "out")
WORK = os.path.join(OUT, "reuse")
CHANGED = ["--set", "quality.gopher_quality.min_words=30"]


def split_corpus(mb: float, directory: str, files: int) -> dict:
    """mixed_corpus's lines dealt into `files` JSONL files in runs (one file: one cache entry)."""
    os.makedirs(directory, exist_ok=True)
    whole = os.path.join(directory, "whole.jsonl.tmp")
    made = mixed_corpus(mb, whole)
    with open(whole, encoding="utf-8") as handle:
        lines = handle.readlines()
    os.remove(whole)
    per_file = -(-len(lines) // files)
    for number in range(files):
        with open(os.path.join(directory, f"part-{number:02d}.jsonl"), "w", encoding="utf-8") as handle:
            handle.writelines(lines[number * per_file:(number + 1) * per_file])
    return {**made, "files": files}


def run(corpus: str, output: str, extra: list) -> dict:
    if os.path.exists(output):
        shutil.rmtree(output)
    wall, rss, stdout = subprocess_run(["taskset", "-c", "0", *tokenmill_command(corpus, output, 1), *extra])
    with open(os.path.join(output, "report", "report.json")) as handle:
        report = json.load(handle)
    reused = next((line for line in stdout.splitlines() if line.startswith("reuse:")), "")
    return {"wall_s": wall, "peak_rss_mb": rss, "stage_seconds": report["stage_seconds"], "reuse_line": reused}


def output_bytes(output: str) -> dict:
    """Relative path -> bytes of every output file but report/ (times and dates) and cache/stages/ (files
    named by the run that wrote them), as the tests compare (tests/outputs.py)."""
    root = Path(output)
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file() and path.relative_to(root).parts[0] != "report"
            and path.relative_to(root).parts[:2] != ("cache", "stages")}


def signature_costs(output: str) -> dict:
    """What near dedup's signatures (shingles and MinHash, default options) cost, on one core, for the
    documents that reached quality in `output` (its cache entries hold them with the text C4 leaves) and
    for those of them its thresholds kept: signing in the cached prefix would sign all of the first, a cold
    run signs (about) the second. Unsafe words and exact dedup drop a few more before near dedup."""
    from corpus.cache_codec import decode_record, decoded_lines
    from filters.dedup.config import NearDedupConfig
    from filters.dedup.minhash import Permutations, signature
    from filters.dedup.shingles import shingles
    from filters.quality.quality_filter import QualityConfig, apply_thresholds
    config, quality = NearDedupConfig(), QualityConfig()
    reached, kept = [], []
    for entry in sorted(Path(output, "cache", "prefix").glob("*.jsonl.zst")):
        with open(entry, "rb") as handle:
            for line in decoded_lines(handle):
                if "out" in line and "signals" in line["quality"]:
                    doc = decode_record(line["out"])
                    text = line["quality"]["text"] if line["quality"]["text"] is not None else doc.text
                    reached.append((text, doc.annotations.get("lang")))
                    if apply_thresholds(line["quality"]["signals"], quality) is None:
                        kept.append(reached[-1])
    permutations = Permutations.create(config.lsh_params().num_perm, config.seed)
    affinity = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(affinity)})
    try:
        def seconds(docs):
            start = time.perf_counter()
            for text, lang in docs:
                hashes = shingles(text, lang, config.word_ngram, config.char_ngram)
                if len(hashes):
                    signature(hashes, permutations)
            return time.perf_counter() - start
        seconds(kept[:200])                 # compiled kernels warmed up
        return {"reached_quality_docs": len(reached), "reached_quality_s": seconds(reached),
                "kept_by_quality_docs": len(kept), "kept_by_quality_s": seconds(kept),
                **_cache_costs(kept, config, permutations, output)}
    finally:
        os.sched_setaffinity(0, affinity)


def _cache_costs(docs: list, config, permutations, output: str) -> dict:
    """What the signature cache adds per document (pipelines/reuse_signatures.py): on a cold run the hash
    of text and language, the stored form and its file; on a rerun the hash and the stored form read back."""
    import tempfile

    from apache_beam.metrics.execution import MetricsEnvironment  # noqa: F401 - counters outside a pipeline
    from corpus.document import Document
    from filters.dedup.minhash import signature
    from filters.dedup.shingles import shingles
    from pipelines.reuse_signatures import SignatureCache
    signed = [(Document(str(number), text, "web", annotations={"lang": lang}),
               signature(hashes, permutations) if len(hashes := shingles(text, lang, config.word_ngram,
                                                                          config.char_ngram)) else None)
              for number, (text, lang) in enumerate(docs)]
    with tempfile.TemporaryDirectory() as place:
        lookup_cache = SignatureCache.for_run(config, place, [], "bench")
        lookup = lookup_cache.lookup()
        start = time.perf_counter()
        for doc, found in signed:
            lookup.computed(lookup.digest(doc), found)
        lookup.write()
        keeping = time.perf_counter() - start
        stored = {}
        for path in Path(place).rglob("*.jsonl.zst"):
            from pipelines.reuse_signatures import parses_as_signature
            from pipelines.reuse_stages import results_in
            stored.update(results_in(str(path), lookup_cache.key, functools.partial(parses_as_signature,
                                                                                    lookup_cache.num_perm)))
        start = time.perf_counter()
        for doc, _ in signed:
            lookup.stored(lookup.digest(doc), stored)
        looking_up = time.perf_counter() - start
    return {"cache_keep_s": keeping, "cache_lookup_s": looking_up, "cache_entries": len(stored)}


def one_size(mb: float, files: int, repeats: int) -> dict:
    directory = os.path.join(WORK, f"{mb:g}mb")
    corpus_dir = os.path.join(directory, "corpus")
    made = split_corpus(mb, corpus_dir, files)
    corpus = os.path.join(corpus_dir, "*.jsonl")
    first = run(corpus, os.path.join(directory, "a"), [])
    signatures = signature_costs(os.path.join(directory, "a"))
    cold, reused = [], []
    for _ in range(repeats):
        cold.append(run(corpus, os.path.join(directory, "b"), CHANGED))
        reused.append(run(corpus, os.path.join(directory, "b_reused"), [*CHANGED, "--reuse",
                                                                         os.path.join(directory, "a")]))
    identical = output_bytes(os.path.join(directory, "b")) == output_bytes(os.path.join(directory, "b_reused"))
    cold_s = statistics.median(item["wall_s"] for item in cold)
    reuse_s = statistics.median(item["wall_s"] for item in reused)
    return {"mb": made["mb"], "documents": made["documents"], "files": files, "first_run_wall_s": first["wall_s"],
            "cold_wall_s": cold_s, "reuse_wall_s": reuse_s, "ratio": reuse_s / cold_s,
            "cold_walls_s": [item["wall_s"] for item in cold], "reuse_walls_s": [item["wall_s"] for item in reused],
            "cold_stage_seconds": cold[-1]["stage_seconds"], "reuse_stage_seconds": reused[-1]["stage_seconds"],
            "cold_peak_rss_mb": max(item["peak_rss_mb"] for item in cold),
            "reuse_peak_rss_mb": max(item["peak_rss_mb"] for item in reused),
            "reuse_line": reused[-1]["reuse_line"], "byte_identical": identical, "signatures": signatures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, nargs="+", default=[5, 20])
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    sizes = [one_size(mb, args.files, args.repeats) for mb in args.mb]
    write_json(os.path.join(OUT, "reuse.json"), {"sizes": sizes, "changed": CHANGED[1], "repeats": args.repeats,
                                                 "tokenmill": tokenmill_executable(),
                                                 "command": "flock /tmp/tokenmill-cpu.lock python bench/reuse.py "
                                                            + " ".join(sys.argv[1:])})
    print_table(sizes, ["mb", "documents", "cold_wall_s", "reuse_wall_s", "ratio", "byte_identical"])
    if not all(size["byte_identical"] for size in sizes):
        raise SystemExit("--reuse did not give the cold run's bytes")


if __name__ == "__main__":
    main()
