"""Write a file under a temporary name and rename it into place, on any Beam filesystem.

A reader never sees half a file, and a retried bundle simply replaces the
file with the same bytes.
"""
from __future__ import annotations

from typing import Callable

from apache_beam.io.filesystems import FileSystems

TEMPORARY_SUFFIX = ".inprogress"


def write_atomically(path: str, write: Callable) -> None:
    temporary = path + TEMPORARY_SUFFIX
    with FileSystems.create(temporary) as handle:
        write(handle)
    if FileSystems.exists(path):
        FileSystems.delete([path])
    FileSystems.rename([temporary], [path])
