"""Sharded Parquet writing: the shard count is given, or computed from the size of the data."""
import glob
import os
from collections import namedtuple

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.testing.test_pipeline import TestPipeline

from corpus.parquet_rows import RecordColumns
from pipelines.write import ShardedTable, WriteShardedParquet, shard_count, sorted_table

SCHEMA = pa.schema([("key", pa.string()), ("text", pa.string())])
Row = namedtuple("Row", "key text")


def _write(tmp_path, items, count, shard_size=250, batched=False):
    table = ShardedTable(str(tmp_path), "rows", count, SCHEMA, RecordColumns(SCHEMA), sort_by=("key",),
                         shard_key=lambda item: item.key, size_of=lambda item: len(item.text),
                         shard_size=shard_size, batched=batched)
    with TestPipeline(runner="FnApiRunner") as pipeline:
        _ = pipeline | beam.Create(items) | WriteShardedParquet(table)
    return sorted(glob.glob(os.path.join(tmp_path, "*.parquet")))


def test_the_count_follows_the_size_of_the_data(tmp_path):
    items = [Row(f"k{number:02d}", "x" * 100) for number in range(10)]          # 1,000 characters
    paths = _write(tmp_path, items, count=0)
    assert [os.path.basename(path) for path in paths] == [f"rows-{index:05d}-of-00004.parquet" for index in range(4)]
    rows = [row for path in paths for row in pq.read_table(path).to_pylist()]
    assert sorted(row["key"] for row in rows) == [item.key for item in items]


def test_batches_in_give_the_files_of_elements_in(tmp_path):
    items = [Row(f"k{number:02d}", "x" * (number * 7 % 50)) for number in range(40)]
    one_by_one = _write(tmp_path / "items", items, count=0)
    batched = _write(tmp_path / "batches", [items[start:start + 6] for start in range(0, 40, 6)], count=0,
                     batched=True)
    assert [os.path.basename(path) for path in one_by_one] == [os.path.basename(path) for path in batched]
    assert [open(path, "rb").read() for path in one_by_one] == [open(path, "rb").read() for path in batched]


def test_a_given_count_and_an_empty_input(tmp_path):
    assert len(_write(tmp_path / "given", [Row("a", "text")], count=3)) == 3
    assert [os.path.basename(path) for path in _write(tmp_path / "empty", [], count=0)] == \
        ["rows-00000-of-00001.parquet"]


def test_rows_that_tie_on_the_sort_columns_are_ordered_by_the_whole_row_in_any_arrival_order():
    rows = [Row("b", "2"), Row("a", "z"), Row("b", "1"), Row("a", None), Row("b", "1")]
    spec = ShardedTable("d", "rows", 1, SCHEMA, RecordColumns(SCHEMA), ("key",), lambda row: row.key)
    for arrival in (rows, rows[::-1], rows[2:] + rows[:2]):
        pieces = [RecordColumns(SCHEMA)(arrival[:2]), RecordColumns(SCHEMA)(arrival[2:])]
        assert sorted_table(pa.concat_tables(pieces), spec).to_pylist() == [
            {"key": "a", "text": "z"}, {"key": "a", "text": None}, {"key": "b", "text": "1"},
            {"key": "b", "text": "1"}, {"key": "b", "text": "2"}]


def test_shard_count():
    assert (shard_count(0, 64), shard_count(64, 64), shard_count(65, 64)) == (1, 1, 2)
