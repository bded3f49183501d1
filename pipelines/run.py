"""Run the curation pipeline from a config: resolve inputs, run, then check the accounting."""
from __future__ import annotations

import logging
import sys

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import TestOptions

from filters.pii.ner_model import check_ner_model
from pipelines.accounting import COUNTS_FILE, accounting_problems
from pipelines.beam_options import pipeline_options
from pipelines.config import RunConfig
from pipelines.curate import NEAR_DEDUP_FILE, OUTPUT_PATHS, build_curation, configuration_warnings
from pipelines.decontam import check_benchmarks
from pipelines.funnel import format_funnel
from pipelines.inputs import InputError, resolve_inputs
from pipelines.json_output import read_json
from pipelines.progress import ProgressDisplay
from pipelines.report import tokenmill_counters, write_run_report
from pipelines.tokenize import prepare_tokenizer

EXIT_OK, EXIT_ACCOUNTING = 0, 1


def run_curation(config: RunConfig, beam_args: list, workers: int | None = None, out=None,
                 progress: bool | None = None, progress_stream=None) -> int:
    """Run to the end; print the funnel; non-zero exit when the accounting fails.

    `progress`: show it while running (default: when stderr is a terminal).
    """
    out, progress_stream = out or sys.stdout, progress_stream or sys.stderr
    files = resolve_inputs(config.inputs, config.source, config.read.format)
    show = progress_stream.isatty() if progress is None else progress
    with ProgressDisplay(progress_stream, sum(item.size_bytes for item in files), show):
        _, result, options = start_curation(config, beam_args, workers, files)
        result.wait_until_finish()
    if options.view_as(TestOptions).dry_run:
        print("dry run: the pipeline was translated and not executed", file=out)
        return EXIT_OK
    status = _check_and_print(FileSystems.join(config.output, "stats", COUNTS_FILE), out)
    page = write_run_report(config.output, tokenmill_counters(result), files)
    print(f"report: {page}", file=out)
    return max(status, _check_near_dedup(config, out))


def _check_near_dedup(config: RunConfig, out) -> int:
    """Star rounds that did not converge leave clusters unfinished: fail, never mis-cluster silently."""
    path = FileSystems.join(config.output, "stats", NEAR_DEDUP_FILE)
    if not config.near_dedup.enabled or not FileSystems.exists(path):
        return EXIT_OK
    report = read_json(path)
    if report["converged"]:
        return EXIT_OK
    print(f"NEAR-DEDUP FAILED: connected components did not converge in {report['rounds']} rounds "
          f"(edges changed in the last two: {report['changes_in_last_two_rounds']}); raise near_dedup.max_rounds "
          "or use near_dedup.components=union_find", file=out)
    return EXIT_ACCOUNTING


def start_curation(config: RunConfig, beam_args: list, workers: int | None = None,
                   files: list | None = None) -> tuple:
    """Check inputs and options, build the pipeline and start it: (pipeline, result, options).

    `files`: the inputs, when the caller has resolved them already.
    """
    if not config.output:
        raise InputError("no output: give --output DIR")
    if files is None:
        files = resolve_inputs(config.inputs, config.source, config.read.format)
    options = pipeline_options(beam_args, workers)
    check_benchmarks(config.decontaminate)
    if config.pii.enabled:
        check_ner_model(config.pii.ner_model)
    tokenizer_model = prepare_tokenizer(config)
    _quiet_local_worker_logs()
    for warning in configuration_warnings(config):
        print(f"tokenmill: warning: {warning}", file=sys.stderr)
    _clear_previous_outputs(config.output)
    pipeline = beam.Pipeline(options=options)
    build_curation(pipeline, config, files, tokenizer_model)
    return pipeline, pipeline.run(), options


def _check_and_print(counts_path: str, out) -> int:
    report = read_json(counts_path)
    print(format_funnel(report), file=out)
    problems = accounting_problems(report)
    for problem in problems:
        print(f"ACCOUNTING FAILED: {problem}", file=out)
    return EXIT_ACCOUNTING if problems else EXIT_OK


def _clear_previous_outputs(output: str) -> None:
    """Files of an earlier run into the same directory must not mix with this run's."""
    for name in OUTPUT_PATHS:
        path = FileSystems.join(output, name)
        if FileSystems.exists(path):
            FileSystems.delete([path])


def _quiet_local_worker_logs() -> None:
    """Local workers relay harmless start-up warnings through the job service logger."""
    logging.getLogger("apache_beam.runners.portability.local_job_service").setLevel(logging.ERROR)
