"""Deterministic Parquet shards: the same elements give the same files on any runner.

Elements are assigned to shards by a hash of their key, grouped, sorted, and
written under a temporary name that is renamed into place, so a retried
bundle rewrites the same file and a reader never sees half of one. Every
shard file exists, even when empty, so the file set is fixed too.

The number of shards is given, or computed from the data: the total size of
the elements divided by a target shard size. A shard is sorted and written
by one worker, so a fixed count would let a worker's memory grow with the
corpus; a computed count bounds it. The total is the same on every runner,
so the count and the files are too.
"""
from __future__ import annotations

import itertools
from typing import Callable

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from corpus.parquet_rows import shard_of
from pipelines.atomic_files import write_atomically

_EMPTY = "__tokenmill_empty_shard__"


def shard_path(directory: str, name: str, index: int, count: int) -> str:
    return FileSystems.join(directory, f"{name}-{index:05d}-of-{count:05d}.parquet")


def write_parquet_atomically(path: str, table: pa.Table) -> None:
    write_atomically(path, lambda handle: _write_parquet(handle, table))


def _write_parquet(handle, table: pa.Table) -> None:
    """An empty table gets no row group at all: Hugging Face datasets fails on an empty one."""
    with pq.ParquetWriter(handle, table.schema, compression="zstd", write_statistics=False) as writer:
        if table.num_rows:
            writer.write_table(table)


def shard_count(total_size: int, shard_size: int) -> int:
    return max(1, -(-total_size // shard_size))


def row_order(row: dict) -> tuple:
    """The whole row as a sort key, after the writer's own key: rows that tie on it come out
    in one order, however they arrived (they are then equal, so the bytes are too)."""
    return tuple((value is None, "" if value is None else str(value)) for value in row.values())


class _WriteShardFn(beam.DoFn):
    def __init__(self, directory, name, schema, to_row, sort_key):
        self._directory, self._name = directory, name
        self._schema, self._to_row, self._sort_key = schema, to_row, sort_key

    def process(self, keyed, count):
        index, items = keyed
        real = (item for item in items if not (isinstance(item, str) and item == _EMPTY))
        rows = sorted_rows([(self._sort_key(item), self._to_row(item)) for item in real])
        path = shard_path(self._directory, self._name, index, count)
        write_parquet_atomically(path, columns_table(rows, self._schema))
        yield path


def sorted_rows(keyed_rows: list) -> list:
    """Rows by their key, and rows that tie on it by row_order: the whole row is made a sort key
    only where keys tie (rarely), not for every row."""
    keyed_rows.sort(key=_first)
    rows = []
    for _, tied in itertools.groupby(keyed_rows, key=_first):
        tied = [row for _, row in tied]
        rows.extend(sorted(tied, key=row_order) if len(tied) > 1 else tied)
    return rows


def _first(pair):
    return pair[0]


def columns_table(rows: list, schema: pa.Schema) -> pa.Table:
    """One Arrow array per column, straight from the rows' values (no per-row conversion by pyarrow)."""
    return pa.Table.from_arrays([pa.array([row[field.name] for row in rows], type=field.type)
                                 for field in schema], schema=schema)


class WriteShardedParquet(beam.PTransform):
    """`count` shards, or (count 0) one per `shard_size` of the elements' total `size_of`."""

    def __init__(self, directory: str, name: str, count: int, schema: pa.Schema,
                 to_row: Callable, sort_key: Callable, shard_key: Callable,
                 size_of: Callable = len, shard_size: int = 64 << 20):
        super().__init__()
        self._args = (directory, name, schema, to_row, sort_key)
        self._count, self._shard_key = count, shard_key
        self._size_of, self._shard_size = size_of, shard_size

    def expand(self, pcoll):
        shard_key = self._shard_key
        if self._count:
            counts = pcoll.pipeline | "Count" >> beam.Create([self._count])
        else:
            counts = (pcoll | "Size" >> beam.Map(self._size_of)
                      | "TotalSize" >> beam.CombineGlobally(sum)
                      | "Count" >> beam.Map(shard_count, self._shard_size))
        count = beam.pvalue.AsSingleton(counts)
        keyed = pcoll | "AssignShard" >> beam.Map(lambda item, n: (shard_of(shard_key(item), n), item), count)
        every_shard = counts | "AllShards" >> beam.FlatMap(lambda n: [(index, _EMPTY) for index in range(n)])
        return ((keyed, every_shard)
                | "WithEmpty" >> beam.Flatten()
                | "GroupShard" >> beam.GroupByKey()
                | "WriteShard" >> beam.ParDo(_WriteShardFn(*self._args), count))
