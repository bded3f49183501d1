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

What crosses the shuffle is not one row per element but pieces: the elements of one shard that
one worker met (up to PIECE_SIZE of them), already as an Arrow table of the output's schema, sent as
Arrow IPC bytes. The runner moves bytes it need not decode, and the writer concatenates the pieces
and sorts them: a shard's rows do not depend on how they were cut into pieces or in which order
the pieces came.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Tuple

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from apache_beam.transforms.window import GlobalWindows

from corpus.parquet_rows import shard_of
from pipelines.atomic_files import write_atomically
from pipelines.stage_time import WRITE, StageTime

_EMPTY = b""            # the piece every shard gets, so that an empty shard is written too
PIECE_SIZE = 16 << 20   # of size_of, pending in one worker before its pieces leave it
_Piece = Tuple[Tuple[int, int], bytes]      # ((table number, shard), Arrow IPC stream)


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


@dataclass(frozen=True)
class ShardedTable:
    """One output directory of shards: `count` of them, or (count 0) one per `shard_size` of the
    elements' total `size_of`. `to_table` makes a list of elements a table of `schema`; a shard's rows
    are sorted by the columns `sort_by`, and rows that tie on them by the whole row, its columns taken
    in `tie_order` (default: the schema's). `batched`: the PCollection holds lists of elements."""
    directory: str
    name: str
    count: int
    schema: pa.Schema
    to_table: Callable
    sort_by: tuple
    shard_key: Callable
    size_of: Callable = len
    shard_size: int = 64 << 20
    batched: bool = False
    tie_order: tuple = ()
    element_type: Any = None    # the elements' type, given to them at the writer (its assignment input is stored)


def table_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def sorted_table(table: pa.Table, spec: ShardedTable) -> pa.Table:
    """The rows by the sort columns, and rows that tie on them by row_order: the whole row is made a sort
    key only where they tie (rarely), not for every row."""
    keys = list(zip(*(table.column(name).to_pylist() for name in spec.sort_by)))
    order = sorted(range(len(keys)), key=keys.__getitem__)
    indices = []
    for _, tied in itertools.groupby(order, key=keys.__getitem__):
        tied = list(tied)
        if len(tied) > 1:
            names = spec.tie_order or table.schema.names
            rows = table.take(tied).to_pylist()
            tied = [index for _, index in sorted(zip(rows, tied), key=lambda pair: row_order(
                {name: pair[0][name] for name in names}))]
        indices.extend(tied)
    return table.take(pa.array(indices, type=pa.int64())).combine_chunks()


class _AssignShards(beam.DoFn):
    """The elements of one table (or lists of them) -> pieces: per shard, the elements met, as one Arrow table."""

    def __init__(self, number: int, table: ShardedTable):
        self._number, self._table = number, table
        self._pending, self._size = {}, 0
        self._time = StageTime(WRITE)

    def start_bundle(self):
        self._pending, self._size = {}, 0

    def process(self, element, counts):
        table, count = self._table, counts[self._number]
        with self._time:
            for item in element if table.batched else (element,):
                self._pending.setdefault(shard_of(table.shard_key(item), count), []).append(item)
                self._size += table.size_of(item)
        if self._size >= PIECE_SIZE:
            yield from self._pieces()

    def finish_bundle(self):
        for piece in self._pieces():
            yield GlobalWindows.windowed_value(piece)
        self._time.flush()

    def _pieces(self):
        pending, self._pending, self._size = self._pending, {}, 0
        for shard, items in sorted(pending.items()):
            with self._time:
                piece = table_bytes(self._table.to_table(items))
            yield (self._number, shard), piece


class _WriteShardFn(beam.DoFn):
    def __init__(self, tables: list):
        self._tables = tables
        self._time = StageTime(WRITE)

    def process(self, keyed, counts):
        (number, index), pieces = keyed
        table = self._tables[number]
        with self._time:
            parts = [pa.ipc.open_stream(piece).read_all() for piece in pieces if piece != _EMPTY]
            rows = pa.concat_tables(parts) if parts else table.schema.empty_table()
            path = shard_path(table.directory, table.name, index, counts[number])
            write_parquet_atomically(path, pa.Table.from_arrays(sorted_table(rows, table).columns,
                                                                schema=table.schema))
        self._time.flush()
        yield path


class _BundleSize(beam.DoFn):
    """The elements of one table (or lists of them) -> (table number, their total size_of), once per bundle."""

    def __init__(self, number: int, table: ShardedTable):
        self._number, self._table = number, table
        self._total = None

    def start_bundle(self):
        self._total = None

    def process(self, element):
        table = self._table
        size = sum(map(table.size_of, element)) if table.batched else table.size_of(element)
        self._total = (self._total or 0) + size
        return ()

    def finish_bundle(self):
        if self._total is not None:
            yield GlobalWindows.windowed_value((self._number, self._total))


def _shard_counts(_, tables: list, *sizes) -> list:
    """The shard count of every table: given, or from the total of its bundles' sizes (`sizes`: lists of
    (table number, size), one list per measured table)."""
    totals = [0] * len(tables)
    for number, size in (pair for measured in sizes for pair in measured):
        totals[number] += size
    return [table.count or shard_count(total, table.shard_size) for table, total in zip(tables, totals)]


class WriteShardedTables(beam.PTransform):
    """A tuple of PCollections, one per ShardedTable (or, with `parts`, several: the outputs of several
    steps), -> the paths written.

    All tables share one size total, one shuffle and one writing step, so three outputs cost the
    fused stages of one. Elements become pieces of Arrow tables before the shuffle (the module's
    docstring says why)."""

    def __init__(self, tables: list, parts: list | None = None):
        """`parts`: how many of the PCollections given are each table's (default: one each)."""
        super().__init__()
        self._tables = list(tables)
        self._parts = list(parts) if parts is not None else [1] * len(self._tables)

    def expand(self, pcolls):
        if len(self._parts) != len(self._tables) or min(self._parts) < 1 or sum(self._parts) != len(pcolls):
            raise ValueError(f"parts {self._parts} do not give {len(pcolls)} PCollections to {len(self._tables)} tables")
        ends = list(itertools.accumulate(self._parts))
        parts = [list(pcolls[end - count:end]) for count, end in zip(self._parts, ends)]
        numbers = self._counts(parts)
        counts = beam.pvalue.AsSingleton(numbers)
        pieces = [self._whole(number, table_parts) | f"AssignShard{number}" >> beam.ParDo(
                      _AssignShards(number, table), counts).with_output_types(_Piece)
                  for number, (table_parts, table) in enumerate(zip(parts, self._tables))]
        every_shard = numbers | "AllShards" >> beam.FlatMap(
            lambda numbers: [((number, index), _EMPTY) for number, count in enumerate(numbers)
                             for index in range(count)]).with_output_types(_Piece)
        return ((*pieces, every_shard)
                | "WithEmpty" >> beam.Flatten().with_output_types(_Piece)
                | "GroupShard" >> beam.GroupByKey().with_output_types(Tuple[Tuple[int, int], Iterable[bytes]])
                | "WriteShard" >> beam.ParDo(_WriteShardFn(self._tables), counts))

    def _whole(self, number: int, parts: list):
        """The table's elements as one PCollection, typed with its element_type even when given as one: the
        assignment's input is stored (it waits for the count), and an untyped one would be pickled."""
        element_type = self._tables[number].element_type
        if len(parts) == 1 and element_type is None:
            return parts[0]
        flatten = beam.Flatten()
        return parts | f"All{number}" >> (flatten if element_type is None else flatten.with_output_types(element_type))

    def _counts(self, parts: list):
        """One PCollection holding the shard count of every table (a list). The bundles' sizes reach
        one step as side inputs: a global combine would cost three fused stages for a few numbers.
        A table given as several PCollections is sized in each, where it is made: sized after their
        flatten, its rows would be read and written once more by the runner before they are assigned
        to shards (the assignment waits for the count)."""
        sizes = [part | f"Size{number}{'' if len(table_parts) == 1 else f'_{index}'}" >> beam.ParDo(
                     _BundleSize(number, table))
                 for number, (table_parts, table) in enumerate(zip(parts, self._tables)) if not table.count
                 for index, part in enumerate(table_parts)]
        return (parts[0][0].pipeline | "Once" >> beam.Impulse()
                | "Count" >> beam.Map(_shard_counts, self._tables, *map(beam.pvalue.AsList, sizes)))


class WriteShardedParquet(beam.PTransform):
    """One table: `count` shards, or (count 0) one per `shard_size` of the elements' total `size_of`."""

    def __init__(self, table: ShardedTable):
        super().__init__()
        self._table = table

    def expand(self, pcoll):
        return (pcoll,) | WriteShardedTables([self._table])
