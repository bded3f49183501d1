"""Sharded Parquet writing: the shard count is given, or computed from the size of the data."""
import glob
import os

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.testing.test_pipeline import TestPipeline

from pipelines.write import WriteShardedParquet, shard_count

SCHEMA = pa.schema([("key", pa.string()), ("text", pa.string())])


def _write(tmp_path, items, count, shard_size=250):
    with TestPipeline(runner="FnApiRunner") as pipeline:
        _ = pipeline | beam.Create(items) | WriteShardedParquet(
            str(tmp_path), "rows", count, SCHEMA, lambda item: {"key": item[0], "text": item[1]},
            sort_key=lambda item: item[0], shard_key=lambda item: item[0],
            size_of=lambda item: len(item[1]), shard_size=shard_size)
    return sorted(glob.glob(os.path.join(tmp_path, "*.parquet")))


def test_the_count_follows_the_size_of_the_data(tmp_path):
    items = [(f"k{number:02d}", "x" * 100) for number in range(10)]          # 1,000 characters
    paths = _write(tmp_path, items, count=0)
    assert [os.path.basename(path) for path in paths] == [f"rows-{index:05d}-of-00004.parquet" for index in range(4)]
    rows = [row for path in paths for row in pq.read_table(path).to_pylist()]
    assert sorted(row["key"] for row in rows) == [key for key, _ in items]


def test_a_given_count_and_an_empty_input(tmp_path):
    assert len(_write(tmp_path / "given", [("a", "text")], count=3)) == 3
    assert [os.path.basename(path) for path in _write(tmp_path / "empty", [], count=0)] == \
        ["rows-00000-of-00001.parquet"]


def test_shard_count():
    assert (shard_count(0, 64), shard_count(64, 64), shard_count(65, 64)) == (1, 1, 2)
