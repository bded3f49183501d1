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

    def process(self, value, *_after):
        write_json_atomically(self._path, value)
        yield self._path


class WriteJson(beam.PTransform):
    """A PCollection holding exactly one JSON-serialisable value -> that value in `path`. `after`: a
    PCollection that must be whole first (taken as a side input and not read), such as the paths of the
    files the value describes."""

    def __init__(self, path: str, after=None):
        super().__init__()
        self._path, self._after = path, after

    def expand(self, pcoll):
        after = () if self._after is None else (beam.pvalue.AsList(self._after),)
        return pcoll | beam.ParDo(_WriteFn(self._path), *after)
