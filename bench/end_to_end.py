"""The whole pipeline, every stage on, beside datatrove's comparable pipeline, in one run.

    python bench/end_to_end.py [--mb 50] [--small-mb 5] [--repeats 3]

Corpus: real web text from ../shared/data/web, remixed to reach --mb MB.
dolma's 697 Common Crawl pages are split into paragraphs; each benchmark
document takes a run of consecutive paragraphs from one page and a run from
another (seeded), and keeps the first page's URL with a "#mix=N" suffix. The
text is real. Pages share paragraphs only by chance, as crawls do, so dedup
has realistic work to do: it does not meet exact copies of whole pages.

tokenmill (`tokenmill run --workers 1`, one core): URL filter (UT1, HPLT adult
list, datatrove's banned words), language ID, every quality rule set, unsafe
words (LDNOOBW), exact and near dedup, PII, decontamination against GSM8K and
HumanEval, SentencePiece (Llama 2's 32k model), shards and plans.
datatrove (bench/datatrove_pipeline.py, one task, one worker): language
filter, Gopher repetition and quality, its four MinHash stages, PIIFormatter,
DocumentTokenizer with the same Llama 2 vocabulary in HF tokenizers form.
Both are timed as whole processes with their peak RSS. tokenmill's time share
per stage comes from its report. A second tokenmill run on --small-mb MB (a
tenth) shows how peak RSS grows with the corpus. Then both corpora run again
on two workers (the multi-process runner), sampling the memory of the runner
process and of each worker: on Dataflow or Flink the worker's is the figure
that matters, as the runner's in-memory shuffle lives outside the workers.
Writes bench/out/end_to_end.json.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
os.environ["TOKENIZERS_PARALLELISM"] = "false"

from filter_speed import URL_SETTINGS  # noqa: E402
from hf_from_sentencepiece import LLAMA2, hf_tokenizer  # noqa: E402
from measure import datatrove_python, print_table, process_tree_peaks, subprocess_run, write_json  # noqa: E402
from real_corpus import real_text_rows  # noqa: E402

from filters.language import default_model_path  # noqa: E402

SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
OUT = os.path.join(os.path.dirname(__file__), "out", "end_to_end")
DECONTAM = [f"decontaminate.benchmarks=['gsm8k={SHARED}/decontam/gsm8k/test.jsonl', "
            f"'humaneval={SHARED}/decontam/humaneval/HumanEval.jsonl.gz']"]


def mixed_corpus(target_mb: float, path: str, seed: int = 0) -> dict:
    pages = [(row["url"], [p for p in row["text"].split("\n") if p.strip()]) for row in real_text_rows(0)]
    pages = [(url, paragraphs) for url, paragraphs in pages if paragraphs]
    rng, size, count = random.Random(seed), 0, 0
    with open(path, "w", encoding="utf-8") as handle:
        while size < target_mb * 1e6:
            (url, first), (_, second) = rng.choice(pages), rng.choice(pages)
            text = "\n".join(_run(rng, first) + _run(rng, second))
            handle.write(json.dumps({"id": f"mix-{count}", "url": f"{url}#mix={count}", "text": text},
                                    ensure_ascii=False) + "\n")
            size += len(text.encode())
            count += 1
    return {"documents": count, "mb": size / 1e6}


def _run(rng: random.Random, paragraphs: list) -> list:
    length = rng.randint(1, min(12, len(paragraphs)))
    start = rng.randrange(len(paragraphs) - length + 1)
    return paragraphs[start:start + length]


def tokenmill_command(corpus: str, output: str, workers: int) -> list:
    sets = URL_SETTINGS + DECONTAM + ["plans.budgets=[2T, 8T, 13T]"]
    return [os.path.join(os.path.dirname(sys.executable), "tokenmill"), "run", "--input", corpus,
            "--output", output, "--workers", str(workers), "--quiet", "--tokenizer", LLAMA2,
            *[arg for item in sets for arg in ("--set", item)]]


def worker_memory(corpus: str, output: str) -> dict:
    """Two workers (the multi-process runner): peak RSS of the runner process and of each worker."""
    tree = process_tree_peaks(tokenmill_command(corpus, output, 2))
    return {"wall_s": tree["seconds"], "runner_peak_mb": tree["parent_mb"], "worker_peak_mb": tree["largest_child_mb"]}


def tokenmill(corpus: str, output: str, repeats: int = 1) -> dict:
    """The run with the median wall time of `repeats` (this machine is shared and noisy)."""
    runs = sorted((subprocess_run(tokenmill_command(corpus, output, 1))[:2] for _ in range(repeats)))
    wall, rss = runs[len(runs) // 2]
    with open(os.path.join(output, "report", "report.json")) as handle:
        report = json.load(handle)
    return {"wall_s": wall, "peak_rss_mb": rss, "walls_s": [run[0] for run in runs],
            "stage_seconds": report["stage_seconds"],
            "kept": report["totals"]["documents_kept"], "tokens": report["totals"]["tokens"],
            "funnel": report["funnel"]}


def datatrove(corpus: str, work: str) -> dict:
    tokenizer_json = os.path.join(OUT, "llama2_hf_tokenizer.json")
    hf_tokenizer(LLAMA2).save(tokenizer_json)
    script = os.path.join(os.path.dirname(__file__), "datatrove_pipeline.py")
    wall, rss, stdout = subprocess_run([datatrove_python(), script, corpus, work, tokenizer_json,
                                        default_model_path()])
    return {"wall_s": wall, "peak_rss_mb": rss, **json.loads(stdout.strip().splitlines()[-1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50)
    parser.add_argument("--small-mb", type=float, default=5)
    parser.add_argument("--repeats", type=int, default=3, help="tokenmill runs per corpus (median reported)")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    corpus, small = os.path.join(OUT, "corpus.jsonl"), os.path.join(OUT, "small.jsonl")
    built, built_small = mixed_corpus(args.mb, corpus), mixed_corpus(args.small_mb, small, seed=1)
    print(f"corpus: {built['documents']:,} documents, {built['mb']:.1f} MB of text")
    ours = tokenmill(corpus, os.path.join(OUT, "tokenmill"), args.repeats)
    ours_small = tokenmill(small, os.path.join(OUT, "tokenmill-small"), args.repeats)
    theirs = datatrove(corpus, os.path.join(OUT, "datatrove"))
    memory = {"small": worker_memory(small, os.path.join(OUT, "tokenmill-small-2")),
              "full": worker_memory(corpus, os.path.join(OUT, "tokenmill-2"))}
    rows = [{"tool": "tokenmill, every stage", "MB": built["mb"], "wall s": ours["wall_s"],
             "MB/s/core": built["mb"] / ours["wall_s"], "docs/s/core": built["documents"] / ours["wall_s"],
             "peak RSS MB": ours["peak_rss_mb"]},
            {"tool": "tokenmill, every stage (a tenth)", "MB": built_small["mb"], "wall s": ours_small["wall_s"],
             "MB/s/core": built_small["mb"] / ours_small["wall_s"],
             "docs/s/core": built_small["documents"] / ours_small["wall_s"],
             "peak RSS MB": ours_small["peak_rss_mb"]},
            {"tool": "datatrove, comparable steps", "MB": built["mb"], "wall s": theirs["wall_s"],
             "MB/s/core": built["mb"] / theirs["wall_s"], "docs/s/core": built["documents"] / theirs["wall_s"],
             "peak RSS MB": theirs["peak_rss_mb"]}]
    print_table(rows, ["tool", "MB", "wall s", "MB/s/core", "docs/s/core", "peak RSS MB"])
    timed = sum(ours["stage_seconds"].values())
    shares = {stage: seconds / ours["wall_s"] for stage, seconds in sorted(
        ours["stage_seconds"].items(), key=lambda item: -item[1])}
    print("tokenmill time share per stage (of the wall time):",
          ", ".join(f"{stage} {share:.0%}" for stage, share in shares.items()),
          f"; untimed (reading, dedup shuffles, writing, start-up) {1 - timed / ours['wall_s']:.0%}")
    print("datatrove seconds per step:", {k: round(v, 1) for k, v in theirs["seconds"].items()})
    print(f"tokenmill wall times: {[round(wall, 1) for wall in ours['walls_s']]} s (50 MB), "
          f"{[round(wall, 1) for wall in ours_small['walls_s']]} s (small)")
    print(f"ratio tokenmill/datatrove, end to end: {theirs['wall_s'] / ours['wall_s']:.2f}x")
    for name, corpus_mb in (("small", built_small["mb"]), ("full", built["mb"])):
        run = memory[name]
        print(f"two workers, {corpus_mb:.0f} MB: {run['wall_s']:.0f} s; peak RSS runner {run['runner_peak_mb']:.0f} MB, "
              f"largest worker {run['worker_peak_mb']:.0f} MB")
    write_json(os.path.join(os.path.dirname(OUT), "end_to_end.json"), {
        "corpus": built, "small_corpus": built_small, "tokenmill": ours, "tokenmill_small": ours_small,
        "datatrove": theirs, "rows": rows, "shares": shares, "ratio": theirs["wall_s"] / ours["wall_s"],
        "two_workers": memory, "date": time.strftime("%Y-%m-%d")})


if __name__ == "__main__":
    main()
