"""Where the local multi-process runner starts to pay: in-process vs worker processes, by input size.

    python bench/local_runner.py [--mb 4,8,16,32] [--repeats 3] [--workers N] [--out FILE.json]

Corpus: end_to_end.py's mix of real Common Crawl paragraphs (dolma), written as
plain JSONL of each size, so the input size the launcher sees is the text's.
Each size runs `tokenmill run` with every stage on (end_to_end.py's command:
real URL lists, GSM8K/HumanEval decontamination, the Llama 2 tokenizer) in
this process (--workers 1) and with worker processes (--workers N, one per CPU
of this machine by default). The multi-process runner pays a fixed start-up
(worker processes, each loading the models and compiled loops) and then
spreads the work. pipelines/beam_options.py keeps a run in this process
where it did not pay (IN_PROCESS_UP_TO_CPUS, IN_PROCESS_BELOW_BYTES):
docs/runners.md has the figures.
Writes bench/out/local_runner.json.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from end_to_end import mixed_corpus, tokenmill_command, warm_up  # noqa: E402
from measure import print_table, subprocess_run, write_json  # noqa: E402

from pipelines.beam_options import IN_PROCESS_BELOW_BYTES, usable_cpus  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "out", "local_runner")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", default="4,8,16,32")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=usable_cpus())
    parser.add_argument("--out", default=os.path.join(os.path.dirname(OUT), "local_runner.json"))
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    warm_up()
    rows = []
    for mb in [float(size) for size in args.mb.split(",")]:
        corpus = os.path.join(OUT, f"corpus-{mb}.jsonl")
        built = mixed_corpus(mb, corpus)
        input_bytes = os.path.getsize(corpus)
        walls = {}
        for workers in (1, args.workers):
            output = os.path.join(OUT, f"out-{mb}-{workers}")
            walls[workers] = [subprocess_run(tokenmill_command(corpus, output, workers))[0]
                              for _ in range(args.repeats)]
        single, multi = statistics.median(walls[1]), statistics.median(walls[args.workers])
        rows.append({"input MB": input_bytes / 1e6, "documents": built["documents"],
                     "in-process s": single, f"{args.workers} workers s": multi, "speed-up": single / multi,
                     "runs": {str(workers): [round(wall, 2) for wall in runs] for workers, runs in walls.items()}})
        print_table(rows[-1:], ["input MB", "documents", "in-process s", f"{args.workers} workers s", "speed-up"])
    paying = [row["input MB"] for row in rows if row["speed-up"] > 1]
    result = {"rows": rows, "workers": args.workers, "repeats": args.repeats,
              "smallest_input_mb_where_workers_pay": min(paying) if paying else None,
              "threshold_in_code_mb": IN_PROCESS_BELOW_BYTES / 1e6, "usable_cpus": usable_cpus(),
              "date": time.strftime("%Y-%m-%d")}
    print_table(rows, ["input MB", "documents", "in-process s", f"{args.workers} workers s", "speed-up"])
    print(f"worker processes pay from {result['smallest_input_mb_where_workers_pay']} MB of input; "
          f"the code switches at {result['threshold_in_code_mb']:.1f} MB")
    write_json(args.out, result)


if __name__ == "__main__":
    main()
