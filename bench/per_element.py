"""Per-element cost of a whole run: wall, CPU and the share of time outside any stage.

    python bench/per_element.py [--mb 20] [--repeats 3] [--label before]

The corpus is bench/end_to_end.py's mixed real text (--mb MB); the command is its tokenmill command
(`tokenmill run --workers 1`: in this process, every stage on). Run it pinned to one core
(`taskset -c 0`) under the shared CPU lock. Each run's wall and CPU time (user + system of that process
alone, bench/measure.py run_alone), the number of leaf transforms and of fused stages the runner
executes, the per-stage seconds of its report (the `time_us.*` counters) and so the share of wall time
outside any stage; medians of --repeats. Results go under --label into bench/out/per_element.json, so a
before and an after run sit side by side.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(1, os.path.join(os.path.dirname(__file__), ".."))

from end_to_end import mixed_corpus, outside_shares, tokenmill_command  # noqa: E402
from measure import run_alone  # noqa: E402

OUT_DIR = os.path.join(os.path.dirname(__file__), "out")
WORK = os.path.join(OUT_DIR, "per_element")


def one_run(corpus: str, output: str, code: str | None = None) -> dict:
    """`code`: another checkout whose modules the run imports instead (PYTHONPATH wins over the
    editable install), to compare two versions in turn on a noisy machine."""
    env = {**os.environ, "PYTHONPATH": code} if code else None
    # run_alone: that process's own usage, and the chart drawer it leaves waited for, not run beside the next
    measured = run_alone(tokenmill_command(corpus, output, 1), env=env)
    wall, cpu = measured["wall_s"], measured["cpu_s"]
    with open(os.path.join(output, "report", "report.json")) as handle:
        stages = json.load(handle)["stage_seconds"]
    shares = outside_shares(stages, wall)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "in_stages_s": round(sum(stages.values()), 2),
            "outside_share": round(shares["outside_stages_share"], 3),
            "outside_document_stages_share": round(shares["outside_document_stages_share"], 3),
            "stage_seconds": stages}


def pipeline_size(corpus: str, output: str) -> tuple:
    """(leaf transforms, fused stages) of the run's pipeline, built as `tokenmill run` builds it: the
    transforms without parts, and the stages the FnApiRunner's own optimiser fuses them into."""
    from apache_beam.runners.portability.fn_api_runner.fn_runner import FnApiRunner

    from beam_runner import _config_from, build_parser
    from pipelines.run import prepare_curation
    args, beam_args = build_parser().parse_known_args(tokenmill_command(corpus, output, 1)[1:])
    prepared = prepare_curation(_config_from(args), beam_args, args.workers)
    proto = prepared.pipeline.to_runner_api()
    leaves = sum(not transform.subtransforms for transform in proto.components.transforms.values())
    _, stages = FnApiRunner().create_stages(proto)
    return leaves, len(stages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--label", default="current")
    parser.add_argument("--base", default=None,
                        help="a checkout of the code to compare with: its runs alternate with this one's, "
                             "stored under LABEL-base")
    args = parser.parse_args()
    os.makedirs(WORK, exist_ok=True)
    corpus = os.path.join(WORK, f"corpus-{args.mb:g}.jsonl")
    built = mixed_corpus(args.mb, corpus)
    leaves, stages = pipeline_size(corpus, os.path.join(WORK, "out"))
    print(f"leaf transforms: {leaves}, fused stages: {stages}")
    versions = {args.label: None, **({f"{args.label}-base": args.base} if args.base else {})}
    runs = {label: [] for label in versions}
    for _ in range(args.repeats):
        for label, code in versions.items():
            runs[label].append(one_run(corpus, os.path.join(WORK, "out"), code))
    path = os.path.join(OUT_DIR, "per_element.json")
    results = json.load(open(path)) if os.path.exists(path) else {}
    for label in versions:
        median = {key: statistics.median(run[key] for run in runs[label])
                  for key in ("wall_s", "cpu_s", "in_stages_s", "outside_share")}
        print(f"{label}: {built['documents']:,} documents, {built['mb']:.1f} MB; median of {args.repeats}: "
              f"wall {median['wall_s']:.1f} s, CPU {median['cpu_s']:.1f} s, "
              f"outside any stage {median['outside_share']:.0%}; walls {[run['wall_s'] for run in runs[label]]}")
        results[label] = {"corpus": built, "median": median, "runs": runs[label],
                          "fused_stages": stages if label == args.label else None,
                          "leaf_transforms": leaves if label == args.label else None,
                          "command": "taskset -c 0 python bench/per_element.py --mb "
                                     f"{args.mb:g} --repeats {args.repeats} --label {args.label}"
                                     + (" --base BASE_CHECKOUT" if args.base else ""),
                          "date": time.strftime("%Y-%m-%d %H:%M")}
    with open(path, "w") as handle:
        json.dump(results, handle, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
