"""Benchmark: read + extract + normalise, plain functions and through the Beam pipeline.

    python bench/read_extract.py [--mb 50] [--repeats 3]

Builds a WARC corpus of real Common Crawl HTML (see bench/real_corpus.py for
how it is replicated), then reports MB/s of HTML in and documents/s per core,
wall time, CPU time and peak RSS, as a table and as bench/out/read_extract.json.
Then each step alone, plain functions on one core over the previous step's
output in memory: reading, main-content extraction, whole-page extraction
(`extract.main_content: false`) and normalisation (MB/s of text).
Every run is its own process, and its CPU time and peak RSS are that process's
alone (os.wait4, bench/measure.py `run_alone`; RUSAGE_CHILDREN, used before,
also held every earlier child). The one-core rows are pinned with
`taskset -c 0`; the multi-process runner has both cores. Run it under the
shared lock: `flock /tmp/tokenmill-cpu.lock python bench/read_extract.py`.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))

from measure import print_table, run_alone, write_json  # noqa: E402
from real_corpus import build_warc_corpus  # noqa: E402

from corpus.html_extract import ExtractConfig, HtmlExtractor  # noqa: E402
from corpus.normalize import NormalizeConfig, Normalizer  # noqa: E402
from corpus.warc_reader import read_archive  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "out", "read_extract")
# Only read, extract and normalise: every later stage is switched off.
LATER_STAGES_OFF = [f"{stage}.enabled=false" for stage in (
    "url_filter", "language", "quality", "unsafe_words", "exact_dedup", "near_dedup", "pii", "decontaminate",
    "tokenize")]


def plain_functions(files: list) -> int:
    """The same work without Beam, on one core: the ceiling the pipeline is measured against."""
    extract, normalize = HtmlExtractor(ExtractConfig()), Normalizer(NormalizeConfig())
    kept = 0
    for path in files:
        with open(path, "rb") as handle:
            for item in read_archive(handle, path, "bench", 64 << 20):
                document = extract(item) if not hasattr(item, "error_type") else None
                if document is not None and hasattr(document, "text"):
                    kept += hasattr(normalize(document), "text")
    return kept


def step_seconds(files: list) -> dict:
    """Each step alone, on one core, over what the step before produced, held in memory: reading the
    archives, extraction (main content, as by default, and the whole page's text), normalisation."""
    start = time.perf_counter()
    items = []
    for path in files:
        with open(path, "rb") as handle:
            items += read_archive(handle, path, "bench", 64 << 20)
    seconds = {"read": time.perf_counter() - start}
    pages = [item for item in items if not hasattr(item, "error_type")]
    for name, main_content in (("extract_main_content", True), ("extract_whole_page", False)):
        extract = HtmlExtractor(ExtractConfig(main_content=main_content))
        start = time.perf_counter()
        extracted = [extract(page) for page in pages]
        seconds[name] = time.perf_counter() - start
        if main_content:
            documents = [document for document in extracted if hasattr(document, "text")]
    normalize = Normalizer(NormalizeConfig())
    text_mb = sum(len(document.text.encode()) for document in documents) / 1e6
    start = time.perf_counter()
    for document in documents:
        normalize(document)
    seconds["normalize"] = time.perf_counter() - start
    return {"seconds": seconds, "text_mb": text_mb, "documents": len(documents)}


PIN = ["taskset", "-c", "0"]        # the one-core rows; the multi-process runner gets both cores


def pipeline_run(corpus: str, output: str, workers: int) -> dict:
    """One `tokenmill run` in a fresh process: wall and CPU seconds and the peak RSS of its largest process,
    of this run alone (`run_alone`: the usage os.wait4 gives for that child, not RUSAGE_CHILDREN)."""
    return run_alone((PIN if workers == 1 else []) + [
        os.path.join(os.path.dirname(sys.executable), "tokenmill"), "run",
        "--input", os.path.join(corpus, "*.warc.gz"), "--output", output,
        "--workers", str(workers), *[arg for item in LATER_STAGES_OFF for arg in ("--set", item)]])


def plain_run(corpus: str) -> dict:
    """plain_functions in a fresh pinned process, which times itself, wall and CPU (no interpreter start-up
    in the figure); its peak RSS is that process's alone, not this one's, which built the corpus."""
    with tempfile.TemporaryFile("w+") as out:
        run = run_alone(PIN + [sys.executable, os.path.abspath(__file__), "--plain", corpus], stdout=out)
        out.seek(0)
        return {**run, **json.loads(out.read())}


def steps_run(corpus: str, repeats: int) -> dict:
    """step_seconds in a fresh pinned process per repeat; per step, the median."""
    runs = []
    for _ in range(repeats):
        with tempfile.TemporaryFile("w+") as out:
            run_alone(PIN + [sys.executable, os.path.abspath(__file__), "--steps", corpus], stdout=out)
            out.seek(0)
            runs.append(json.loads(out.read()))
    return {**runs[0], "seconds": {step: statistics.median(run["seconds"][step] for run in runs)
                                   for step in runs[0]["seconds"]}}


def median_run(function, repeats: int) -> dict:
    runs = sorted((function() for _ in range(repeats)), key=lambda run: run["wall_s"])
    return {**runs[len(runs) // 2], "runs_s": [round(run["wall_s"], 2) for run in runs]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50, help="MB of HTML in the corpus")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--plain", metavar="CORPUS", help=argparse.SUPPRESS)
    parser.add_argument("--steps", metavar="CORPUS", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plain:
        start, cpu = time.perf_counter(), time.process_time()
        plain_functions(sorted(glob.glob(os.path.join(args.plain, "*.warc.gz"))))
        print(json.dumps({"wall_s": time.perf_counter() - start, "cpu_s": time.process_time() - cpu}))
        return
    if args.steps:
        print(json.dumps(step_seconds(sorted(glob.glob(os.path.join(args.steps, "*.warc.gz"))))))
        return
    corpus = os.path.join(OUT, "corpus")
    summary = build_warc_corpus(corpus, int(args.mb * 1e6))
    files = sorted(glob.glob(os.path.join(corpus, "*.warc.gz")))
    mb, docs = summary["html_bytes"] / 1e6, summary["records"]
    print(f"corpus: {mb:.1f} MB of HTML in {docs} records ({summary['unique_pages']} real pages, "
          f"{summary['unique_html_bytes'] / 1e6:.1f} MB, replicated {summary['copies']}x) in {len(files)} files")

    tiny = os.path.join(OUT, "tiny")
    build_warc_corpus(tiny, 1, files=1, max_pages=1)
    startup = median_run(lambda: pipeline_run(tiny, os.path.join(OUT, "tiny_run"), 1), args.repeats)
    rows = [{"run": "Beam start-up only (one page)", "cores": 1, **startup}]
    for name, cores, overhead, run in (
            ("plain functions, no Beam", 1, 0.0, lambda: plain_run(corpus)),
            ("Beam in-memory runner", 1, startup["wall_s"],
             lambda: pipeline_run(corpus, os.path.join(OUT, "run1"), 1)),
            ("Beam multi-process runner", 2, startup["wall_s"],
             lambda: pipeline_run(corpus, os.path.join(OUT, "run2"), 2))):
        measured = median_run(run, args.repeats)
        wall = measured["wall_s"]
        rows.append({"run": name, "cores": cores, **measured,
                     "MB/s/core": mb / wall / cores, "docs/s/core": docs / wall / cores,
                     "MB/s/core_after_startup": mb / (wall - overhead) / cores})
    print_table(rows, ["run", "cores", "wall_s", "cpu_s", "MB/s/core", "docs/s/core", "MB/s/core_after_startup",
                       "peak_rss_mb"])
    steps = steps_run(corpus, args.repeats)
    step_rows = [{"step": step, "seconds": seconds,
                  "MB/s/core": (steps["text_mb"] if step == "normalize" else mb) / seconds,
                  "of": "text" if step == "normalize" else "HTML"} for step, seconds in steps["seconds"].items()]
    print_table(step_rows, ["step", "seconds", "MB/s/core", "of"])
    write_json(os.path.join(os.path.dirname(OUT), "read_extract.json"),
               {"command": "python bench/read_extract.py " + " ".join(sys.argv[1:]), "corpus": summary,
                "rows": rows, "steps": step_rows, "text_mb": steps["text_mb"], "repeats": args.repeats, "pinned": "taskset -c 0 for the one-core rows",
                "date": time.strftime("%Y-%m-%d"), "cpu_count": os.cpu_count()})


if __name__ == "__main__":
    main()
