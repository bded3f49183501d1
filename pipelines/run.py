"""Run the curation pipeline from a config: check everything, replace the previous output, run, report.

Order matters, because a mistake must cost one line and nothing else:

1. the config (already checked by load_config), the inputs, Beam's options
   for the chosen runner, and every side file, read and parsed here;
2. the pipeline is built;
3. the output location is proved writable (a probe file, written and
   removed), and only then are the previous outputs removed, the side files
   staged and the pipeline run. `--dry_run=True` stops before step 3: nothing
   is written. With --strict, a warning from steps 1-2 stops the run there.

A usage mistake raises a tokenmill.usage.UsageError before any output is
touched.
"""
from __future__ import annotations

import logging
import sys
import uuid
from dataclasses import dataclass

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import StandardOptions, TestOptions
from apache_beam.runners.portability.fn_api_runner import FnApiRunner

from filters.language import codes_not_labelled
from filters.pii.pii_filter import PiiConfig
from pipelines.accounting import COUNTS_FILE, accounting_problems
from pipelines.beam_options import DEFAULT_LOG_LEVEL, LOCAL_RUNNER, give_filesystems_the_options, pipeline_options
from pipelines.config import ConfigError, RunConfig, language_code_options
from pipelines.curate import NEAR_DEDUP_FILE, OUTPUT_PATHS, build_curation, configuration_warnings
from pipelines.decontam import check_benchmarks
from pipelines.emptied import emptied_sources
from pipelines.filesystem_checks import looked_at
from pipelines.funnel import format_funnel
from pipelines.held_errors import HeldBeamErrors
from pipelines.input_names import normal_path, readable_name
from pipelines.inputs import InputError, resolve_inputs
from pipelines.json_output import read_json
from pipelines.progress import ProgressDisplay
from pipelines.report import tokenmill_counters, write_run_report
from pipelines.reuse import check_reuse, remove_unfinished_entries, reuse_summary
from pipelines.reuse_stages import remove_earlier_results
from pipelines.stage_builders import BUILDERS, check_stage
from pipelines.staging import Staging, read_side_files, side_files_by_stage
from tokenization.sentencepiece_model import describe

EXIT_OK, EXIT_ACCOUNTING, EXIT_WARNINGS = 0, 1, 1
DRY_RUNNING_RUNNERS = ("DataflowRunner", "TestDataflowRunner")    # the runners that honour --dry_run


@dataclass
class PreparedRun:
    """A checked run, built and not started: nothing has been written yet."""
    config: RunConfig
    files: list
    options: object
    staging: Staging
    pipeline: beam.Pipeline
    warnings: list
    run_id: str = ""        # names the cache files this run writes (pipelines/reuse_stages.py)

    @property
    def dry_run(self) -> bool:
        return bool(self.options.view_as(TestOptions).dry_run)

    def start(self):
        """Replace the previous outputs, stage the side files, run (after check_output_writable).
        Returns Beam's result."""
        _clear_previous_outputs(self.config.output)
        remove_unfinished_entries(self.config.output)
        self.staging.write()
        return self.pipeline.run()

    def translate(self):
        """A dry run: Dataflow translates the job and stops (its own dry run); other runners would run,
        so for them the pipeline is only translated to its portable form here."""
        if self.options.view_as(StandardOptions).runner in DRY_RUNNING_RUNNERS:
            return self.pipeline.run()
        self.pipeline.to_runner_api()
        return None


def run_curation(config: RunConfig, beam_args: list, workers: int | None = None, out=None,
                 progress: bool | None = None, progress_stream=None, strict: bool = False,
                 log_level: str = DEFAULT_LOG_LEVEL, when_built=None) -> int:
    """Run to the end; print the funnel; non-zero exit when the accounting fails (or, with `strict`, on
    any warning).

    `progress`: show it while running (default: when stderr is a terminal). `when_built`: called once
    the pipeline is built, before anything runs (the command line settles its heap there).
    """
    out, progress_stream = out or sys.stdout, progress_stream or sys.stderr
    run = prepare_curation(config, beam_args, workers, log_level=log_level)
    if when_built is not None:
        when_built()
    if strict and run.warnings:
        _warn(run.warnings)
        print("tokenmill: --strict: stopping before the run, on the warnings above", file=sys.stderr)
        return EXIT_WARNINGS
    if not run.dry_run:
        check_output_writable(config.output)
    _warn(run.warnings)
    if run.dry_run:
        run.translate()
        print(f"dry run: every option and side file checked, the pipeline built and not executed; "
              f"{config.output} was not touched", file=out)
        return EXIT_OK
    show = progress_stream.isatty() if progress is None else progress
    try:
        with HeldBeamErrors(_runs_locally(run.options)), ProgressDisplay(
                progress_stream, sum(item.size_bytes for item in run.files), show):
            result = run.start()
            result.wait_until_finish()
    finally:
        run.staging.remove()
    remove_earlier_results(config.output, run.run_id)
    report = read_json(FileSystems.join(config.output, "stats", COUNTS_FILE))
    status = _check_and_print(report, out)
    counters = tokenmill_counters(result)
    page, drawing = write_run_report(config.output, counters, run.files)
    print(f"report: {page}" + (" (its charts are drawn in the background: there within seconds)"
                               if drawing else ""), file=out)
    print(reuse_summary(counters, len(run.files)), file=out)
    warnings = emptied_sources(report)
    _warn(warnings)
    status = max(status, _check_near_dedup(config, out))
    return max(status, EXIT_WARNINGS if strict and warnings else EXIT_OK)


def _warn(warnings: list) -> None:
    for warning in warnings:
        print(f"tokenmill: warning: {warning}", file=sys.stderr)


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


def prepare_curation(config: RunConfig, beam_args: list, workers: int | None = None, files: list | None = None,
                     log_level: str = DEFAULT_LOG_LEVEL) -> PreparedRun:
    """Check inputs, options and side files, and build the pipeline: nothing is written.

    `files`: the inputs, when the caller has resolved them already.
    """
    if not config.output:
        raise InputError("no output: give --output DIR")
    for option, path in [("--output", config.output)] + [("--reuse", earlier) for earlier in config.reuse]:
        _check_utf8_path(option, normal_path(path))     # a relative path holds the working directory's name
    give_filesystems_the_options(beam_args)
    if files is None:
        files = resolve_inputs(config.inputs, config.source, config.read.format)
    options = pipeline_options(beam_args, workers, sum(item.size_bytes for item in files), log_level)
    check_reuse(config)
    by_stage = side_files_by_stage(config)
    side_files = [side_file for stage_files in by_stage.values() for side_file in stage_files]
    contents = read_side_files(side_files)
    staging = Staging.for_run(options, config.output, side_files, contents)
    warnings = configuration_warnings(config) + _check_side_files(config, by_stage, contents,
                                                                  staging if _runs_here(options) else None)
    _quiet_local_worker_logs()
    pipeline = beam.Pipeline(options=options)
    run_id = uuid.uuid4().hex[:16]
    build_curation(pipeline, config, files, staging, run_id)
    return PreparedRun(config, files, options, staging, pipeline, warnings, run_id)


def start_curation(config: RunConfig, beam_args: list, workers: int | None = None,
                   files: list | None = None) -> tuple:
    """Check, build and start (or, for a dry run, only translate): (pipeline, result, options)."""
    run = prepare_curation(config, beam_args, workers, files)
    if run.dry_run:
        return run.pipeline, run.translate(), run.options
    check_output_writable(config.output)
    return run.pipeline, run.start(), run.options


def _runs_locally(options) -> bool:
    """The local runner, in this process or with worker processes (pipelines/beam_options.py)."""
    runner = options.view_as(StandardOptions).runner
    return runner == LOCAL_RUNNER or isinstance(runner, FnApiRunner)


def _runs_here(options) -> bool:
    """The local runner with one worker runs the pipeline in this process (pipelines/beam_options.py)."""
    return options.view_as(StandardOptions).runner == LOCAL_RUNNER


def _check_side_files(config: RunConfig, by_stage: dict, contents: dict, staging: Staging | None) -> list:
    """Build each stage that reads side files from what was read here; the warnings they give.
    `staging`: when the workers run in this process, which then take the stages built here
    (pipelines/stage_builders.py)."""
    warnings = []
    for stage, stage_files in by_stage.items():
        if stage in BUILDERS and (stage_files or stage == "language" or _custom_entities(config, stage)):
            built = check_stage(stage, getattr(config, stage), contents,
                                staging.select(stage_files) if staging is not None else None)
            if stage == "language":
                _check_language_codes(config, built.model.labels())
            if stage == "unsafe_words" and stage_files:
                words = config.unsafe_words
                warnings += [f"unsafe_words.{option}: {words.lists} has no list for {code!r}"
                             for option, codes in (("also_check", words.also_check),
                                                   ("unknown_language", [words.unknown_language]))
                             for code in codes if code not in built.lists]
    if "decontaminate" in by_stage:
        check_benchmarks(config.decontaminate, contents)
    for side_file in by_stage.get("tokenize", []):
        describe(contents[side_file.location], f"tokenizer {side_file.location}")
    return warnings


def _check_language_codes(config: RunConfig, labels: list) -> None:
    problems = [problem for option, codes in language_code_options(config)
                for problem in codes_not_labelled(option, codes, labels)]
    if problems:
        raise ConfigError(problems[0])


def _custom_entities(config: RunConfig, stage: str) -> bool:
    """PII entities other than the defaults are checked against the analyzer (building it takes a second)."""
    default = PiiConfig()
    return stage == "pii" and (config.pii.entities != default.entities
                               or config.pii.english_entities != default.english_entities)


def _check_utf8_path(option: str, path: str) -> None:
    """A path whose name is not UTF-8 (Linux allows any bytes) cannot be carried by Beam's string coders
    or written into the manifest: a usage error now, not a failure while the pipeline is built."""
    shown = readable_name(path)         # the path itself exactly when it is UTF-8
    if shown != path:
        raise InputError(f"{option} {shown}: the path is not UTF-8; give a directory whose name is")


def check_output_writable(output: str) -> None:
    """Write and remove a probe file, so that an unwritable output fails now, not after the whole run."""
    def probe():
        path = FileSystems.join(output, f".tokenmill-write-probe-{uuid.uuid4().hex}")
        with FileSystems.create(path) as handle:
            handle.write(b"probe")
        FileSystems.delete([path])

    looked_at(output, probe, f"--output {output}", failed=f"cannot write to --output {output}")


def _check_and_print(report: dict, out) -> int:
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
    """Local workers relay one harmless start-up warning each (no semi-persistent directory, which only
    Beam's containers have); every other warning a worker relays is kept."""
    relay = logging.getLogger("apache_beam.runners.portability.local_job_service")
    if not any(isinstance(known, _NoSemiPersistentNote) for known in relay.filters):
        relay.addFilter(_NoSemiPersistentNote())


class _NoSemiPersistentNote(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "No semi_persistent_directory found" not in record.getMessage()
