"""The whole pipeline, every stage on, beside datatrove's comparable pipeline, in one run: issue 18's goals.

    python bench/end_to_end.py [--sizes 20,50] [--repeats 3] [--one-document-repeats 3] [--two-workers] [--out FILE]

Corpus: real web text from ../shared/data/web, remixed to reach each size.
dolma's 697 Common Crawl pages are split into paragraphs; each benchmark
document takes a run of consecutive paragraphs from one page and a run from
another (seeded), and keeps the first page's URL with a "#mix=N" suffix. The
text is real. Pages share paragraphs only by chance, as crawls do, so dedup
has realistic work to do: it does not meet exact copies of whole pages.

tokenmill (`tokenmill run --workers 1`): URL filter (UT1, HPLT adult list,
datatrove's banned words), language ID, every quality rule set, unsafe words
(LDNOOBW), exact and near dedup, PII, decontamination against GSM8K and
HumanEval, Llama 2's 32k tokenizer, shards and plans.
datatrove (bench/datatrove_pipeline.py, one task, one worker): language
filter, Gopher repetition and quality, its four MinHash stages, PIIFormatter,
DocumentTokenizer with the same Llama 2 vocabulary in HF tokenizers form.

Every process is pinned to one core (--cpu). One untimed one-document run
warms the install first (warm_up). Per size, --repeats pairs run in
turn (tokenmill, then datatrove), each a whole process timed from outside with
its peak RSS; the script prints each pair's ratio, the medians, and the share
of tokenmill's wall time inside no stage (1 - the report's stage_seconds
summed / wall: start-up, coders, shuffles, and the smaller steps
docs/report.md lists), and the same share with the run's own steps (the read,
the writers, near dedup's clusters and, since 2026-12-04, the reuse cache)
counted as outside too, as they were before the report timed them (the basis
of every share before 2026-12-02 14:00; since 2026-12-04 a stage's time
includes building it and no longer the steps fused after its rejected rows,
so the per-document stages' sum is not exactly the earlier one). Then the one-document
full run (bench/one_document.py's, PII on), and with --two-workers each
corpus on two workers, sampling the runner's and each worker's memory. Last,
a table of the goals (>= 6x datatrove at each size, <= 25% outside stages at
20 MB, one document in <= 4 s) with the figures measured. At 20 MB and 3
pairs one invocation takes about 8 minutes here. Writes bench/out/end_to_end.json (or --out), with a Python loop's time as the machine's speed that day.
"""
from __future__ import annotations

import argparse
import compileall
import json
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
os.environ["TOKENIZERS_PARALLELISM"] = "false"

from filter_speed import URL_SETTINGS  # noqa: E402
from hf_from_sentencepiece import LLAMA2, hf_tokenizer  # noqa: E402
from measure import (datatrove_python, print_table, process_tree_peaks, subprocess_run,  # noqa: E402
                     timed, tokenmill_executable, write_json)
from real_corpus import real_text_rows  # noqa: E402

from filters.language import default_model_path  # noqa: E402
from pipelines.stage_list import RUN_STEPS  # noqa: E402

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
    return [tokenmill_executable(), "run", "--input", corpus,
            "--output", output, "--workers", str(workers), "--quiet", "--tokenizer", LLAMA2,
            *[arg for item in sets for arg in ("--set", item)]]


def machine_loop_seconds() -> float:
    """A plain Python loop of 10^7 additions on the pinned core, best of 3: how fast this shared machine is
    today, so that seconds measured on different days can be told apart from code changes."""
    def loop():
        total = 0
        for number in range(10_000_000):
            total += number
    return min(timed(loop, 3)["runs_s"])


def warm_up() -> None:
    """One untimed every-stage run on one document first: a run after an install or an edit compiles the numba
    kernels into their cache (about 2.6 s here) and reads the models from disk, as a user's first run does
    and later runs do not. Every timed run is then a cold run of the pipeline on a warm install. The
    modules of this checkout (the code the timed runs import: TOKENMILL_BIN's editable install, or
    PYTHONPATH set to it) are compiled to bytecode first."""
    from one_document import ROOT, one_document
    # Bytecode too: pip compiles an installed package's (datatrove's here), but tokenmill is installed in
    # editable mode and this machine sets PYTHONDONTWRITEBYTECODE, so every run compiled every module again.
    for top in ("beam_runner.py", "corpus", "filters", "pipelines", "reporting", "tokenization", "tokenmill"):
        path = os.path.join(ROOT, top)
        (compileall.compile_file if top.endswith(".py") else compileall.compile_dir)(path, quiet=1)
    work = os.path.join(OUT, "warm_up")
    os.makedirs(work, exist_ok=True)
    one_document(os.path.join(work, "corpus.jsonl"))
    subprocess_run(tokenmill_command(os.path.join(work, "corpus.jsonl"), os.path.join(work, "out"), 1))


def worker_memory(corpus: str, output: str) -> dict:
    """Two workers (the multi-process runner): peak RSS of the runner process and of each worker."""
    tree = process_tree_peaks(tokenmill_command(corpus, output, 2))
    return {"wall_s": tree["seconds"], "runner_peak_mb": tree["parent_mb"], "worker_peak_mb": tree["largest_child_mb"]}


def outside_shares(stage_seconds: dict, wall: float) -> dict:
    """The share of the wall time outside every timed step, and outside the per-document stages alone: the
    run's own steps (stage_list.RUN_STEPS) counted outside, as before the report timed them."""
    per_document = sum(seconds for stage, seconds in stage_seconds.items() if stage not in RUN_STEPS)
    return {"outside_stages_share": 1 - sum(stage_seconds.values()) / wall,
            "outside_document_stages_share": 1 - per_document / wall}


def tokenmill_run(corpus: str, output: str) -> dict:
    """One run: wall, peak RSS, and the share of the wall time inside no stage (from its report)."""
    wall, rss, _ = subprocess_run(tokenmill_command(corpus, output, 1))
    with open(os.path.join(output, "report", "report.json")) as handle:
        report = json.load(handle)
    return {"wall_s": wall, "peak_rss_mb": rss, "stage_seconds": report["stage_seconds"],
            **outside_shares(report["stage_seconds"], wall), "kept": report["totals"]["documents_kept"],
            "tokens": report["totals"]["tokens"], "funnel": report["funnel"]}


def datatrove(corpus: str, work: str) -> dict:
    tokenizer_json = os.path.join(OUT, "llama2_hf_tokenizer.json")
    hf_tokenizer(LLAMA2).save(tokenizer_json)
    script = os.path.join(os.path.dirname(__file__), "datatrove_pipeline.py")
    wall, rss, stdout = subprocess_run([datatrove_python(), script, corpus, work, tokenizer_json,
                                        default_model_path()])
    return {"wall_s": wall, "peak_rss_mb": rss, **json.loads(stdout.strip().splitlines()[-1])}


def compare(mb: float, repeats: int) -> dict:
    """tokenmill and datatrove in turn on the same corpus, `repeats` pairs: medians and the ratio per pair."""
    corpus = os.path.join(OUT, f"corpus_{mb:g}mb.jsonl")
    built = mixed_corpus(mb, corpus)
    print(f"{mb:g} MB corpus: {built['documents']:,} documents, {built['mb']:.1f} MB of text")
    pairs = []
    for index in range(repeats):
        ours = tokenmill_run(corpus, os.path.join(OUT, "tokenmill"))
        theirs = datatrove(corpus, os.path.join(OUT, "datatrove"))
        pairs.append({"tokenmill": ours, "datatrove": theirs, "ratio": theirs["wall_s"] / ours["wall_s"]})
        print(f"  pair {index + 1}: tokenmill {ours['wall_s']:.1f} s ({ours['outside_stages_share']:.0%} outside "
              f"stages, {ours['peak_rss_mb']:.0f} MB), datatrove {theirs['wall_s']:.1f} s "
              f"({theirs['peak_rss_mb']:.0f} MB): {pairs[-1]['ratio']:.2f}x")
    median = statistics.median
    ours_wall = median(pair["tokenmill"]["wall_s"] for pair in pairs)
    theirs_wall = median(pair["datatrove"]["wall_s"] for pair in pairs)
    middle = min(pairs, key=lambda pair: abs(pair["tokenmill"]["wall_s"] - ours_wall))["tokenmill"]
    return {"corpus": built, "pairs": pairs,
            "tokenmill_wall_s": ours_wall, "datatrove_wall_s": theirs_wall,
            "ratio_of_medians": theirs_wall / ours_wall, "ratio_per_pair": [pair["ratio"] for pair in pairs],
            "median_ratio": median(pair["ratio"] for pair in pairs),
            "outside_stages_share": median(pair["tokenmill"]["outside_stages_share"] for pair in pairs),
            "outside_document_stages_share": median(pair["tokenmill"]["outside_document_stages_share"]
                                                    for pair in pairs),
            "tokenmill_peak_rss_mb": median(pair["tokenmill"]["peak_rss_mb"] for pair in pairs),
            "datatrove_peak_rss_mb": median(pair["datatrove"]["peak_rss_mb"] for pair in pairs),
            "tokenmill_mb_per_s": built["mb"] / ours_wall, "datatrove_mb_per_s": built["mb"] / theirs_wall,
            "stage_shares_of_median_run": {stage: seconds / middle["wall_s"] for stage, seconds in sorted(
                middle["stage_seconds"].items(), key=lambda item: -item[1])}}


def goals(sizes: dict, one_document: dict | None) -> list:
    """Issue 18's goals, each with the figure measured here."""
    rows = [{"goal": f"end to end >= 6x datatrove at {mb:g} MB", "measured": f"{run['median_ratio']:.2f}x",
             "met": run["median_ratio"] >= 6} for mb, run in sizes.items()]
    rows += [{"goal": f"<= 25% of the wall time outside any stage at {mb:g} MB",
              "measured": f"{run['outside_stages_share']:.0%}", "met": run["outside_stages_share"] <= 0.25}
             for mb, run in sizes.items() if mb == 20]
    rows += [{"goal": f"the same, the run's own steps (read, write, clusters, cache) as outside ({mb:g} MB)",
              "measured": f"{run['outside_document_stages_share']:.0%}",
              "met": run["outside_document_stages_share"] <= 0.25} for mb, run in sizes.items() if mb == 20]
    if one_document:
        rows.append({"goal": "a one-document full run in <= 4 s", "measured": f"{one_document['wall_s']:.2f} s",
                     "met": one_document["wall_s"] <= 4})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20", help="corpus sizes in MB, comma-separated (the goals: 20,50)")
    parser.add_argument("--repeats", type=int, default=3, help="tokenmill/datatrove pairs per size (medians)")
    parser.add_argument("--one-document-repeats", type=int, default=3,
                        help="runs of the one-document full run (bench/one_document.py's; 0: skip)")
    parser.add_argument("--two-workers", action="store_true",
                        help="also run each size on two workers, sampling the runner's and each worker's memory")
    parser.add_argument("--cpu", type=int, default=0, help="the one core every run is pinned to")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(OUT), "end_to_end.json"))
    args = parser.parse_args()
    os.sched_setaffinity(0, {args.cpu})          # every run and its children inherit it
    os.makedirs(OUT, exist_ok=True)
    loop_s = machine_loop_seconds()
    warm_up()
    sizes = {float(mb): compare(float(mb), args.repeats) for mb in args.sizes.split(",")}
    rows = [{"MB": run["corpus"]["mb"], "tokenmill s": run["tokenmill_wall_s"], "datatrove s": run["datatrove_wall_s"],
             "ratio (median of pairs)": run["median_ratio"], "outside stages": f"{run['outside_stages_share']:.0%}",
             "outside per-document stages": f"{run['outside_document_stages_share']:.0%}",
             "tokenmill MB/s/core": run["tokenmill_mb_per_s"], "tokenmill peak MB": run["tokenmill_peak_rss_mb"],
             "datatrove peak MB": run["datatrove_peak_rss_mb"]} for run in sizes.values()]
    print_table(rows, list(rows[0]))
    for mb, run in sizes.items():
        print(f"{mb:g} MB: ratio per pair {[round(r, 2) for r in run['ratio_per_pair']]}; tokenmill stage shares: "
              + ", ".join(f"{stage} {share:.0%}" for stage, share in run["stage_shares_of_median_run"].items()))
    one = None
    if args.one_document_repeats:
        from one_document import WORK, one_document, timed_runs
        os.makedirs(WORK, exist_ok=True)
        corpus = os.path.join(WORK, "corpus.jsonl")
        one = {"document": one_document(corpus), **timed_runs(tokenmill_command(corpus, os.path.join(WORK, "out"), 1),
                                                                os.path.join(WORK, "out"), args.one_document_repeats)}
        print(f"one document, every stage: median {one['wall_s']:.2f} s (runs {one['walls_s']}), "
              f"peak RSS {one['peak_rss_mb']:.0f} MB")
    memory = {f"{mb:g}": worker_memory(run_corpus, os.path.join(OUT, "tokenmill-2"))
              for mb, run_corpus in ((mb, os.path.join(OUT, f"corpus_{mb:g}mb.jsonl")) for mb in sizes)} \
        if args.two_workers else {}
    for mb, run in memory.items():
        print(f"two workers, {mb} MB: {run['wall_s']:.0f} s; peak RSS runner {run['runner_peak_mb']:.0f} MB, "
              f"largest worker {run['worker_peak_mb']:.0f} MB")
    met = goals(sizes, one)
    print_table(met, ["goal", "measured", "met"])
    print(f"this machine's speed: a Python loop of 10^7 additions took {loop_s:.2f} s (compare ratios across days)")
    write_json(args.out, {"machine_loop_s": loop_s,
        "sizes": {f"{mb:g}": run for mb, run in sizes.items()}, "one_document": one, "two_workers": memory,
        "goals": met, "rows": rows, "repeats": args.repeats, "cpu": args.cpu, "commit": _commit(),
        "tokenmill": tokenmill_executable(),
        "date": time.strftime("%Y-%m-%d %H:%M")})


def _commit() -> str:
    from one_document import commit
    return commit()


if __name__ == "__main__":
    main()
