"""What computing every quality signal costs, against deciding alone, one core.

    flock /tmp/tokenmill-cpu.lock python bench/quality_signals.py [--before DIR] [--repeats 5]

Since issue 16 every quality rule set computes all its signals (every Gopher, C4 and FineWeb ratio and
count, every n of the n-gram rules), stored in `annotations["quality"]`, instead of stopping at the first
failing rule. Three ways to reach the same decision are timed on the 697 Common Crawl documents of
../shared/data/web/dolma, normalised, each with its language label from the language stage:

- `every_signal`: this checkout's quality stage (QualityFilter, every rule set on), as a run does;
- `first_failing_rule`: the quality stage of `--before DIR`, a checkout of the code before every signal
  was computed: the first parent of the issue 16 merge, `git worktree add --detach DIR 93027f0^1`
  (it has the compiled Gopher n-gram kernels too, so only the signals differ);
- `verdict_from_stored_signals`: `apply_thresholds` on the signals a run stored, the decision of a run
  that reuses them (issue 16's --reuse); the signals are computed before the clock starts.

Each variant runs in its own interpreter pinned with `taskset -c 0`, which puts the variant's checkout
first on sys.path (its module path is recorded), makes one warm-up pass (numba loads its cached machine
code there), then times PASSES passes. The variants take turns for --repeats rounds; each figure is the
median over rounds, as docs/s and MB/s (UTF-8 bytes of the text in). Checked: every variant reaches the
same outcome (kept, or the same reason and detail) on every document. Writes bench/out/quality_signals.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(HERE, "out", "quality_signals.json")
sys.path.insert(0, HERE)          # measure.py only: the quality code comes from each variant's checkout
PASSES = 3                 # passes over the corpus per timing


def _outcome(result) -> str:
    reason = getattr(result, "reason", None)       # a Drop of whichever checkout; a Document has none
    return f"drop {reason} {result.detail}" if reason is not None else "kept"


def child(variant: str, code: str, items_file: str) -> dict:
    """In the variant's own interpreter: `code`'s modules first, one warm-up pass, one timing of PASSES passes."""
    sys.path.insert(0, code)
    from corpus.document import Document
    from filters.quality import quality_filter
    with open(items_file) as handle:
        items = json.load(handle)
    config = quality_filter.QualityConfig()
    stage = quality_filter.QualityFilter(config)

    def documents():
        return [Document(str(i), text, "bench", annotations={"lang": lang}) for i, (text, lang) in enumerate(items)]

    if variant == "verdict_from_stored_signals":
        computed = documents()
        for doc in computed:
            stage(doc)                       # stores annotations["quality"], kept or dropped
        stored = [doc.annotations["quality"] for doc in computed]

        def one_pass(_):
            return [_outcome(quality_filter.apply_thresholds(signals, config)) for signals in stored]
        batches = [None] * (PASSES + 1)
    else:
        def one_pass(docs):
            return [_outcome(stage(doc)) for doc in docs]
        batches = [documents() for _ in range(PASSES + 1)]      # the stage edits its documents: fresh ones
    start = time.perf_counter()
    outcomes = one_pass(batches[0])
    warm_up = time.perf_counter() - start
    start = time.perf_counter()
    for batch in batches[1:]:
        one_pass(batch)
    seconds = (time.perf_counter() - start) / PASSES
    from measure import peak_rss_mb
    return {"seconds": seconds, "warm_up_s": warm_up, "outcomes": outcomes, "module": quality_filter.__file__,
            "peak_rss_mb": peak_rss_mb()}


def labelled_items() -> list:
    sys.path.insert(0, ROOT)
    from real_corpus import real_text_rows

    from corpus.document import Document
    from filters.language import LanguageConfig, LanguageFilter
    language = LanguageFilter(LanguageConfig())
    return [(row["text"], language(Document("d", row["text"], "dolma")).annotations["lang"])
            for row in real_text_rows(0)]


def run_child(variant: str, code: str, items_file: str) -> dict:
    command = ["taskset", "-c", "0", sys.executable, os.path.abspath(__file__), "--child", variant,
               "--code", code, "--items", items_file]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def rounds(variants: dict, items_file: str, repeats: int) -> dict:
    """variant -> code dir; the variants take turns, `repeats` rounds; median seconds over rounds."""
    runs = {variant: [] for variant in variants}
    for _ in range(repeats):
        for variant, code in variants.items():
            runs[variant].append(run_child(variant, code, items_file))
    merged = {}
    for variant, results in runs.items():
        if any(result["outcomes"] != results[0]["outcomes"] for result in results):
            raise SystemExit(f"{variant} decided differently between rounds")
        merged[variant] = {"median_s": statistics.median(r["seconds"] for r in results),
                           "runs_s": [round(r["seconds"], 4) for r in results], "module": results[0]["module"],
                           "warm_up_s": results[0]["warm_up_s"], "outcomes": results[0]["outcomes"],
                           "peak_rss_mb": max(r["peak_rss_mb"] for r in results)}
    return merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="a checkout of the code before every signal was computed (93027f0^1)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--code", help=argparse.SUPPRESS)
    parser.add_argument("--items", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        json.dump(child(args.child, args.code, args.items), sys.stdout)
        return
    if args.before and not os.path.isfile(os.path.join(args.before, "filters", "quality", "quality_filter.py")):
        raise SystemExit(f"--before {args.before}: not a tokenmill checkout (no filters/quality/quality_filter.py)")
    items = labelled_items()
    variants = {"every_signal": ROOT, "verdict_from_stored_signals": ROOT}
    if args.before:
        variants["first_failing_rule"] = os.path.abspath(args.before)
    with tempfile.TemporaryDirectory() as scratch:
        items_file = os.path.join(scratch, "items.json")
        with open(items_file, "w") as handle:
            json.dump(items, handle)
        runs = rounds(variants, items_file, args.repeats)
    report(runs, items, args)


def report(runs: dict, items: list, args) -> None:
    from measure import print_table, write_json
    docs, megabytes = len(items), sum(len(text.encode()) for text, _ in items) / 1e6
    reference = runs["every_signal"]["outcomes"]
    for variant, run in runs.items():
        if run["outcomes"] != reference:
            differ = sum(a != b for a, b in zip(run["outcomes"], reference))
            raise SystemExit(f"{variant} decides differently from every_signal on {differ} documents")
    variants = {variant: {"median_s": run["median_s"], "runs_s": run["runs_s"], "docs_per_s": docs / run["median_s"],
                          "mb_per_s": megabytes / run["median_s"], "module": run["module"],
                          "warm_up_s": run["warm_up_s"], "peak_rss_mb": run["peak_rss_mb"]}
                for variant, run in runs.items()}
    every = runs["every_signal"]["median_s"]
    ratios = {f"every_signal_over_{variant}": every / run["median_s"] for variant, run in runs.items()
              if variant != "every_signal"}
    print_table([{"variant": variant, **entry} for variant, entry in variants.items()],
                ["variant", "median_s", "docs_per_s", "mb_per_s"])
    for name, ratio in ratios.items():
        print(f"{name}: {ratio:.2f}x")
    command = "python bench/quality_signals.py " + " ".join(sys.argv[1:])
    write_json(OUT, {"command": command.strip(), "pinned": "taskset -c 0", "repeats": args.repeats,
                     "passes_per_timing": PASSES, "docs": docs, "mb": megabytes,
                     "dropped": sum(outcome != "kept" for outcome in reference),
                     "same_outcome_on_every_document": True, "variants": variants, "time_ratios": ratios})
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
