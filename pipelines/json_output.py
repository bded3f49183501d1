"""Write one JSON object, computed in the pipeline, atomically to a path on any Beam filesystem."""
from __future__ import annotations

import json

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from pipelines.atomic_files import write_atomically


def write_json_atomically(path: str, value) -> None:
    data = json.dumps(value, indent=1, sort_keys=True).encode()
    write_atomically(path, lambda handle: handle.write(data))


def read_json(path: str):
    with FileSystems.open(path) as handle:
        return json.loads(handle.read().decode())


class _WriteFn(beam.DoFn):
    def __init__(self, path):
        self._path = path

    def process(self, value):
        write_json_atomically(self._path, value)
        yield self._path


class WriteJson(beam.PTransform):
    """A PCollection holding exactly one JSON-serialisable value -> that value in `path`."""

    def __init__(self, path: str):
        super().__init__()
        self._path = path

    def expand(self, pcoll):
        return pcoll | beam.ParDo(_WriteFn(self._path))
