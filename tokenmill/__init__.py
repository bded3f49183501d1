"""tokenmill: web crawls to curated documents and token shards.

This package holds what every layer shares and nothing heavy: the version and
the usage-error base class. The pipeline lives in corpus/, filters/,
tokenization/, reporting/ and pipelines/; the command line in beam_runner.py.
"""
from __future__ import annotations


def version() -> str:
    """The installed distribution's version (pyproject.toml), without importing anything else."""
    from importlib.metadata import PackageNotFoundError, version as installed_version
    try:
        return installed_version("tokenmill")
    except PackageNotFoundError:
        return "unknown (not installed)"
