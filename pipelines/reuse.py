"""Reuse of earlier work and resume after a crash: the read and the per-document stages up to quality's
signals run one input file at a time, and each file's results are kept as a cache entry.

`CachedPrefix` reads each input file and runs the cached stages (pipelines/reuse_keys.py says which, and
what keys an entry) on its documents inside one DoFn, then writes the file's entry atomically under
OUT/cache/prefix/ as soon as the file is done: a run killed halfway leaves the entries of the files it
finished, and a rerun with `--reuse OUT` takes them. An entry found under this run's own cache or under
a `--reuse` directory's is replayed instead of computed: read errors, rejected rows and errors as they
were, each counter as the stages would count it, and the documents that reached quality with their
signals, which are judged again by this run's thresholds. What follows (unsafe words, dedup, PII,
decontamination, tokenization) runs on the result as on a cold run's, so the outputs are the same bytes.

Entries reach workers through FileSystems only (the cache may live under gs://). Their codec is
corpus/cache_codec.py, apart from the Parquet schemas.
"""
from __future__ import annotations

import logging
import time
import uuid
from typing import List, Tuple

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from corpus.cache_codec import (CacheCodecError, compressed_lines, compressing, decode_line, decode_record,
                                decoded_lines, encode_line, encode_record)
from corpus.document import Document, ErrorRecord, Rejected, TextSizes
from filters.quality.quality_filter import QualityFilter, decide_quality
from pipelines.read import _ReadFileFn
from pipelines.input_names import normal_path
from pipelines.plugins import Plugin
from pipelines.progress import ProgressNote
from pipelines.stage import BATCH_CHARS, COUNTER_NAMESPACE, ERRORS, REJECTED, _StageFn, error_message, item_size
from pipelines.stage_list import PER_DOCUMENT
from pipelines.stage_time import CACHE as CACHE_TIME, READ as READ_TIME, StageTime
from reporting.profile import add_document, empty_profile

CACHE_DIR, PREFIX_DIR, ENTRY_SUFFIX = "cache", "prefix", ".jsonl.zst"
_WRITING = ".writing-"      # an entry being written: ENTRY_SUFFIX, this, a unique id
READ, PROFILES = "read", "profiles"
# Read errors of the filesystem rather than of the file's bytes (pipelines/read.py): a file that gave one
# is not cached, since a rerun may read it whole.
IO_ERRORS = ("unopenable_file", "unreadable_rest_of_file")


def prefix_dir(output: str) -> str:
    return FileSystems.join(output, CACHE_DIR, PREFIX_DIR)


def check_reuse(config) -> None:
    """Before anything is touched: each --reuse directory holds a cache (this run's own output may have
    none yet: a run killed before its first file was done). An unreachable one (gs:// without network)
    is one line within pipelines/filesystem_checks.ANSWER_SECONDS, not minutes of retries and a traceback."""
    from pipelines.filesystem_checks import looked_at
    from pipelines.inputs import InputError
    for earlier in config.reuse:
        found = looked_at(earlier, lambda place=earlier: FileSystems.exists(prefix_dir(place)), f"--reuse {earlier}")
        if not found and normal_path(earlier) != normal_path(config.output):
            raise InputError(f"--reuse {earlier}: no {CACHE_DIR}/{PREFIX_DIR} there (not a tokenmill output, "
                             "or one written before reuse existed)")


def remove_unfinished_entries(output: str) -> None:
    """Temporary files a killed run left in the cache (finished entries stay: they are what resumes)."""
    pattern = FileSystems.join(output, CACHE_DIR, "**", f"*{ENTRY_SUFFIX}{_WRITING}*")
    leftovers = [meta.path for match in FileSystems.match([pattern]) for meta in match.metadata_list]
    if leftovers:
        FileSystems.delete(leftovers)


def reuse_summary(counters: dict, files: int) -> str:
    reused = counters.get("cache.files_reused", 0)
    line = f"reuse: {reused} of {files} input files taken from a cache, {files - reused} computed"
    stages = sorted({name.split(".")[1] for name in counters if name.count(".") == 2 and name.startswith("cache.")
                     and name.endswith((".reused", ".computed"))})
    for stage in stages:        # a counter never counted is absent: none found, or none computed
        found, computed = counters.get(f"cache.{stage}.reused", 0), counters.get(f"cache.{stage}.computed", 0)
        line += f"; {stage}: {found} of {found + computed} documents' results taken from a cache"
    return line


def cached_stages(enabled: list) -> list:
    """The leading (name, spec) of `enabled` (pipelines/stage_list.enabled_stages) that the cache holds: the
    built-in per-document stages up to quality. Quality ends the prefix, since its thresholds may change
    from run to run; a plugin ends it too, because its code is not the package's own (not in the key)."""
    cached = []
    for name, stage in enabled:
        if isinstance(stage, Plugin) or stage.phase != PER_DOCUMENT:
            break
        cached.append((name, stage))
        if name == "quality":
            break
    return cached


class CachedPrefix(beam.PTransform):
    """InputFiles -> DoOutputsTuple(main: the documents quality kept (or the last cached stage's), in the
    batches they were judged in (the next stage takes batches: one element per document cost a hand-off
    each and a BatchElements to batch them again),
    rejected, errors, read: (source, records read) per file, profiles: (point, profile of this file's documents)).

    `stages`: (name, factory) of the cached stages before quality; `quality`: its config, or None when
    quality is off or not cached; `profile_points`: stage -> profile point; `key`: reuse_keys.prefix_key;
    `reuse`: the earlier outputs whose caches may hold entries (this run's own output first)."""

    def __init__(self, files: list, read_config, stages: list, quality, profile_points: dict, key: str,
                 output: str, reuse: list):
        super().__init__()
        self._files = sorted(files)
        self._fn = _PrefixFn(read_config, stages, quality, profile_points, key, output, reuse)

    def expand(self, pbegin):
        outputs = (pbegin
                   | "ListFiles" >> beam.Create(self._files)
                   | "SpreadFiles" >> beam.Reshuffle()
                   | "ReadAndPrefix" >> beam.ParDo(self._fn).with_output_types(
                       List[Document], **{REJECTED: Rejected, ERRORS: ErrorRecord, READ: Tuple[str, int],
                                    PROFILES: Tuple[str, dict]})
                   .with_outputs(REJECTED, ERRORS, READ, PROFILES, main="items"))
        return {"items": outputs.items, REJECTED: outputs[REJECTED], ERRORS: outputs[ERRORS], READ: outputs[READ],
                PROFILES: outputs[PROFILES]}


class _PrefixFn(beam.DoFn):
    def __init__(self, read_config, stages: list, quality, profile_points: dict, key: str, output: str,
                 reuse: list):
        self._read = _ReadFileFn(read_config)
        self._sizes = TextSizes()       # each text's bytes measured once per batch, for every stage's count
        self._stages = [_StageFn(name, factory, sizes=self._sizes) for name, factory in stages]
        self._quality_config = quality
        self._points = profile_points
        self._key = key
        self._own = prefix_dir(output)
        self._places = [self._own] + [prefix_dir(earlier) for earlier in reuse]
        self._reused = Metrics.counter(COUNTER_NAMESPACE, "cache.files_reused")
        self._computed = Metrics.counter(COUNTER_NAMESPACE, "cache.files_computed")
        self._read_time = StageTime(READ_TIME)
        self._cache_time = StageTime(CACHE_TIME)      # keys, lookups and replays (EntryWriter times writes)
        self._built = False

    def setup(self):
        self._read.setup()
        self._progress = ProgressNote("read")
        self._signals = QualityFilter(self._quality_config) if self._quality_config else None
        self._verdict = _StageFn("quality", lambda: self._judge) if self._quality_config else None
        self._pending: dict = {}        # document id -> its quality signals, while its batch is judged

    def _build_stages(self):
        """Models and lists load only when a file is computed: a run that reuses every file needs none."""
        if not self._built:
            for stage in self._stages:
                stage.setup()
                stage.count_build_time()        # here, inside the bundle: a stage no batch reaches too
            self._built = True

    def process(self, spec):
        yield from self._from_cache_or_computed(spec)
        self._cache_time.flush()

    def _from_cache_or_computed(self, spec):
        from pipelines.reuse_keys import file_key
        try:
            with self._cache_time:
                key = file_key(self._key, spec)
        except Exception:  # noqa: BLE001 - vanished or unreadable: the read makes it an error row, uncached
            self._computed.inc()
            yield from self._compute(spec, None)
            return
        with self._cache_time:
            found = next((place for place in self._places if _complete(_entry_path(place, key), key)), None)
        if found is None:
            self._computed.inc()
            yield from self._compute(spec, key)
            return
        self._reused.inc()
        yield from self._replay(spec, _entry_path(found, key))
        if found != self._own:
            with self._cache_time:
                _copy_atomically(_entry_path(found, key), _entry_path(self._own, key))

    # --- a file computed: every line is written to its entry and emitted --------------------------------

    def _compute(self, spec, key: str):
        self._build_stages()
        entry = EntryWriter(_entry_path(self._own, key) if key else None)
        counts = {stage._stage: [0, 0] for stage in self._stages}
        profiles, read, batch, size = {point: empty_profile() for point in self._points.values()}, 0, [], 0
        for item in self._read_time.timed(self._read.process(spec)):
            read += 1
            if isinstance(item, beam.pvalue.TaggedOutput):
                if item.value.error_type in IO_ERRORS:      # the file, not its bytes: never replayed
                    entry.abandon()
                entry.add_record("read_error", item.value)
                yield item
                continue
            batch.append(item)
            size += item_size(item)
            if size >= BATCH_CHARS:
                yield from self._compute_batch(batch, entry, counts, profiles)
                batch, size = [], 0
        if batch:
            yield from self._compute_batch(batch, entry, counts, profiles)
        entry.finish({"key": key, "read": read, "counts": counts, "profiles": profiles})
        self._read_time.flush()
        yield from self._finish_file(spec, read, profiles)

    def _compute_batch(self, batch: list, entry, counts: dict, profiles: dict):
        """The batch through the stages and quality; the size memo holds its texts until it is done."""
        try:
            yield from self._batch_through_stages(batch, entry, counts, profiles)
        finally:
            self._sizes.clear()

    def _batch_through_stages(self, batch: list, entry, counts: dict, profiles: dict):
        for stage in self._stages:
            kept = []
            for output in stage.process(batch):
                if isinstance(output, beam.pvalue.TaggedOutput):
                    entry.add_record("row", output.value)
                    yield output
                else:
                    kept = output
            counts[stage._stage][0] += len(kept)
            counts[stage._stage][1] += stage.kept_bytes
            point = self._points.get(stage._stage)
            if point:
                for doc in kept:
                    add_document(profiles[point], doc, self._sizes.of(doc.text))
            batch = kept
            if not batch:
                return
        start = time.perf_counter()
        judged = [(doc, self._quality_signals(doc) if self._signals else None) for doc in batch]
        self._count("time_us.quality", int((time.perf_counter() - start) * 1e6))    # as the stage's own DoFn does
        for doc, signals in judged:
            entry.add_record("out", doc, quality=signals)
        yield from self._emit_documents(judged)

    def _quality_signals(self, doc):
        """What the quality stage computes of a document, thresholds aside, or the error it raised."""
        try:
            signals, text = self._signals.signals(doc)
        except Exception as error:  # noqa: BLE001 - reported as the quality stage's error, as a cold run does
            return {"error": [type(error).__name__, error_message(error)]}
        return {"signals": signals, "text": None if text == doc.text else text}

    # --- a file reused: the entry replayed, counters and all --------------------------------------------

    def _replay(self, spec, path: str):
        judged, size, trailer = [], 0, None
        for kind, value in self._cache_time.timed(_decoded_entry(path)):
            if kind == "read_error":
                yield beam.pvalue.TaggedOutput(ERRORS, value)
            elif kind == "row":
                drop = hasattr(value, "reason")
                self._count(f"drop.{value.stage}.{value.reason}" if drop else f"error.{value.stage}.{value.error_type}")
                yield beam.pvalue.TaggedOutput(REJECTED if drop else ERRORS, value)
            elif kind == "out":
                judged.append(value)
                size += item_size(value[0])
                if size >= BATCH_CHARS:
                    yield from self._emit_documents(judged)
                    judged, size = [], 0
            else:
                trailer = value
        yield from self._emit_documents(judged)
        for stage, (kept, size) in trailer["counts"].items():
            self._count(f"kept.{stage}", kept)
            self._count(f"bytes_out.{stage}", size)
        self._count("read.bytes", spec.size_bytes)
        self._progress.add(trailer["read"], spec.size_bytes, final=True)
        yield from self._finish_file(spec, trailer["read"], trailer["profiles"])

    # --- both ---------------------------------------------------------------------------------------------

    def _emit_documents(self, judged: list):
        """The documents that reached quality, judged by this run's thresholds through the quality
        stage's own DoFn (its counters, rejected rows and errors; the kept ones as one list); without
        quality, as they are, as one list."""
        if not judged:
            return
        if self._verdict is None:
            yield [doc for doc, _ in judged]
            return
        self._pending = {doc.id: signals for doc, signals in judged}
        yield from self._verdict.process([doc for doc, _ in judged])
        self._pending = {}

    def _judge(self, doc):
        found = self._pending[doc.id]
        if "error" in found:
            raise _stored_error(*found["error"])
        text = found["text"] if found["text"] is not None else doc.text
        return decide_quality(doc, found["signals"], text, self._quality_config)

    @staticmethod
    def _finish_file(spec, read: int, profiles: dict):
        yield beam.pvalue.TaggedOutput(READ, (spec.source, read))
        for point, profile in profiles.items():
            yield beam.pvalue.TaggedOutput(PROFILES, (point, profile))

    @staticmethod
    def _count(name: str, by: int = 1) -> None:
        Metrics.counter(COUNTER_NAMESPACE, name).inc(by)


# --- entries on any Beam filesystem ---------------------------------------------------------------------

def _entry_path(place: str, key: str) -> str:
    return FileSystems.join(place, key + ENTRY_SUFFIX)


class EntryWriter:
    """Lines into a temporary file beside the entry, renamed into place when the file is done, so that a
    reader sees a whole entry or none. A value the codec refuses abandons the entry: the file's results
    still flow, they are only not cached. The temporary name is unique (a retried bundle may write the
    same entry at the same time) and is not `.inprogress`, which would make the output read as incomplete."""

    def __init__(self, path: str | None):
        """`path` None: an entry that is never written (its file could not be keyed)."""
        self._path = path
        self._temporary = f"{path}{_WRITING}{uuid.uuid4().hex}"
        self._time = StageTime(CACHE_TIME)     # encoding, compressing and writing: the report's `cache`
        with self._time:
            self._writer = None if path is None else compressing(
                FileSystems.create(self._temporary, compression_type=CompressionTypes.UNCOMPRESSED))

    def add(self, value) -> None:
        if self._writer is None:
            return
        try:
            with self._time:
                self._writer.write(encode_line(value))
        except CacheCodecError as error:
            logging.getLogger(__name__).warning("not cached: %s (%s)", self._path, error)
            self.abandon()

    def add_record(self, tag: str, record, **more) -> None:
        """A Document, Rejected or ErrorRecord as the line {tag: its fields, **more}."""
        if self._writer is None:
            return
        with self._time:
            value = {tag: encode_record(record), **more}
        self.add(value)

    def add_line(self, line: bytes) -> None:
        """A line already encoded (it ends with a line break)."""
        if self._writer is not None:
            with self._time:
                self._writer.write(line)

    def finish(self, trailer: dict | None) -> None:
        """Ends the entry with `trailer` (a prefix entry says there that it is whole) and renames it into place."""
        if trailer is not None:
            self.add({"end": trailer})
        if self._writer is not None:
            with self._time:
                self._writer.close()
                self._writer = None
                _rename_over(self._temporary, self._path)
        self._time.flush()

    def abandon(self) -> None:
        """Nothing of this entry is kept (the results still flow)."""
        if self._writer is not None:
            with self._time:
                self._writer.close()
                self._writer = None
                FileSystems.delete([self._temporary])
        self._time.flush()


def _rename_over(temporary: str, path: str) -> None:
    """Into place. Two workers may finish the same entry at once (a retried or speculative bundle): the
    same key always holds the same bytes, so whichever lands is right."""
    try:
        if FileSystems.exists(path):
            FileSystems.delete([path])
        FileSystems.rename([temporary], [path])
    except Exception:  # noqa: BLE001 - each filesystem raises its own types
        if not FileSystems.exists(path):
            raise
        if FileSystems.exists(temporary):
            FileSystems.delete([temporary])


def _decoded_entry(path: str):
    """(kind, value) for each line of a whole entry: ("read_error" | "row", the record), ("out", (the
    document, its stored quality signals)), ("end", the trailer)."""
    for line in _entry_lines(path):
        if "read_error" in line:
            yield "read_error", decode_record(line["read_error"])
        elif "row" in line:
            yield "row", decode_record(line["row"])
        elif "out" in line:
            yield "out", (decode_record(line["out"]), line["quality"])
        else:
            yield "end", line["end"]


def _entry_lines(path: str):
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        yield from decoded_lines(handle)


def _complete(path: str, key: str) -> bool:
    """The entry exists, decompresses whole with its checksum and ends with its trailer, which names `key`
    (an entry copied under another entry's name is not this file's). Checked before a line is used: a
    damaged entry found halfway could not be taken back. Only the last line is decoded: the check costs
    the decompression, a small part of a replay."""
    if not FileSystems.exists(path):
        return False
    last = b""
    try:
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
            for last in compressed_lines(handle):
                pass
        return decode_line(last)["end"]["key"] == key
    except Exception:  # noqa: BLE001 - any damage means: compute the file again
        return False


def _copy_atomically(source: str, path: str) -> None:
    """An entry reused from an earlier output joins this run's cache, so that this output can be reused in
    turn (the same key always holds the same bytes)."""
    temporary = f"{path}{_WRITING}{uuid.uuid4().hex}"
    with FileSystems.open(source, compression_type=CompressionTypes.UNCOMPRESSED) as reader, \
            FileSystems.create(temporary, compression_type=CompressionTypes.UNCOMPRESSED) as writer:
        for chunk in iter(lambda: reader.read(1 << 20), b""):
            writer.write(chunk)
    _rename_over(temporary, path)


_ERROR_TYPES: dict = {}


def _stored_error(type_name: str, message: str) -> Exception:
    """An exception of the stored type's name and message: the quality stage reports it as it did."""
    if type_name not in _ERROR_TYPES:
        _ERROR_TYPES[type_name] = type(type_name, (Exception,), {})
    return _ERROR_TYPES[type_name](message)
