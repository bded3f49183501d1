"""Every hostile case of issue 13, each run through `tokenmill run` on its own: a table of what it counted.

    python bench/hostile_cases.py [--code DIR] [--before DIR]

`--code DIR` runs the tokenmill checkout in DIR (default: this one); `--before
DIR` runs a second checkout too (e.g. a worktree of main) and prints both side
by side (`--before-from JSON` takes those runs from an earlier report). Each case is its own run, so that a case that kills a run (as some did
on main) cannot hide the others. The expected counts come from the cases' own
generator (tests/hostile/cases.py). Writes bench/out/hostile_cases.json.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from tests.hostile.cases import CASES, build_cases  # noqa: E402

SETTINGS = ["tokenize.enabled=false"]


def run_case(code: Path, name: str, cases: Path, output: Path) -> dict:
    """One `tokenmill run` of one case with the checkout in `code`: exit status, traceback, counts."""
    command = [sys.executable, str(code / "beam_runner.py"), "run", "--input", f"{name}={cases / name}/*",
               "--output", str(output), "--workers", "1", "--quiet"]
    for setting in SETTINGS:
        command += ["--set", setting]
    env = dict(os.environ, PYTHONPATH=str(code), NO_GCE_CHECK="True")
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=str(code), timeout=1800)
    counts_file = output / "stats" / "counts.json"
    entry = None
    if done.returncode in (0, 1) and counts_file.exists():
        entry = json.loads(counts_file.read_text())["sources"].get(name)
    return {"exit": done.returncode, "traceback": "Traceback" in done.stderr,
            "seconds": round(time.perf_counter() - started, 1),
            "read": None if entry is None else entry["read"], "kept": None if entry is None else entry["kept"],
            "dropped": None if entry is None else entry["dropped"],
            "errors": None if entry is None else entry["errors"],
            "error_types": None if entry is None else entry["error_types"]}


def run_all(code: Path, cases: Path, scratch: Path) -> dict:
    results = {}
    for case in CASES:
        results[case.name] = run_case(code, case.name, cases, scratch / f"{code.name}-{case.name}")
        print(f"  {code.name}: {case.name}: {results[case.name]['exit']}", file=sys.stderr)
    return results


def verdict(result: dict, want) -> str:
    if result["exit"] != 0 or result["traceback"]:
        return "crash" if result["traceback"] else f"exit {result['exit']}"
    if result["read"] is None:
        return "missing" if want.read else "ok"
    return "ok" if (result["read"], result["errors"]) == (want.read, want.errors) else "WRONG"


def cell(result: dict) -> str:
    if result["read"] is None:
        return "-"
    return f"{result['read']}/{result['kept']}/{result['dropped']}/{result['errors']}"


def table(expected: dict, runs: dict) -> str:
    labels = list(runs)
    issue = {case.name: case.issue_item for case in CASES}
    head = ["case", "item", "holds (read/errors)"] + [f"{label}: read/kept/dropped/errors" for label in labels] + \
        [f"{label}: verdict" for label in labels]
    rows = [head, ["---"] * len(head)]
    for name, want in expected.items():
        rows.append([name, issue[name] or "+", f"{want.read}/{want.errors}"] +
                    [cell(runs[label][name]) for label in labels] +
                    [verdict(runs[label][name], want) for label in labels])
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", default=str(ROOT), help="the tokenmill checkout to run (default: this one)")
    parser.add_argument("--before", default=None, help="a second checkout to run first, e.g. main")
    parser.add_argument("--before-from", default=None, metavar="JSON",
                        help="take the --before runs from an earlier bench/out/hostile_cases.json instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hostile-") as scratch:
        scratch = Path(scratch)
        expected = build_cases(scratch / "cases")
        runs = {}
        if args.before_from:
            runs["before"] = json.loads(Path(args.before_from).read_text())["runs"]["before"]
        elif args.before:
            runs["before"] = run_all(Path(args.before).resolve(), scratch / "cases", scratch / "before")
        runs["after" if "before" in runs else "this"] = run_all(Path(args.code).resolve(), scratch / "cases",
                                                                scratch / "after")
    print(table(expected, runs))
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    report = {"command": "python bench/hostile_cases.py" + (f" --before {args.before}" if args.before else "")
              + (f" --before-from {args.before_from}" if args.before_from else ""),
              "expected": {name: vars(want) for name, want in expected.items()}, "runs": runs}
    (out / "hostile_cases.json").write_text(json.dumps(report, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
