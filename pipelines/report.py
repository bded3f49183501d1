"""Write report/report.json and report/index.html after a run, and rebuild the page from the JSON.

After a run the page is written first without its charts, which a background
process then draws (pipelines/report_charts.py): the run does not wait for matplotlib.
"""
from __future__ import annotations

import datetime

from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics.metric import MetricsFilter

from pipelines.accounting import COUNTS_FILE
from pipelines.atomic_files import write_atomically
from pipelines.json_output import read_json, write_json_atomically
from pipelines.profile import PROFILE_FILE
from pipelines.report_charts import charts_in_background, start_drawing
from pipelines.stage import COUNTER_NAMESPACE
from reporting.html_page import render
from reporting.report_data import build_report
from tokenization.manifest import MANIFEST_FILE, PLANS_DIR

REPORT_DIR, REPORT_JSON, REPORT_HTML = "report", "report.json", "index.html"


def tokenmill_counters(result) -> dict:
    """name -> value of the tokenmill counters, summed over the steps that report them."""
    totals: dict = {}
    for counter in result.metrics().query(MetricsFilter().with_namespace(COUNTER_NAMESPACE))["counters"]:
        value = counter.committed if counter.committed is not None else counter.attempted
        totals[counter.key.metric.name] = totals.get(counter.key.metric.name, 0) + (value or 0)
    return totals


def write_run_report(output: str, counters: dict, input_files: list, background: bool | None = None) -> tuple:
    """(the page's path, the process drawing its charts or None when they are drawn already).

    `background`: draw the charts in a process the caller need not wait for (default: unless
    TOKENMILL_REPORT_CHARTS=wait)."""
    run = {"output": output, "input_files": len(input_files),
           "input_bytes": sum(item.size_bytes for item in input_files),
           "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
    report = build_report(_optional(FileSystems.join(output, "stats", COUNTS_FILE)) or {},
                          _optional(FileSystems.join(output, "stats", PROFILE_FILE)) or {},
                          _optional(FileSystems.join(output, MANIFEST_FILE)), _plans(output), counters, run)
    path = FileSystems.join(output, REPORT_DIR, REPORT_JSON)
    write_json_atomically(path, report)
    if not (charts_in_background() if background is None else background):
        return write_report_page(output, report), None
    page = write_report_page(output, report, with_charts=False)
    with FileSystems.open(path) as handle:
        return page, start_drawing(output, handle.read())


def write_report_page(output: str, report: dict | None = None, with_charts: bool = True) -> str:
    """index.html from `report`, or from the report.json already in `output` (`tokenmill report DIR`)."""
    report = report if report is not None else read_json(FileSystems.join(output, REPORT_DIR, REPORT_JSON))
    page = render(report, with_charts).encode("utf-8")
    path = FileSystems.join(output, REPORT_DIR, REPORT_HTML)
    write_atomically(path, lambda handle: handle.write(page))
    return path


def _optional(path: str):
    return read_json(path) if FileSystems.exists(path) else None


def _plans(output: str) -> dict:
    pattern = FileSystems.join(output, PLANS_DIR, "*.json")
    paths = [meta.path for match in FileSystems.match([pattern]) for meta in match.metadata_list]
    return {path.rsplit("/", 1)[-1][:-len(".json")]: read_json(path) for path in sorted(paths)}
