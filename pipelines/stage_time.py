"""Time spent in a step, added to the report's stage_seconds (the counter `time_us.NAME`).

The per-document stages time themselves (pipelines/stage.py). The steps timed here are the largest of the
rest of the run's own work: parsing the input files' records (`read`), making and writing the Parquet
shards (`write`), near dedup's buckets, components and keepers (`near_dedup_clusters`), and the reuse
cache (`cache`: hashing the input files for their keys, encoding, compressing and writing the prefix
entries and the per-document result files, and reading them back in a warm run; a stage's lookup of each
document's stored result is that stage's own time). Still outside every
stage: start-up, the runner's coders, shuffles and dispatch, and some smaller work of the run's own
(the report's profiles, packing and writing the token shards, the stats and the manifest). Their names
are reserved (stage_list.TIMED_STEPS): no plugin takes them.
"""
from __future__ import annotations

import time

from apache_beam.metrics import Metrics

from pipelines.stage import COUNTER_NAMESPACE
from pipelines.stage_list import RUN_STEPS

READ, WRITE, NEAR_DEDUP_CLUSTERS, CACHE = RUN_STEPS


class StageTime:
    """Seconds summed in this worker, added to the counter once per `flush` (a counter update per element
    would cost more than some of the work it times)."""

    def __init__(self, name: str):
        self._counter = Metrics.counter(COUNTER_NAMESPACE, f"time_us.{name}")
        self._seconds = 0.0

    def __enter__(self):
        self._start = time.perf_counter()
        return self

    def __exit__(self, *_):
        self._seconds += time.perf_counter() - self._start

    def timed(self, items):
        """`items` iterated, the time spent producing each item counted (not what the caller does with it)."""
        iterator, done = iter(items), object()
        while True:
            start = time.perf_counter()
            item = next(iterator, done)
            self._seconds += time.perf_counter() - start
            if item is done:
                return
            yield item

    def call(self, function, *args):
        """function(*args), timed and counted at once: for a step that is a plain function (a FlatMap's).
        Nothing is kept on the object, so one made at module level may serve a worker's threads at once."""
        start = time.perf_counter()
        result = function(*args)
        self._counter.inc(int((time.perf_counter() - start) * 1e6))
        return result

    def flush(self) -> None:
        if self._seconds:
            self._counter.inc(int(self._seconds * 1e6))
            self._seconds = 0.0
