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
from dataclasses import dataclass
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
    def __init__(self, tables: list):
        self._tables = tables

    def process(self, keyed, counts):
        (number, index), entries = keyed
        table = self._tables[number]
        rows = sorted_rows([entry for entry in entries if entry != _EMPTY])
        path = shard_path(table.directory, table.name, index, counts[number])
        write_parquet_atomically(path, columns_table(rows, table.schema))
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


@dataclass(frozen=True)
class ShardedTable:
    """One output directory of shards: `count` of them, or (count 0) one per `shard_size` of the
    elements' total `size_of`."""
    directory: str
    name: str
    count: int
    schema: pa.Schema
    to_row: Callable
    sort_key: Callable
    shard_key: Callable
    size_of: Callable = len
    shard_size: int = 64 << 20


class _TotalSizes(beam.CombineFn):
    """(table number, size) -> the total size per table, as a list."""

    def __init__(self, tables: int):
        self._tables = tables

    def create_accumulator(self):
        return [0] * self._tables

    def add_input(self, totals, numbered):
        totals[numbered[0]] += numbered[1]
        return totals

    def merge_accumulators(self, accumulators):
        return [sum(column) for column in zip(*accumulators)]

    def extract_output(self, totals):
        return totals


class WriteShardedTables(beam.PTransform):
    """A tuple of PCollections, one per ShardedTable, -> the paths written.

    All tables share one size total, one shuffle and one writing step, so three outputs cost the
    fused stages of one. Elements become their rows (and sort keys) before the shuffle: rows are
    dicts of plain values, which Beam codes without pickling."""

    def __init__(self, tables: list):
        super().__init__()
        self._tables = list(tables)

    def expand(self, pcolls):
        numbers = self._counts(pcolls)
        counts = beam.pvalue.AsSingleton(numbers)
        keyed = [pcoll | f"AssignShard{number}" >> beam.Map(_keyed_row, number, table, counts)
                 for number, (pcoll, table) in enumerate(zip(pcolls, self._tables))]
        every_shard = numbers | "AllShards" >> beam.FlatMap(
            lambda numbers: [((number, index), _EMPTY) for number, count in enumerate(numbers)
                             for index in range(count)])
        return ((*keyed, every_shard)
                | "WithEmpty" >> beam.Flatten()
                | "GroupShard" >> beam.GroupByKey()
                | "WriteShard" >> beam.ParDo(_WriteShardFn(self._tables), counts))

    def _counts(self, pcolls):
        """One PCollection holding the shard count of every table (a list)."""
        given = [table.count for table in self._tables]
        if all(given):
            return pcolls[0].pipeline | "Count" >> beam.Create([given])
        sizes = [pcoll | f"Size{number}" >> beam.Map(lambda item, n=number, size_of=table.size_of:
                                                      (n, size_of(item)))
                 for number, (pcoll, table) in enumerate(zip(pcolls, self._tables)) if not table.count]
        tables = self._tables
        return (sizes | "AllSizes" >> beam.Flatten()
                | "TotalSize" >> beam.CombineGlobally(_TotalSizes(len(tables)))
                | "Count" >> beam.Map(lambda totals: [table.count or shard_count(total, table.shard_size)
                                                      for table, total in zip(tables, totals)]))


def _keyed_row(item, number: int, table: ShardedTable, counts: list) -> tuple:
    return (number, shard_of(table.shard_key(item), counts[number])), (table.sort_key(item), table.to_row(item))


class WriteShardedParquet(beam.PTransform):
    """One table: `count` shards, or (count 0) one per `shard_size` of the elements' total `size_of`."""

    def __init__(self, directory: str, name: str, count: int, schema: pa.Schema,
                 to_row: Callable, sort_key: Callable, shard_key: Callable,
                 size_of: Callable = len, shard_size: int = 64 << 20):
        super().__init__()
        self._table = ShardedTable(directory, name, count, schema, to_row, sort_key, shard_key, size_of,
                                   shard_size)

    def expand(self, pcoll):
        return (pcoll,) | WriteShardedTables([self._table])
