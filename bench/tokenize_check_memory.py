"""Peak memory of the tokenize stage's engine check: `tokenize.engine` auto against sentencepiece.

    python bench/tokenize_check_memory.py [--mb 20] [--repeats 1] [--label after]

bench/end_to_end.py's every-stage command and remixed real corpus, one
worker, pinned to one core (--cpu). `tokenize.engine=sentencepiece` does no
check and loads no kitoken: the run as it was before kitoken was offered.
`auto` compares kitoken with SentencePiece on a sample of the run's own text
first (on the launcher, for the given model of end_to_end's command), then
encodes with kitoken. The figure is each run's peak RSS (the largest process), median of
--repeats. Writes bench/out/tokenize_check_memory.json, keeping other --label
values already there.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from end_to_end import OUT, mixed_corpus, tokenmill_command  # noqa: E402
from measure import subprocess_run  # noqa: E402
from one_document import commit  # noqa: E402

FILTERS_OFF = ("normalize", "url_filter", "language", "quality", "unsafe_words", "exact_dedup", "near_dedup", "pii",
               "decontaminate")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--cpu", type=int, default=0)
    parser.add_argument("--label", default="after")
    parser.add_argument("--filters-off", action="store_true",
                        help="every filter and dedup off (bench/tokenizer_engine.py's run): no shuffle before tokenize")
    args = parser.parse_args()
    os.sched_setaffinity(0, {args.cpu})
    os.makedirs(OUT, exist_ok=True)
    corpus = os.path.join(OUT, f"check_memory_{args.mb:g}mb.jsonl")
    built = mixed_corpus(args.mb, corpus)
    figures = {"filters_off": args.filters_off, "commit": commit(), "date": time.strftime("%Y-%m-%d %H:%M"), "corpus": built}
    for engine in ("sentencepiece", "auto"):
        command = tokenmill_command(corpus, os.path.join(OUT, f"check_memory_{engine}"), 1) + [
            "--set", f"tokenize.engine={engine}"] + [arg for stage in (FILTERS_OFF if args.filters_off else ())
                                                     for arg in ("--set", f"{stage}.enabled=false")]
        runs = [subprocess_run(command)[:2] for _ in range(args.repeats)]
        figures[engine] = {"peak_rss_mb": statistics.median(rss for _, rss in runs),
                           "wall_s": statistics.median(wall for wall, _ in runs),
                           "runs": [[round(wall, 2), round(rss, 1)] for wall, rss in runs]}
        print(f"{built['mb']:.1f} MB, tokenize.engine={engine}: peak RSS {figures[engine]['peak_rss_mb']:.0f} MB, "
              f"{figures[engine]['wall_s']:.1f} s")
    figures["auto_minus_sentencepiece_mb"] = figures["auto"]["peak_rss_mb"] - figures["sentencepiece"]["peak_rss_mb"]
    print(f"auto - sentencepiece: {figures['auto_minus_sentencepiece_mb']:+.0f} MB peak RSS")
    path = os.path.join(os.path.dirname(OUT), "tokenize_check_memory.json")
    everything = json.load(open(path)) if os.path.exists(path) else {}
    everything[args.label + (" filters off" if args.filters_off else "")] = figures
    with open(path, "w") as handle:
        json.dump(everything, handle, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
