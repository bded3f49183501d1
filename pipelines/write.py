"""Deterministic Parquet shards: the same elements give the same files on any runner.

Elements are assigned to a fixed number of shards by a hash of their key,
grouped, sorted, and written under a temporary name that is renamed into
place, so a retried bundle rewrites the same file and a reader never sees half
of one. Every shard file exists, even when empty, so the file set is fixed too.
"""
from __future__ import annotations

from typing import Callable

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
import xxhash
from apache_beam.io.filesystems import FileSystems

from pipelines.atomic_files import write_atomically

_EMPTY = "__tokenmill_empty_shard__"


def shard_of(key: str, count: int) -> int:
    """A shard index from the key's bytes alone, stable across runs, runners and Python versions."""
    return xxhash.xxh64_intdigest(key.encode("utf-8", "replace")) % count


def shard_path(directory: str, name: str, index: int, count: int) -> str:
    return FileSystems.join(directory, f"{name}-{index:05d}-of-{count:05d}.parquet")


def write_parquet_atomically(path: str, table: pa.Table) -> None:
    write_atomically(path, lambda handle: pq.write_table(table, handle, compression="zstd",
                                                         write_statistics=False))


class _WriteShardFn(beam.DoFn):
    def __init__(self, directory, name, count, schema, to_row, sort_key):
        self._directory, self._name, self._count = directory, name, count
        self._schema, self._to_row, self._sort_key = schema, to_row, sort_key

    def process(self, keyed):
        index, items = keyed
        rows = [self._to_row(item) for item in sorted(
            (item for item in items if not (isinstance(item, str) and item == _EMPTY)),
            key=self._sort_key)]
        table = pa.Table.from_pylist(rows, schema=self._schema)
        path = shard_path(self._directory, self._name, index, self._count)
        write_parquet_atomically(path, table)
        yield path


class WriteShardedParquet(beam.PTransform):
    def __init__(self, directory: str, name: str, count: int, schema: pa.Schema,
                 to_row: Callable, sort_key: Callable, shard_key: Callable):
        super().__init__()
        self._args = (directory, name, count, schema, to_row, sort_key)
        self._count = count
        self._shard_key = shard_key

    def expand(self, pcoll):
        count, shard_key = self._count, self._shard_key
        keyed = pcoll | "AssignShard" >> beam.Map(lambda item: (shard_of(shard_key(item), count), item))
        every_shard = pcoll.pipeline | "AllShards" >> beam.Create(
            [(index, _EMPTY) for index in range(count)])
        return ((keyed, every_shard)
                | "WithEmpty" >> beam.Flatten()
                | "GroupShard" >> beam.GroupByKey()
                | "WriteShard" >> beam.ParDo(_WriteShardFn(*self._args)))
