"""Timing and memory helpers shared by the benchmarks."""
from __future__ import annotations

import json
import resource
import statistics
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


def print_table(rows: list, columns: list) -> None:
    widths = [max(len(str(column)), *(len(_fmt(row.get(column))) for row in rows)) for column in columns]
    print("  ".join(str(column).ljust(width) for column, width in zip(columns, widths)))
    for row in rows:
        print("  ".join(_fmt(row.get(column)).ljust(width) for column, width in zip(columns, widths)))


def _fmt(value) -> str:
    return f"{value:,.2f}" if isinstance(value, float) else str(value)


def write_json(path: str, data: dict) -> None:
    with open(path, "w") as handle:
        json.dump(data, handle, indent=1, sort_keys=True)
