"""Where a whole run's wall time goes outside the stages: the launcher's phases, then the run itself.

    taskset -c 0 python bench/outside_time.py [--mb 20] [--repeats 3]

The corpus and command are bench/end_to_end.py's (`tokenmill run --workers 1`, every stage on, the
pipeline run in the launcher's own process). Each run starts TOKENMILL_BIN's Python on this script in
--drive mode, which wraps a few of tokenmill's own functions with clocks and then runs the command as
`tokenmill` would. The marks, all on one wall clock, split each run into:

- start-up: from the process's start to the checks (the interpreter, then Beam's and tokenmill's imports);
- the checks and the build (pipelines.run.prepare_curation), with its largest parts: building the
  stages that read side files to check them, and the tokenizer engine's check on the run's own text;
- the run (PreparedRun.start: the output cleared, the side files staged, the pipeline translated and
  executed), split into the report's stage seconds and the rest;
- after: the funnel, the report page, and the process's exit.

Medians of --repeats, into bench/out/outside_time.json. Only tokenmill's own names are wrapped: the run
is the one a user gets, with a few clock reads more.
"""
from __future__ import annotations

import argparse
import atexit
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

OUT = os.path.join(os.path.dirname(__file__), "out")
WORK = os.path.join(OUT, "outside_time")
# (module, function or Class.method): the spans timed inside the launcher, outermost first.
SPANS = (("pipelines.run", "prepare_curation"), ("pipelines.run", "_check_side_files"),
         ("pipelines.curate", "engine_for_given_model"), ("pipelines.run", "build_curation"),
         ("pipelines.run", "PreparedRun.start"))


def drive(marks_path: str, argv: list) -> None:
    """In the measured process: clock SPANS, then run `tokenmill` with `argv`; the marks at exit."""
    import importlib
    marks = {}
    for module_name, dotted in SPANS:
        module = importlib.import_module(module_name)
        owner_name, _, name = dotted.rpartition(".")
        owner = getattr(module, owner_name) if owner_name else module
        setattr(owner, name, _clocked(getattr(owner, name), dotted, marks))
    atexit.register(lambda: _write(marks_path, marks))
    sys.argv = ["tokenmill", *argv]
    from beam_runner import console_main
    console_main()


def _clocked(function, name: str, marks: dict):
    def clocked(*args, **kwargs):
        marks[f"{name}.start"] = time.time()
        try:
            return function(*args, **kwargs)
        finally:
            marks[f"{name}.end"] = time.time()
    return clocked


def _write(path: str, marks: dict) -> None:
    with open(path, "w") as handle:
        json.dump(marks, handle)


def one_run(corpus: str, output: str) -> dict:
    from end_to_end import tokenmill_command
    from measure import cold_output, run_alone
    command = tokenmill_command(corpus, output, 1)
    python = os.path.join(os.path.dirname(command[0]), "python")
    marks_path = os.path.join(WORK, "marks.json")
    cold_output(command)        # a cold run: an earlier run's cache in the output would make it warm
    # run_alone waits for the chart drawer the run leaves: it never runs beside the next run's start-up
    began = time.time()
    wall = run_alone([python, os.path.abspath(__file__), "--drive", marks_path, "--", *command[1:]])["wall_s"]
    ended = began + wall
    with open(marks_path) as handle:
        marks = json.load(handle)
    with open(os.path.join(output, "report", "report.json")) as handle:
        stage_seconds = sum(json.load(handle)["stage_seconds"].values())
    return phases(marks, began, ended, stage_seconds)


def phases(marks: dict, began: float, ended: float, stage_seconds: float) -> dict:
    def span(name):
        return marks[f"{name}.end"] - marks[f"{name}.start"]
    run = span("PreparedRun.start")
    parts = {
        "start_up_s": marks["prepare_curation.start"] - began,
        "checks_and_build_s": span("prepare_curation"),
        "checks.side_file_stages_built_s": span("_check_side_files"),
        "checks.tokenizer_engine_check_s": span("engine_for_given_model"),
        "checks.pipeline_built_s": span("build_curation") - span("engine_for_given_model"),
        "between_build_and_run_s": marks["PreparedRun.start.start"] - marks["prepare_curation.end"],
        "run_in_stages_s": stage_seconds,
        "run_outside_stages_s": run - stage_seconds,
        "after_run_s": ended - marks["PreparedRun.start.end"],
    }
    wall = ended - began
    outside = wall - stage_seconds
    return {"wall_s": round(wall, 3), "outside_s": round(outside, 3), "outside_share": round(outside / wall, 3),
            **{key: round(value, 3) for key, value in parts.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--drive", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.drive:
        drive(args.drive, rest[1:] if rest[:1] == ["--"] else rest)
        return
    from end_to_end import mixed_corpus, warm_up
    from measure import write_json
    os.makedirs(WORK, exist_ok=True)
    corpus = os.path.join(WORK, f"corpus-{args.mb:g}.jsonl")
    built = mixed_corpus(args.mb, corpus)
    warm_up()
    runs = [one_run(corpus, os.path.join(WORK, "out")) for _ in range(args.repeats)]
    median = {key: round(statistics.median(run[key] for run in runs), 3) for key in runs[0]}
    for key, value in median.items():
        print(f"{key.replace('checks.', '  '):32s} {value:8.3f}" + (f"  ({value / median['wall_s']:.0%} of the wall)"
                                           if key.endswith("_s") and key != "wall_s" else ""))
    write_json(os.path.join(OUT, "outside_time.json"), {
        "corpus": built, "median": median, "runs": runs, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "command": f"taskset -c 0 python bench/outside_time.py --mb {args.mb:g} --repeats {args.repeats}"})


if __name__ == "__main__":
    main()
