"""vCPU-hours, shuffle bytes and worker memory for the 2T, 8T and 13T budgets, from measured per-core rates.

    python bench/scale_on_paper.py

Nothing is run: the rates are this machine's medians from the other benchmarks
(named beside each), and the keep fractions are assumptions, stated below.
The rates of read + extract and of PII are read from the bench/out JSON of the
script that measures them (it stops with the command to run when that file is
absent); the others are still copied from docs/benchmarks.md, each with its
script named. Writes bench/out/scale_on_paper.json; docs/scale.md holds the
output and discusses it.
"""
from __future__ import annotations

import json
import os
import sys

BENCH_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out")


def measured(file: str, command: str, pick) -> float:
    """The figure `pick` takes from bench/out/FILE, which `command` writes."""
    path = os.path.join(BENCH_OUT, file)
    if not os.path.exists(path):
        sys.exit(f"scale_on_paper: {path} is missing; run `{command}` first (it measures a rate used here)")
    with open(path) as handle:
        return float(pick(json.load(handle)))


def _row(rows: list, name: str) -> dict:
    return next(row for row in rows if row["run"] == name)


READ_EXTRACT = measured("read_extract.json", "flock /tmp/tokenmill-cpu.lock python bench/read_extract.py",
                        lambda data: _row(data["rows"], "Beam in-memory runner")["MB/s/core_after_startup"])
PII = measured("pii_quality.json", "flock /tmp/tokenmill-cpu.lock taskset -c 0 python bench/pii_quality.py",
               lambda data: data["common_crawl"]["mb_s"]["tokenmill"])
# MB/s per core measured here inside `tokenmill run` where a run gives them, and the bytes each stage sees.
RATES = {                               # stage: (MB/s per core, what it reads, benchmark)
    "read + extract": (READ_EXTRACT, "html", "read_extract.json: Beam in-memory runner after start-up, pinned"),
    "normalize + URL + unsafe words": (7.7, "text", "end_to_end.py, the three stages' time inside the run"),
    "language ID": (2.45, "text", "end_to_end.py, stage time inside the run"),
    "quality rules": (2.47, "english", "end_to_end.py, stage time inside the run"),
    "exact + near dedup": (1.85, "filtered", "dedup_scale.py, whole near-dedup run at 102 MB"),
    "PII": (PII, "deduped", "pii_quality.json: tokenmill's detector on dolma's Common Crawl"),
    "decontamination": (20.0, "deduped", "end_to_end.py inside the run (decontam_quality.py: 38-48)"),
    "tokenize + pack + write": (2.3, "deduped", "end_to_end.py, stage time inside the run"),
}
ASSUMPTIONS = {
    "bytes_per_token": 4.0,        # mostly English web text, 32k-256k SentencePiece (2.8 measured on dolma's
                                   # multilingual sample with Llama 2's 32k model)
    "text_per_html": 0.16,         # measured: resiliparse main content on the 380 real pages in ../shared
    # The next three are chosen so that the overall yield is near FineWeb's: 15T tokens from 96
    # crawls, about 0.16T tokens per crawl. These give 0.25T per crawl.
    "english_share": 0.45,         # share of extracted text that language ID keeps as English
    "quality_keep": 0.35,          # share of English text the quality and unsafe rules keep
    "dedup_keep": 0.1,             # share left after exact and near dedup across many crawls
    "crawl_html_tb": 400.0,        # one monthly Common Crawl: about 3 billion pages, ~400 TB uncompressed
    "doc_bytes": 4000,             # mean text bytes per kept document
}
BUDGETS = {"2T": 2e12, "8T": 8e12, "13T": 13e12}


def plan(tokens: float, epochs: float) -> dict:
    a = ASSUMPTIONS
    deduped = tokens / epochs * a["bytes_per_token"]          # text bytes that reach PII and tokenization
    filtered = deduped / a["dedup_keep"]
    english = filtered / a["quality_keep"]
    text = english / a["english_share"]
    sizes = {"html": text / a["text_per_html"], "text": text, "english": english, "filtered": filtered,
             "deduped": deduped}
    hours = {stage: sizes[reads] / (rate * 1e6) / 3600 for stage, (rate, reads, _) in RATES.items()}
    documents = filtered / a["doc_bytes"]
    shuffle = {"exact dedup (whole documents)": filtered,
               "near dedup (14 band keys + ids per document)": documents * 14 * 40,
               "tokenization (uint32 ids)": deduped / a["bytes_per_token"] * 4}
    return {"html_tb": sizes["html"] / 1e12, "crawls": sizes["html"] / 1e12 / a["crawl_html_tb"],
            "hours": hours, "shuffle_tb": {k: v / 1e12 for k, v in shuffle.items()}}


def main() -> None:
    print("assumptions:", ASSUMPTIONS)
    print("rates, MB/s per core:", {stage: round(rate, 2) for stage, (rate, _, _) in RATES.items()})
    for epochs in (1, 4):
        print(f"\nunique data for {epochs} epoch(s) of each budget")
        print(f"{'budget':<7}{'HTML TB':>10}{'crawls':>8}{'vCPU-h total':>14}{'of it PII':>11}{'shuffle TB':>12}")
        for name, tokens in BUDGETS.items():
            result = plan(tokens, epochs)
            total = sum(result["hours"].values())
            print(f"{name:<7}{result['html_tb']:>10,.0f}{result['crawls']:>8.1f}{total:>14,.0f}"
                  f"{result['hours']['PII'] / total:>11.0%}"
                  f"{sum(result['shuffle_tb'].values()):>12,.1f}")
    print("\nvCPU-hours per stage, 13T at 4 epochs:")
    for stage, hours in plan(13e12, 4)["hours"].items():
        print(f"  {stage:<34}{hours:>12,.0f}   ({RATES[stage][2]})")
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from measure import write_json
    write_json(os.path.join(BENCH_OUT, "scale_on_paper.json"), {
        "command": "python bench/scale_on_paper.py", "assumptions": ASSUMPTIONS,
        "rates_mb_s_per_core": {stage: {"rate": rate, "reads": reads, "source": source}
                                for stage, (rate, reads, source) in RATES.items()},
        "plans": {f"{name}, {epochs} epoch(s)": plan(tokens, epochs) for epochs in (1, 4)
                  for name, tokens in BUDGETS.items()}})
    print(f"wrote {os.path.join(BENCH_OUT, 'scale_on_paper.json')}")


if __name__ == "__main__":
    main()
