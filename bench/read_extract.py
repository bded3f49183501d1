"""Benchmark: read + extract + normalise, plain functions and through the Beam pipeline.

    python bench/read_extract.py [--mb 50] [--repeats 3]

Builds a WARC corpus of real Common Crawl HTML (see bench/real_corpus.py for
how it is replicated), then reports MB/s of HTML in and documents/s per core,
wall time and peak RSS, as a table and as bench/out/read_extract.json.
"""
from __future__ import annotations

import argparse
import glob
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from measure import peak_rss_mb, print_table, write_json  # noqa: E402
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


def pipeline_run(corpus: str, output: str, workers: int) -> dict:
    """One `tokenmill run` in a fresh process: wall seconds and the largest process's peak RSS."""
    before = peak_rss_mb(children=True)
    start = time.perf_counter()
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "tokenmill"), "run",
                    "--input", os.path.join(corpus, "*.warc.gz"), "--output", output,
                    "--workers", str(workers), *[arg for item in LATER_STAGES_OFF for arg in ("--set", item)]],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return {"wall_s": time.perf_counter() - start, "peak_rss_mb": max(before, peak_rss_mb(children=True))}


def median_run(function, repeats: int) -> dict:
    runs = sorted((function() for _ in range(repeats)), key=lambda run: run["wall_s"])
    return runs[len(runs) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50, help="MB of HTML in the corpus")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    corpus = os.path.join(OUT, "corpus")
    summary = build_warc_corpus(corpus, int(args.mb * 1e6))
    files = sorted(glob.glob(os.path.join(corpus, "*.warc.gz")))
    mb, docs = summary["html_bytes"] / 1e6, summary["records"]
    print(f"corpus: {mb:.1f} MB of HTML in {docs} records ({summary['unique_pages']} real pages, "
          f"{summary['unique_html_bytes'] / 1e6:.1f} MB, replicated {summary['copies']}x) in {len(files)} files")

    def plain():
        start = time.perf_counter()
        plain_functions(files)
        return {"wall_s": time.perf_counter() - start, "peak_rss_mb": peak_rss_mb()}

    tiny = os.path.join(OUT, "tiny")
    build_warc_corpus(tiny, 1, files=1, max_pages=1)
    startup = median_run(lambda: pipeline_run(tiny, os.path.join(OUT, "tiny_run"), 1), args.repeats)
    rows = [{"run": "Beam start-up only (one page)", "cores": 1, **startup}]
    for name, cores, overhead, run in (
            ("plain functions, no Beam", 1, 0.0, plain),
            ("Beam in-memory runner", 1, startup["wall_s"],
             lambda: pipeline_run(corpus, os.path.join(OUT, "run1"), 1)),
            ("Beam multi-process runner", 2, startup["wall_s"],
             lambda: pipeline_run(corpus, os.path.join(OUT, "run2"), 2))):
        measured = median_run(run, args.repeats)
        wall = measured["wall_s"]
        rows.append({"run": name, "cores": cores, **measured,
                     "MB/s/core": mb / wall / cores, "docs/s/core": docs / wall / cores,
                     "MB/s/core_after_startup": mb / (wall - overhead) / cores})
    print_table(rows, ["run", "cores", "wall_s", "MB/s/core", "docs/s/core", "MB/s/core_after_startup",
                       "peak_rss_mb"])
    write_json(os.path.join(os.path.dirname(OUT), "read_extract.json"),
               {"corpus": summary, "rows": rows, "repeats": args.repeats,
                "date": time.strftime("%Y-%m-%d"), "cpu_count": os.cpu_count()})


if __name__ == "__main__":
    main()
