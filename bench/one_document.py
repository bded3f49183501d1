"""The fixed cost of a run: one real document through every stage, as bench/end_to_end.py enables them.

    python bench/one_document.py [--repeats 5] [--cpu 0] [--label after] [--pii both|on|off]

The document is the first of dolma's Common Crawl pages (../shared/data/web).
The command is bench/end_to_end.py's (`tokenmill run --workers 1`, the real
URL lists, LDNOOBW, GSM8K and HumanEval decontamination, Llama 2's tokenizer,
three budgets), each run a fresh process pinned to one core (--cpu), timed
from outside with its peak RSS; medians of --repeats. With PII on (the
default config) and with `pii.enabled=false`.

The wall time is until `tokenmill run` returns. Its report page is complete
then except for the charts, which a process the run leaves behind draws
(docs/report.md); the time until the page holds them is reported too
(`charts_ready_s`), and the next run waits for it, so no run shares the core
with the last one's drawing.

Beside the runs, the floor that imports alone set (`import_floor_s`): each
import a run cannot do without, in a fresh process on the same core (Python
itself; Beam; Presidio as filters/pii/engine.py imports it, spaCy with it;
numba with its first compiled kernel loaded from its cache), and the three
together, which no run of every stage can go below.

Writes bench/out/one_document.json, keeping the figures of other --label
values already there (e.g. `--label before` on an older commit).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from end_to_end import tokenmill_command  # noqa: E402
from measure import subprocess_run  # noqa: E402
from real_corpus import real_text_rows  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out")
WORK = os.path.join(OUT, "one_document")
CHARTS_TIMEOUT_S = 60
_KERNELS = "from filters.dedup.shingles import word_unit_hashes; word_unit_hashes('a b')"
IMPORTS = {"python": "pass", "beam": "import apache_beam", "presidio": "import filters.pii.engine",
           "numba_kernels": _KERNELS,
           "together": f"import apache_beam; import filters.pii.engine; {_KERNELS}"}


def one_document(path: str) -> dict:
    row = real_text_rows(0)[0]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": row["id"], "url": row["url"], "text": row["text"]}, ensure_ascii=False) + "\n")
    return {"id": row["id"], "characters": len(row["text"])}


def charts_ready(output: str, since: float) -> float | None:
    """Seconds from `since` until report/index.html holds its charts (None: not within the timeout)."""
    page = os.path.join(output, "report", "index.html")
    while time.perf_counter() - since < CHARTS_TIMEOUT_S:
        try:
            with open(page, encoding="utf-8") as handle:
                if "data:image/png;base64," in handle.read():
                    return time.perf_counter() - since
        except FileNotFoundError:
            pass
        time.sleep(0.02)
    return None


def timed_runs(command: list, output: str, repeats: int) -> dict:
    walls, rss, ready = [], [], []
    for _ in range(repeats):
        shutil.rmtree(output, ignore_errors=True)       # no page of the last run to mistake for this one's
        start = time.perf_counter()
        wall, peak, _ = subprocess_run(command)
        walls.append(wall)
        rss.append(peak)
        ready.append(charts_ready(output, start))
    known = [seconds for seconds in ready if seconds is not None]
    return {"wall_s": statistics.median(walls), "walls_s": [round(w, 3) for w in walls],
            "peak_rss_mb": statistics.median(rss),
            "charts_ready_s": statistics.median(known) if known else None,
            "charts_missing": len(ready) - len(known)}


def import_floor(repeats: int) -> dict:
    """Median wall seconds of each of IMPORTS in a fresh process."""
    return {name: statistics.median(subprocess_run([sys.executable, "-c", code])[0] for _ in range(repeats))
            for name, code in IMPORTS.items()}


def commit() -> str:
    return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--cpu", type=int, default=0, help="the one core every run is pinned to")
    parser.add_argument("--label", default="after", help="the key these figures are stored under")
    parser.add_argument("--pii", choices=("both", "on", "off"), default="both")
    args = parser.parse_args()
    os.sched_setaffinity(0, {args.cpu})          # inherited by every run and its children
    os.makedirs(WORK, exist_ok=True)
    corpus, output = os.path.join(WORK, "corpus.jsonl"), os.path.join(WORK, "out")
    document = one_document(corpus)
    base = tokenmill_command(corpus, output, 1)
    figures = {"commit": commit(), "date": time.strftime("%Y-%m-%d %H:%M"), "repeats": args.repeats,
               "cpu": args.cpu, "document": document}
    for pii in (("on", "off") if args.pii == "both" else (args.pii,)):
        command = base + ([] if pii == "on" else ["--set", "pii.enabled=false"])
        figures[f"pii_{pii}"] = result = timed_runs(command, output, args.repeats)
        print(f"one document, PII {pii}: median {result['wall_s']:.2f} s wall (runs {result['walls_s']}), "
              f"charts ready at {result['charts_ready_s']} s, peak RSS {result['peak_rss_mb']:.0f} MB")
    figures["import_floor_s"] = floor = import_floor(args.repeats)
    print("imports alone, fresh processes: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in floor.items()))
    path = os.path.join(OUT, "one_document.json")
    everything = {}
    if os.path.exists(path):
        with open(path) as handle:
            everything = json.load(handle)
    everything[args.label] = figures
    with open(path, "w") as handle:
        json.dump(everything, handle, indent=1, sort_keys=True)
    print(f"written to {path} under {args.label!r}")


if __name__ == "__main__":
    main()
