"""One PTransform for every per-document stage: keep, drop with a reason, or fail with an error.

A stage is any callable `item -> Document | Drop` built on the worker by a
factory (so models load once per worker in setup(), not once per element and
not in the pickled pipeline). A stage that needs data computed by the
pipeline (an n-gram index) gets it as a side input: its factory is called
with it on the first element. The transform owns what is the same for every
stage: a counter per drop reason, rows for rejected/ and errors/.
"""
from __future__ import annotations

import dataclasses
import time
from typing import Any, Callable

import apache_beam as beam
from apache_beam.metrics import Metrics

from corpus.document import Document, Drop, ErrorRecord, rejected_row

REJECTED = "rejected"
ERRORS = "errors"
COUNTER_NAMESPACE = "tokenmill"


def location_of(item: Any) -> str:
    meta = getattr(item, "meta", {}) or {}
    if meta.get("location"):
        return meta["location"]
    if meta.get("file") is not None:
        return f"{meta['file']}@{meta.get('offset')}"
    return getattr(item, "id", "?")


class _StageFn(beam.DoFn):
    def __init__(self, stage: str, factory: Callable[..., Callable], takes_side_input: bool = False):
        self._stage = stage
        self._factory = factory
        self._takes_side_input = takes_side_input
        self._fn = None
        self._kept = Metrics.counter(COUNTER_NAMESPACE, f"kept.{stage}")
        # Time and output size per stage, for the report: the runner gives no per-stage time itself.
        self._micros = Metrics.counter(COUNTER_NAMESPACE, f"time_us.{stage}")
        self._bytes_out = Metrics.counter(COUNTER_NAMESPACE, f"bytes_out.{stage}")
        self._drops: dict = {}
        self._errors: dict = {}

    def setup(self):
        if not self._takes_side_input:
            self._fn = self._factory()

    def process(self, item, *side_inputs):
        if self._fn is None:            # a stage built from a side input (an index) on first use
            self._fn = self._factory(*side_inputs)
        result, error = self._timed_call(item)
        if error is not None:
            self._count(self._errors, f"error.{self._stage}.{type(error).__name__}")
            yield beam.pvalue.TaggedOutput(ERRORS, ErrorRecord(
                source=item.source, location=location_of(item), stage=self._stage,
                error_type=type(error).__name__, message=str(error)[:500]))
            return
        if isinstance(result, Drop):
            self._count(self._drops, f"drop.{self._stage}.{result.reason}")
            yield beam.pvalue.TaggedOutput(REJECTED, rejected_row(item, self._stage, result))
        else:
            self._kept.inc()
            self._bytes_out.inc(len(result.text.encode("utf-8", "surrogatepass")))
            yield result

    def _timed_call(self, item) -> tuple:
        """(result, None), or (None, error): one bad document must not stop a run.

        The stage gets its own copy: stages edit text and annotations in place, and
        Beam hands the same object to every consumer of a PCollection (a profile
        taken here must not see what the next stage does to it).
        """
        start = time.perf_counter()
        try:
            return self._fn(_own_copy(item)), None
        except Exception as error:  # noqa: BLE001
            return None, error
        finally:
            self._micros.inc(int((time.perf_counter() - start) * 1e6))

    @staticmethod
    def _count(cache: dict, name: str) -> None:
        if name not in cache:
            cache[name] = Metrics.counter(COUNTER_NAMESPACE, name)
        cache[name].inc()


def _own_copy(item):
    if isinstance(item, Document):
        return dataclasses.replace(item, meta=dict(item.meta), annotations=dict(item.annotations))
    return item


class ApplyStage(beam.PTransform):
    """Returns a DoOutputsTuple: main (kept documents), `rejected`, `errors`."""

    def __init__(self, stage: str, factory: Callable[..., Callable], side_input=None):
        super().__init__(label=stage)
        self._stage = stage
        self._factory = factory
        self._side_input = side_input

    def expand(self, pcoll):
        side = [self._side_input] if self._side_input is not None else []
        return pcoll | beam.ParDo(_StageFn(self._stage, self._factory, bool(side)), *side).with_outputs(
            REJECTED, ERRORS, main="kept")
