"""Beam's own options, checked before a run, and the default local runner.

Beam discards flags it does not know with only a log warning, so a misspelt
`--temp_locaton` would silently run with the default. Here every flag that
tokenmill does not own must be a Beam option, or the run stops with one line.
"""
from __future__ import annotations

import os

from apache_beam.options.pipeline_options import (DirectOptions, PipelineOptions,
                                                  StandardOptions, _BeamArgumentParser)
from apache_beam.runners.runner import create_runner

LOCAL_RUNNER = "FnApiRunner"   # named explicitly: DirectRunner first tries to download Prism


class BeamOptionError(ValueError):
    pass


class _StrictBeamParser(_BeamArgumentParser):
    def error(self, message):
        raise BeamOptionError(message)


def check_beam_args(beam_args: list) -> None:
    parser = _StrictBeamParser(allow_abbrev=False)
    seen = {}
    for cls in PipelineOptions.__subclasses__():
        seen.setdefault(str(cls), cls)
    for cls in seen.values():
        cls._add_argparse_args(parser)  # pylint: disable=protected-access
    _, unknown = parser.parse_known_args(beam_args)
    flags = [arg for arg in unknown if arg.startswith("-")]
    if flags:
        raise BeamOptionError(f"unknown option {flags[0]} (neither a tokenmill nor a Beam option)")


def pipeline_options(beam_args: list, workers: int | None = None) -> PipelineOptions:
    """Beam options; without --runner, the local Python runner on every core."""
    check_beam_args(beam_args)
    options = PipelineOptions(beam_args)
    standard = options.view_as(StandardOptions)
    if standard.runner:
        _check_runner(standard.runner)
    else:
        standard.runner = LOCAL_RUNNER
        direct = options.view_as(DirectOptions)
        count = workers or os.cpu_count() or 1
        direct.direct_num_workers = count
        direct.direct_running_mode = "multi_processing" if count > 1 else "in_memory"
    return options


def _check_runner(name: str) -> None:
    try:
        create_runner(name)
    except (ValueError, ImportError) as error:
        raise BeamOptionError(str(error).split(". Valid values")[0]) from None
