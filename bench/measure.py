"""Timing and memory helpers shared by the benchmarks."""
from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident memory of this process (or of its finished children), in MB."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def timed(function, repeats: int = 3) -> dict:
    """Run `function` `repeats` times; median and all wall times in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return {"median_s": statistics.median(times), "runs_s": [round(t, 3) for t in times]}


def median_seconds(function, repeats: int = 3) -> float:
    return timed(function, repeats)["median_s"]


def print_table(rows: list, columns: list) -> None:
    widths = [max(len(str(column)), *(len(_fmt(row.get(column))) for row in rows)) for column in columns]
    print("  ".join(str(column).ljust(width) for column, width in zip(columns, widths)))
    for row in rows:
        print("  ".join(_fmt(row.get(column)).ljust(width) for column, width in zip(columns, widths)))


def _fmt(value) -> str:
    return f"{value:,.2f}" if isinstance(value, float) else str(value)


def write_json(path: str, data: dict) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        json.dump(data, handle, indent=1, sort_keys=True)


def datatrove_python() -> str:
    """The python of datatrove's own environment (its pins conflict with tokenmill's test extra)."""
    path = os.environ.get("DATATROVE_PYTHON") or os.path.join(os.path.dirname(__file__), "..", ".venv-datatrove",
                                                               "bin", "python")
    if not os.path.exists(path):
        raise SystemExit(f"no datatrove environment at {path}: `make bench` builds it "
                         "(or set DATATROVE_PYTHON to a python with bench/datatrove-requirements.txt)")
    return path


# Runs a command and prints the largest peak RSS (KB) of its processes: each run gets a fresh parent,
# so one run's memory never shows up in another's figure.
_RSS_WRAPPER = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
                "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)")


def subprocess_run(command: list) -> tuple:
    """(wall seconds, peak RSS MB of the command's largest process, its stdout)."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", _RSS_WRAPPER, *command], check=True,
                            capture_output=True, text=True)
    rss_kb = int(result.stderr.strip().splitlines()[-1])
    return time.perf_counter() - start, rss_kb / 1024, result.stdout


def process_tree_peaks(command: list, interval: float = 0.2) -> dict:
    """Run `command`, sampling the resident memory of it and of every process it starts.

    Returns wall seconds, the peak RSS (MB) of the command's own process and the peak of
    each child process (for Beam's multi-process runner: the runner, then its workers)."""
    import psutil

    start = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    parent_peak, child_peaks = 0, {}
    while process.poll() is None:
        try:
            parent_peak = max(parent_peak, process.memory_info().rss)
            for child in process.children(recursive=True):
                child_peaks[child.pid] = max(child_peaks.get(child.pid, 0), child.memory_info().rss)
        except psutil.Error:         # a process ended between listing and sampling
            pass
        time.sleep(interval)
    stderr = process.stderr.read().decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({process.returncode}): {stderr[-2000:]}")
    children_mb = sorted((peak / 2**20 for peak in child_peaks.values()), reverse=True)
    return {"seconds": time.perf_counter() - start, "parent_mb": parent_peak / 2**20,
            "children_mb": children_mb, "largest_child_mb": children_mb[0] if children_mb else 0.0}
