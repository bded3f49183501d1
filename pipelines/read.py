"""Read input files through Beam's filesystems (local, gs://, s3://) into items and errors."""
from __future__ import annotations

from dataclasses import dataclass

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from corpus.document import ErrorRecord
from corpus.formats import reader_kind
from corpus.jsonl_reader import read_jsonl
from corpus.parquet_reader import read_parquet
from corpus.read_errors import not_silent, read_error
from corpus.record_fields import FieldMap
from corpus.warc_reader import read_archive
from pipelines.config import ReadConfig
from pipelines.progress import ProgressNote
from pipelines.stage import COUNTER_NAMESPACE, ERRORS


@dataclass(frozen=True, order=True)
class InputFile:
    source: str
    path: str                # what a worker opens
    format: str
    size_bytes: int
    name: str = ""           # the path below its input pattern's root: in ids, meta.file and error locations


class _ReadFileFn(beam.DoFn):
    def __init__(self, config: ReadConfig):
        self._config = config
        self._fields = field_map(config)
        self._bytes = Metrics.counter(COUNTER_NAMESPACE, "read.bytes")
        self._progress = None

    def setup(self):
        self._progress = ProgressNote("read")

    def process(self, spec: InputFile):
        try:
            handle = FileSystems.open(spec.path, compression_type=CompressionTypes.UNCOMPRESSED)
        except Exception as error:  # noqa: BLE001 - a vanished or unreadable file is data
            yield beam.pvalue.TaggedOutput(ERRORS, read_error(
                spec.source, spec.name, "unopenable_file", f"{type(error).__name__}: {error}"))
            return
        position = 0
        with handle:
            for item in _guarded(self._items(handle, spec), spec, lambda: _tell(handle, position)):
                if self._progress.active:      # a tell() per record: only when progress is shown
                    offset = _tell(handle, position)   # input bytes consumed, the unit of the estimate
                    self._progress.add(1, offset - position)
                    position = offset
                if isinstance(item, ErrorRecord):
                    yield beam.pvalue.TaggedOutput(ERRORS, item)
                else:
                    yield item
        self._progress.add(0, spec.size_bytes - position, final=True)
        self._bytes.inc(spec.size_bytes)

    def _items(self, handle, spec: InputFile):
        return file_items(handle, spec, self._config, self._fields)


def field_map(config: ReadConfig) -> FieldMap:
    return FieldMap(text=tuple(config.text_field), id=tuple(config.id_field), url=tuple(config.url_field),
                    date=tuple(config.date_field), keep_meta=tuple(config.keep_meta))


def file_items(handle, spec: InputFile, config: ReadConfig, fields: FieldMap):
    """The items of one opened input file, by its format's reader: RawPage, Document or ErrorRecord; one
    error when it holds none."""
    return not_silent(_reader_items(handle, spec, config, fields), spec.source, spec.name)


def _reader_items(handle, spec: InputFile, config: ReadConfig, fields: FieldMap):
    kind = reader_kind(spec.format)
    if kind == "archive":
        return read_archive(handle, spec.name, spec.source, config.max_record_bytes)
    if kind == "jsonl":
        return read_jsonl(handle, spec.name, spec.source, fields, config.max_record_bytes)
    return read_parquet(handle, spec.name, spec.source, fields)


def _guarded(items, spec: InputFile, position):
    """The reader's items; if reading the file itself fails, the items so far stand and one error
    for the rest (its byte offset in the input) ends the file instead of the run."""
    try:
        yield from items
    except Exception as error:  # noqa: BLE001 - a file that cannot be read is data, not a crash
        offset = position()
        yield read_error(spec.source, f"{spec.name}@{offset}", "unreadable_rest_of_file",
                         f"{type(error).__name__}: {error}")


def _tell(handle, default: int) -> int:
    try:
        return handle.tell()
    except (OSError, ValueError):       # a reader closed or detached it
        return default


class ReadInputs(beam.PTransform):
    """InputFiles -> DoOutputsTuple(main: RawPage|Document, errors: ErrorRecord).

    The file list is shuffled first so that files spread over workers.
    """

    def __init__(self, files: list, config: ReadConfig):
        super().__init__()
        self._files = sorted(files)
        self._config = config

    def expand(self, pbegin):
        return (pbegin
                | "ListFiles" >> beam.Create(self._files)
                | "SpreadFiles" >> beam.Reshuffle()
                | "ReadFiles" >> beam.ParDo(_ReadFileFn(self._config)).with_outputs(ERRORS, main="items"))
