"""Timing and memory helpers shared by the benchmarks."""
from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def peak_rss_mb() -> float:
    """Peak resident memory of this process, in MB (a child's: `run_alone`)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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


def tokenmill_executable() -> str:
    """The `tokenmill` the benchmarks time: $TOKENMILL_BIN, else that of .venv-plain (`make bench` makes it:
    tokenmill installed as `pip install -e .` installs it, no extra), else the one beside this python.

    Not this python's by default: the test extra also installs Beam's GCP clients and Hugging Face datasets
    (with pandas), which Beam imports at start-up when they are there, about 1.8 s of every run here
    that a user's plain install never pays."""
    plain = os.path.join(os.path.dirname(__file__), "..", ".venv-plain", "bin", "tokenmill")
    path = os.environ.get("TOKENMILL_BIN") or (plain if os.path.exists(plain) else
                                               os.path.join(os.path.dirname(sys.executable), "tokenmill"))
    return os.path.abspath(path)


def run_alone(command: list, stdout=subprocess.DEVNULL, env: dict | None = None) -> dict:
    """Run `command` to its end: wall s, CPU s and peak RSS MB of that process alone.

    The usage is the one os.wait4 returns for that child: its own, with its descendants that it waited
    for (ru_maxrss is then the largest of them), never an earlier child's, as RUSAGE_CHILDREN of this
    process would be. Processes the command leaves behind (`tokenmill run` draws its report's charts in
    a detached process) are waited for after the wall time is taken and before this returns, so they
    never run beside the next measurement on the same core. A failing command raises, with the end of
    its stderr. `env`: the command's environment (default: this process's)."""
    cold_output(command)
    adopt_orphans()
    with tempfile.TemporaryFile("w+") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, text=True, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        wait_for_orphans()
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            stderr.seek(0)
            raise RuntimeError(f"{' '.join(command)[:200]} failed ({process.returncode}): {stderr.read()[-2000:]}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024}


def cold_output(command: list) -> None:
    """Remove the cache of a `tokenmill` (or `beam_runner.py`) run's output before it is timed, so that every
    timed run is cold: a run into an output that holds an earlier run's cache takes its prefix entries and
    per-document results from there, without --reuse (docs/reuse.md), and a second repeat would time a
    warm run. Only OUTPUT/cache goes (it is what makes a run warm; tokenmill replaces the rest itself, once
    its checks pass), and nothing when a --reuse directory is the output, lies inside it or holds it: that
    run is meant warm."""
    if not command or not (os.path.basename(command[0]) == "tokenmill" or
                           any(str(arg).endswith("beam_runner.py") for arg in command[:2])):
        return
    outputs, reused = _option_values(command, "--output"), _option_values(command, "--reuse")
    if not outputs:
        return
    output = os.path.realpath(outputs[-1])        # argparse keeps the last
    for earlier in map(os.path.realpath, reused):
        if os.path.commonpath([output, earlier]) in (output, earlier):
            return
    remove_output_cache(output)


def remove_output_cache(output: str) -> None:
    """What makes a run into `output` warm: its cache/ (docs/reuse.md)."""
    shutil.rmtree(os.path.join(output, "cache"), ignore_errors=True)


def _option_values(command: list, option: str) -> list:
    """The values of `option`, given as `OPTION VALUE` or `OPTION=VALUE`."""
    values = []
    for index, arg in enumerate(command):
        if arg == option and index + 1 < len(command):
            values.append(command[index + 1])
        elif str(arg).startswith(option + "="):
            values.append(arg[len(option) + 1:])
    return values


_PR_SET_CHILD_SUBREAPER = 36


def adopt_orphans() -> None:
    """Linux: descendants orphaned by a command become this process's children (prctl's subreaper), so
    that `wait_for_orphans` can wait for them; elsewhere nothing."""
    if sys.platform.startswith("linux"):
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def wait_for_orphans() -> None:
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def subprocess_run(command: list) -> tuple:
    """(wall seconds, peak RSS MB of the command's largest process, its stdout): `run_alone`, stdout kept."""
    with tempfile.TemporaryFile("w+") as out:
        run = run_alone(command, stdout=out)
        out.seek(0)
        return run["wall_s"], run["peak_rss_mb"], out.read()


def process_tree_peaks(command: list, interval: float = 0.2) -> dict:
    """Run `command`, sampling the resident memory of it and of every process it starts.

    Returns wall seconds, the peak RSS (MB) of the command's own process and the peak of
    each child process (for Beam's multi-process runner: the runner, then its workers)."""
    import psutil

    cold_output(command)
    adopt_orphans()
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
    seconds = time.perf_counter() - start
    stderr = process.stderr.read().decode(errors="replace")
    wait_for_orphans()         # as run_alone: the chart drawer a run leaves never runs beside the next one
    if process.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({process.returncode}): {stderr[-2000:]}")
    children_mb = sorted((peak / 2**20 for peak in child_peaks.values()), reverse=True)
    return {"seconds": seconds, "parent_mb": parent_peak / 2**20,
            "children_mb": children_mb, "largest_child_mb": children_mb[0] if children_mb else 0.0}
