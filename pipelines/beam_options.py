"""Beam's own options, checked before a run, and the default local runner.

Beam discards flags it does not know with only a log warning, so a misspelt
`--temp_locaton` would silently run with the default. Here every flag that
tokenmill does not own must be a Beam option, or the run stops with one line.
Beam's own validation of the options for the chosen runner (an invalid
Dataflow project id, a missing region, ...) runs here too: Beam would
otherwise run it only when the pipeline is constructed.

Without --runner the run is local: in this process for a small input, else
Beam's FnApiRunner with one worker process per CPU this process may use
(its CPU affinity, not the machine's count). The worker processes start
through pipelines/local_worker.py, so that Ctrl-C ends them quietly.
"""
from __future__ import annotations

import logging
import os
import sys

from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import (DirectOptions, GoogleCloudOptions, PipelineOptions,
                                                  StandardOptions, TestOptions, WorkerOptions)
from apache_beam.options.pipeline_options_validator import PipelineOptionsValidator
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.runners.runner import create_runner
from apache_beam.transforms.environments import SubprocessSDKEnvironment

from tokenmill.usage import UsageError

LOCAL_RUNNER = "FnApiRunner"   # named explicitly: DirectRunner first tries to download Prism
# When the multi-process runner cannot pay, measured by bench/local_runner.py (docs/runners.md). With
# 2 usable CPUs it never did: 2 worker processes were 0.60-0.98x the in-process speed at every size from
# 0.5 to 35 MB, the ratio falling with size, since the runner process (its in-memory shuffle and data
# plane) takes CPU from the same cores. With more CPUs, below 8 MB (a 12-23 s run here) the workers'
# start-up (7-11 s for 2 of them) would be most of what they save: judged, not measured on more cores.
IN_PROCESS_UP_TO_CPUS = 2
IN_PROCESS_BELOW_BYTES = 8 << 20
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DEFAULT_LOG_LEVEL = "WARNING"
_WORKER_COMMAND = f"{sys.executable} -m pipelines.local_worker"


class BeamOptionError(UsageError):
    pass


class RunOptions(PipelineOptions):
    """Beam's PipelineOptions, with one view per options class instead of one per call.

    Beam asks for a view (`view_as`) several times for every transform it applies while the pipeline
    is built (type checks, labels, each typehint consistency check), and each new view builds an
    argparse parser and parses every flag again: over a thousand parsers for a tokenmill pipeline,
    about half a second. A view holds only what it parsed from the same flags; its values live in the
    dictionary all views share, so the view kept here reads and writes exactly what a new one would.
    The views are not part of the pickled or copied state (Beam deep-copies options into a Pipeline):
    a copy makes its own.
    """

    def view_as(self, cls):
        views = self.__dict__.setdefault("_views", {})
        if cls not in views:
            views[cls] = super().view_as(cls)
        return views[cls]

    def __getstate__(self):
        state = dict(super().__getstate__())
        state.pop("_views", None)
        return state


def _refuse(message: str):
    raise BeamOptionError(message)


def check_beam_args(beam_args: list) -> None:
    """Every argument must be a Beam option with a valid value. Beam's public `get_all_options` builds the
    parser of every option class and hands it to `add_extra_args_fn`: the arguments are parsed there, by
    that parser (public argparse), with its `error` made to raise instead of printing usage and exiting."""
    def parse_strictly(parser) -> None:
        parser.error = _refuse
        _refuse_unknown(parser.parse_known_args(beam_args)[1])    # before Beam's own parse drops them

    PipelineOptions(beam_args).get_all_options(add_extra_args_fn=parse_strictly)


def _refuse_unknown(unknown: list) -> None:
    """What no option class knows: a misspelt flag, or a stray word."""
    flags = [arg for arg in unknown if arg.startswith("-")]
    if flags:
        raise BeamOptionError(f"unknown option {flags[0]} (neither a tokenmill nor a Beam option)")
    if unknown:     # a stray word: most often the second file of an unquoted glob the shell expanded
        raise BeamOptionError(f"unexpected argument {unknown[0]!r}: quote a glob (--input 'dir/*.jsonl') "
                              "or give --input once per pattern")


def give_filesystems_the_options(beam_args: list) -> None:
    """The launcher's own look at the inputs, --reuse and --output goes through FileSystems, whose S3 and
    GCS clients read their settings (--s3_endpoint_url, credentials, project) from the options: Beam hands
    them over only in pipeline.run(), after those checks. The arguments are checked first."""
    check_beam_args(beam_args)
    FileSystems.set_options(PipelineOptions(beam_args))


def usable_cpus() -> int:
    """The CPUs this process may run on: its affinity mask, which containers and taskset narrow."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:          # not on Linux
        return os.cpu_count() or 1


def local_workers(workers: int | None, input_bytes: int) -> int:
    """--workers when given; else 1 (in this process) where worker processes cannot pay (few CPUs, a small
    input), one per usable CPU otherwise."""
    if workers is not None:
        if workers < 1:
            raise BeamOptionError(f"--workers must be at least 1, got {workers}")
        return workers
    cpus = usable_cpus()
    return 1 if cpus <= IN_PROCESS_UP_TO_CPUS or input_bytes < IN_PROCESS_BELOW_BYTES else cpus


def pipeline_options(beam_args: list, workers: int | None = None, input_bytes: int = 0,
                     log_level: str = DEFAULT_LOG_LEVEL) -> PipelineOptions:
    """Beam options, checked for the runner they name; without --runner, the local runner."""
    check_beam_args(beam_args)
    options = RunOptions(beam_args)
    standard = options.view_as(StandardOptions)
    if standard.runner and standard.runner != LOCAL_RUNNER:
        if workers is not None:
            raise BeamOptionError(f"--workers sets the local runner's processes; {standard.runner} "
                                  "takes its own options (e.g. --num_workers on Dataflow)")
        _check_runner_endpoint(options, standard.runner)
        runner = _named_runner(standard.runner)
        _check_dataflow_locations(options, runner)
    elif standard.runner == "":
        raise BeamOptionError("--runner is empty: name a runner, or leave it out for the local runner")
    else:
        runner = _local_runner(options, local_workers(workers, input_bytes))
    worker = options.view_as(WorkerOptions)
    if worker.default_sdk_harness_log_level is None:      # the SDK harness logs at INFO unless told
        worker.default_sdk_harness_log_level = log_level
    errors = _validation_errors(options, runner)
    if errors:
        raise BeamOptionError(f"Beam option: {errors[0].strip()}")
    return options


def _validation_errors(options: PipelineOptions, runner) -> list:
    """Beam's checks for the runner, as a dry run makes them: the same errors, without probing the
    buckets' soft-delete policy over the network (a billing warning, which Beam's run still gives)."""
    test = options.view_as(TestOptions)
    dry_run, test.dry_run = test.dry_run, True
    try:
        return PipelineOptionsValidator(options, runner).validate()
    finally:
        test.dry_run = dry_run


# Runners that reach a job service. Without --job_endpoint Beam starts one itself, from a jar or binary it
# downloads from the internet at run time unless a local file is named (Flink, Spark, Prism), or fails
# inside pipeline.run() (Portable). Each maps to the option that names that local file.
_JOB_SERVER_FILE = {"PortableRunner": None, "PrismRunner": "prism_location",
                    "FlinkRunner": "flink_job_server_jar", "SparkRunner": "spark_job_server_jar"}
_UNSUPPORTED_RUNNERS = {"InteractiveRunner": "it is for notebooks; use the default local runner"}


def _check_runner_endpoint(options: PipelineOptions, name: str) -> None:
    """Checked before the runner is created and anything is written: a runner that would download its job
    server, or cannot run without one, is refused with the flag that it needs (docs/runners.md)."""
    short = name.rsplit(".", 1)[-1]
    if short in _UNSUPPORTED_RUNNERS:
        raise BeamOptionError(f"--runner {name} is not supported: {_UNSUPPORTED_RUNNERS[short]}")
    if short not in _JOB_SERVER_FILE:
        return
    given = options.get_all_options()
    if given.get("job_endpoint"):
        return
    local_option = _JOB_SERVER_FILE[short]
    if local_option is None:
        raise BeamOptionError(f"--runner {name} needs --job_endpoint HOST:PORT (a running job service)")
    local_file = given.get(local_option) or ""
    if not local_file or "://" in local_file:
        raise BeamOptionError(f"--runner {name} needs --job_endpoint HOST:PORT (a running job server), or "
                              f"--{local_option} naming a local file: else Beam would download one at run time")


def _named_runner(name: str):
    try:
        return create_runner(name)
    except (ValueError, ImportError) as error:
        raise BeamOptionError(str(error).split(". Valid values")[0]) from None


def _check_dataflow_locations(options: PipelineOptions, runner) -> None:
    """Without a valid bucket, Beam would try to create a default one over the network while validating."""
    if type(runner).__name__ != "DataflowRunner":
        return
    cloud = options.view_as(GoogleCloudOptions)
    if not cloud.temp_location:
        raise BeamOptionError("DataflowRunner needs --temp_location gs://BUCKET/PATH (side files and Beam's "
                              "own files are staged there)")
    errors = PipelineOptionsValidator(options, runner).validate_gcs_path(cloud, "temp_location")
    if errors:
        raise BeamOptionError(f"Beam option: {errors[0].strip()}")


def _local_runner(options: PipelineOptions, workers: int):
    """In this process for one worker; else worker processes started by pipelines/local_worker.py."""
    direct = options.view_as(DirectOptions)
    direct.direct_num_workers = workers
    direct.direct_running_mode = "in_memory"
    standard = options.view_as(StandardOptions)
    if workers == 1:
        standard.runner = LOCAL_RUNNER
        return create_runner(LOCAL_RUNNER)
    # A runner built with its worker environment; the "in_memory" mode keeps Beam from replacing it
    # with its own multi-process command. Beam's note that in_memory wants one worker does not apply.
    logging.getLogger("apache_beam.runners.portability.fn_api_runner.fn_runner").addFilter(_NotInMemoryNote())
    runner = FnApiRunner(default_environment=SubprocessSDKEnvironment.from_command_string(_WORKER_COMMAND))
    standard.runner = runner
    return runner


class _NotInMemoryNote(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "direct_running_mode should be" not in record.getMessage()
