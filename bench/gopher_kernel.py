"""Gopher repetition and the whole quality stage: the numpy n-gram rules against the compiled ones, one core.

    python bench/gopher_kernel.py [--repeats 5]

Text: the 697 Common Crawl documents of ../shared/data/web/dolma and the 200
multilingual pages of ../shared/data/web/hplt_sample100, normalised, each
with its language label from the language stage. "numpy" is the code before
filters/quality/gopher_kernels.py (tests/filters/gopher_reference.py, put in
place of the compiled functions); "compiled" is the code as it is. Each runs
in its own interpreter pinned with `taskset -c 0`, after one warm-up pass
(numba loads its cached machine code there); the two take turns for
--repeats rounds, and each figure is the median over rounds. Timed:
gopher_repetition alone (with the TextView it reads, as the stage builds it)
and QualityFilter (every rule set), docs/s and MB/s; the peak RSS of each
interpreter. Checked: both give the same result (kept, or the same drop
reason and detail) for every document. Writes bench/out/gopher_kernel.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from lid_engine import hplt_texts  # noqa: E402
from measure import peak_rss_mb, print_table, write_json  # noqa: E402
from real_corpus import real_text_rows  # noqa: E402

from corpus.document import Document, Drop  # noqa: E402
from filters.language import LanguageConfig, LanguageFilter  # noqa: E402
from filters.quality import gopher_repetition as repetition  # noqa: E402
from filters.quality.quality_filter import QualityConfig, QualityFilter  # noqa: E402
from filters.quality.text_view import TextView  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "out", "gopher_kernel.json")
VARIANTS = ("numpy", "compiled")


def labelled_corpora() -> dict:
    language = LanguageFilter(LanguageConfig())
    corpora = {"dolma": [row["text"] for row in real_text_rows(0)], "hplt": hplt_texts()}
    return {name: [(text, language(Document("d", text, name)).annotations["lang"]) for text in texts]
            for name, texts in corpora.items()}


def use_numpy_rules() -> None:
    from tests.filters import gopher_reference
    repetition.top_ngram_char_fraction = gopher_reference.top_ngram_char_fraction
    repetition.dup_ngram_char_fraction = gopher_reference.dup_ngram_char_fraction


def outcome(result) -> str:
    return f"drop {result.reason} {result.detail}" if isinstance(result, Drop) else "kept"


PASSES = 3                 # passes over a corpus per timing


def child(variant: str) -> dict:
    """Runs in the variant's own interpreter: one warm-up pass, then one timing of the rule and of the stage."""
    if variant == "numpy":
        use_numpy_rules()
    rule_config, quality = QualityConfig().gopher_repetition, QualityFilter(QualityConfig())

    def rule_pass(items):
        return [outcome(repetition.gopher_repetition(TextView(text, lang), rule_config)) for text, lang in items]

    def stage_pass(items):
        return [outcome(quality(doc)) for doc in items]

    result = {}
    for corpus, items in labelled_corpora().items():
        warm_start = time.perf_counter()
        rule_outcomes = rule_pass(items)
        warm_up = time.perf_counter() - warm_start
        start = time.perf_counter()
        for _ in range(PASSES):
            rule_pass(items)
        rule_seconds = (time.perf_counter() - start) / PASSES
        passes = [[Document(str(i), text, "bench", annotations={"lang": lang}) for i, (text, lang) in enumerate(items)]
                  for _ in range(PASSES)]
        start = time.perf_counter()
        stage_outcomes = [stage_pass(docs) for docs in passes][0]
        stage_seconds = (time.perf_counter() - start) / PASSES
        result[corpus] = {"warm_up_s": warm_up, "rule_s": rule_seconds, "stage_s": stage_seconds,
                          "rule_outcomes": rule_outcomes, "stage_outcomes": stage_outcomes}
    return {"corpora": result, "peak_rss_mb": peak_rss_mb()}


def run_variant(variant: str) -> dict:
    command = ["taskset", "-c", "0", sys.executable, __file__, "--child", variant]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def rounds(repeats: int) -> dict:
    """The variants' interpreters take turns, `repeats` rounds; per corpus, the median over rounds."""
    runs = {variant: [] for variant in VARIANTS}
    for _ in range(repeats):
        for variant in VARIANTS:
            runs[variant].append(run_variant(variant))
    merged = {}
    for variant, results in runs.items():
        first = results[0]
        for corpus, entry in first["corpora"].items():
            for part in ("rule", "stage"):
                times = [result["corpora"][corpus][f"{part}_s"] for result in results]
                entry[f"{part}_median_s"] = statistics.median(times)
                entry[f"{part}_runs_s"] = [round(t, 4) for t in times]
            if any(result["corpora"][corpus]["rule_outcomes"] != entry["rule_outcomes"] for result in results):
                raise SystemExit(f"{variant} decided differently between rounds on {corpus}")
        first["peak_rss_mb"] = max(result["peak_rss_mb"] for result in results)
        merged[variant] = first
    return merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--child", choices=VARIANTS)
    args = parser.parse_args()
    if args.child:
        json.dump(child(args.child), sys.stdout)
        return
    texts = {name: [text for text, _ in items] for name, items in labelled_corpora().items()}
    runs = rounds(args.repeats)
    summary, table = {}, []
    for corpus, items in texts.items():
        docs, megabytes = len(items), sum(len(text.encode()) for text in items) / 1e6
        old, new = runs["numpy"]["corpora"][corpus], runs["compiled"]["corpora"][corpus]
        if old["rule_outcomes"] != new["rule_outcomes"] or old["stage_outcomes"] != new["stage_outcomes"]:
            raise SystemExit(f"{corpus}: the compiled rules decide differently from the numpy ones")
        entry = {"docs": docs, "mb": megabytes, "same_outcome_on_every_document": True,
                 "dropped_by_gopher_repetition": sum(o != "kept" for o in new["rule_outcomes"])}
        for part in ("rule", "stage"):
            for variant, run in (("numpy", old), ("compiled", new)):
                seconds = run[f"{part}_median_s"]
                entry[f"{part}_{variant}"] = {"median_s": seconds, "runs_s": run[f"{part}_runs_s"],
                                              "docs_per_s": docs / seconds, "mb_per_s": megabytes / seconds}
                table.append({"corpus": corpus, "timed": "gopher_repetition" if part == "rule" else "quality stage",
                              "variant": variant, "docs_per_s": docs / seconds, "mb_per_s": megabytes / seconds})
            entry[f"{part}_speedup"] = old[f"{part}_median_s"] / new[f"{part}_median_s"]
        entry["compiled_warm_up_s"] = new["warm_up_s"]
        summary[corpus] = entry
    print_table(table, ["corpus", "timed", "variant", "docs_per_s", "mb_per_s"])
    for corpus, entry in summary.items():
        print(f"{corpus}: gopher_repetition {entry['rule_speedup']:.2f}x, quality stage "
              f"{entry['stage_speedup']:.2f}x, same outcome on all {entry['docs']} documents")
    write_json(OUT, {"command": "python bench/gopher_kernel.py " + " ".join(sys.argv[1:]), "repeats": args.repeats,
                     "pinned": "taskset -c 0", "corpora": summary,
                     "peak_rss_mb": {variant: run["peak_rss_mb"] for variant, run in runs.items()}})
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
