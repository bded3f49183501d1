"""Run the curation pipeline from a config: resolve inputs, run, then check the accounting."""
from __future__ import annotations

import logging
import sys

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import TestOptions

from pipelines.accounting import COUNTS_FILE, accounting_problems, read_counts
from pipelines.beam_options import pipeline_options
from pipelines.config import RunConfig
from pipelines.curate import OUTPUT_DIRS, build_curation
from pipelines.funnel import format_funnel
from pipelines.inputs import resolve_inputs

EXIT_OK, EXIT_ACCOUNTING = 0, 1


def run_curation(config: RunConfig, beam_args: list, workers: int | None = None,
                 out=sys.stdout) -> int:
    files = resolve_inputs(config.inputs, config.source, config.read.format)
    options = pipeline_options(beam_args, workers)
    _quiet_local_worker_logs()
    if not config.output:
        raise ValueError("no output: give --output DIR")
    _clear_previous_outputs(config.output)
    pipeline = beam.Pipeline(options=options)
    build_curation(pipeline, config, files)
    pipeline.run().wait_until_finish()
    if options.view_as(TestOptions).dry_run:
        print("dry run: the pipeline was translated and not executed", file=out)
        return EXIT_OK
    return _check_and_print(FileSystems.join(config.output, "stats", COUNTS_FILE), out)


def _check_and_print(counts_path: str, out) -> int:
    report = read_counts(counts_path)
    print(format_funnel(report), file=out)
    problems = accounting_problems(report)
    for problem in problems:
        print(f"ACCOUNTING FAILED: {problem}", file=out)
    return EXIT_ACCOUNTING if problems else EXIT_OK


def _clear_previous_outputs(output: str) -> None:
    """Files of an earlier run into the same directory must not mix with this run's."""
    for name in OUTPUT_DIRS:
        directory = FileSystems.join(output, name)
        if FileSystems.exists(directory):
            FileSystems.delete([directory])


def _quiet_local_worker_logs() -> None:
    """Local workers relay harmless start-up warnings through the job service logger."""
    logging.getLogger("apache_beam.runners.portability.local_job_service").setLevel(logging.ERROR)
