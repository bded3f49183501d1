"""tokenmill: web crawls to curated documents and token shards.

This package holds what every layer shares and nothing heavy: the version and
the usage-error base class. The pipeline lives in corpus/, filters/,
tokenization/, reporting/ and pipelines/; the command line in beam_runner.py.
"""
from __future__ import annotations

import warnings


def version() -> str:
    """The installed distribution's version (pyproject.toml), without importing anything else."""
    from importlib.metadata import PackageNotFoundError, version as installed_version
    try:
        return installed_version("tokenmill")
    except PackageNotFoundError:
        return "unknown (not installed)"


def hide_python_support_notices() -> None:
    """Google's client libraries (Beam's gcp extra) warn at import, one per library, that they will stop
    updating for Python 3.10: ten lines on every start of a run, about their future releases, not about
    the run. Every other warning stays."""
    warnings.filterwarnings("ignore", message="You are using a non-supported Python version",
                            category=FutureWarning)
