"""Files an export writes: under a temporary name, moved into place once complete, on any pyarrow filesystem."""
from __future__ import annotations

from contextlib import contextmanager

from tokenization.storage import Location

TEMPORARY_SUFFIX = ".inprogress"


@contextmanager
def atomic_output(destination: Location, name: str):
    """A writable stream for `name` in `destination`; a reader never sees half a file."""
    final = destination.path(name)
    temporary = final + TEMPORARY_SUFFIX
    destination.filesystem.create_dir(final.rsplit("/", 1)[0], recursive=True)
    with destination.filesystem.open_output_stream(temporary) as stream:
        yield stream
    destination.filesystem.move(temporary, final)
