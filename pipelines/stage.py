"""One PTransform for every per-document stage: keep, drop with a reason, or fail with an error.

A stage is any callable `item -> Document | Drop` built on the worker by a
factory (so models load once per worker in setup(), not once per element and
not in the pickled pipeline). A stage that needs data computed by the
pipeline (an n-gram index) gets it as a side input: its factory is called
with it on the first element. The transform owns what is the same for every
stage: a counter per drop reason, rows for rejected/ and errors/.

Stages run on batches of documents (BatchDocuments), not one document at a
time: each stage goes through a whole batch before the next stage starts.
Run per document, every stage's code and model data took turns in the CPU
caches for each document, and Beam's per-element work was paid once per
stage per document; by batch, the same stages ran about 20% faster outside
Beam alone (bench/stage_batching.py, docs/design.md). A document's
outcome never depends on its batch, so outputs stay byte-identical.
"""
from __future__ import annotations

import dataclasses
import time
from typing import Any, Callable, List

import apache_beam as beam
from apache_beam.metrics import Metrics

from corpus.document import Document, Drop, ErrorRecord, Rejected, rejected_row, TextSizes, text_bytes
from pipelines.coders import DocumentCoder  # noqa: F401  (registers the coders the type hints below pick)
from tokenmill.usage import error_type_name

REJECTED = "rejected"
ERRORS = "errors"
COUNTER_NAMESPACE = "tokenmill"
BATCH_CHARS = 1 << 20          # characters (or payload bytes) per batch: a few hundred web pages


def location_of(item: Any) -> str:
    meta = getattr(item, "meta", {}) or {}
    if meta.get("location"):
        return meta["location"]
    if meta.get("file") is not None:
        return f"{meta['file']}@{meta.get('offset')}"
    return getattr(item, "id", "?")


class _StageFn(beam.DoFn):
    def __init__(self, stage: str, factory: Callable[..., Callable], takes_side_input: bool = False,
                 sizes: TextSizes | None = None):
        """`sizes`: a memo of text sizes shared with the steps that see the same batch (the read step's
        prefix, which clears it per batch); without one, each kept text is measured."""
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
        self._size_of = sizes.of if sizes is not None else text_bytes
        self.kept_bytes = 0             # the UTF-8 bytes of the last batch's kept texts
        self._build_seconds = 0.0

    def setup(self):
        # Building the stage (its model, lists or engine) is the stage's time too. Beam counts nothing
        # outside a bundle: the seconds are counted with the first batch, or at the bundle's end.
        self._build_seconds = 0.0
        if not self._takes_side_input:
            start = time.perf_counter()
            self._fn = self._factory()
            self._build_seconds = time.perf_counter() - start

    def process(self, batch, *side_inputs):
        """A batch in; the kept documents out as one batch; each drop and error on its own."""
        start = time.perf_counter()
        if self._fn is None:            # a stage built from a side input (an index) on first use
            self._fn = self._factory(*side_inputs)
        kept, set_aside = self._judge(batch)
        # Timed before anything is yielded: a yielded row runs the steps fused after this one at once, and
        # their time is not this stage's.
        self._micros.inc(int((time.perf_counter() - start) * 1e6))
        self.count_build_time()
        self._kept.inc(len(kept))
        self.kept_bytes = sum(map(self._size_of, (doc.text for doc in kept)))
        self._bytes_out.inc(self.kept_bytes)
        yield from set_aside
        if kept:
            yield kept

    def finish_bundle(self):
        self.count_build_time()         # a stage no batch reached still counts its build

    def count_build_time(self) -> None:
        """The build's seconds into the stage's time, once (inside a bundle: Beam counts nothing outside)."""
        if self._build_seconds:
            self._micros.inc(int(self._build_seconds * 1e6))
            self._build_seconds = 0.0

    def _judge(self, batch) -> tuple:
        """(the kept documents, the rejected and error rows tagged), in the batch's order."""
        kept, set_aside = [], []
        for item in batch:
            own = own_copy(item)
            result, error = self._call(own)
            if error is not None:
                error_type = error_type_name(error)
                self._count(self._errors, f"error.{self._stage}.{error_type}")
                set_aside.append(beam.pvalue.TaggedOutput(ERRORS, ErrorRecord(
                    source=item.source, location=location_of(item), stage=self._stage,
                    error_type=error_type, message=error_message(error))))
            elif isinstance(result, Drop):
                self._count(self._drops, f"drop.{self._stage}.{result.reason}")
                # The text as it entered the stage, with what the stage found on its way to the drop.
                set_aside.append(beam.pvalue.TaggedOutput(REJECTED, rejected_row(
                    item, self._stage, result, getattr(own, "annotations", None))))
            else:
                kept.append(result)
        return kept, set_aside

    def _call(self, own) -> tuple:
        """(result, None), or (None, error): one bad document must not stop a run.

        The stage gets its own copy (`own`): stages edit text and annotations in place, and
        Beam hands the same object to every consumer of a PCollection (a profile
        taken here must not see what the next stage does to it).
        """
        try:
            return self._fn(own), None
        except Exception as error:  # noqa: BLE001
            return None, error

    @staticmethod
    def _count(cache: dict, name: str) -> None:
        if name not in cache:
            cache[name] = Metrics.counter(COUNTER_NAMESPACE, name)
        cache[name].inc()


def error_message(error: BaseException) -> str:
    """The first 500 characters of the error's message, as UTF-8 text: a message may hold a lone surrogate
    (a file name decoded with surrogateescape), and a plugin's exception may fail in its own __str__."""
    try:
        return str(error)[:500].encode("utf-8", "backslashreplace").decode("utf-8")
    except Exception:  # noqa: BLE001 - the error row is still written, with what can be said
        return f"({error_type_name(error)}'s message could not be read)"


def own_copy(item):
    """The document with its own meta and annotations, which a stage may change. A Document itself is built
    directly: dataclasses.replace reads the class's fields on every call, about 3.5x the time."""
    if type(item) is Document:
        return Document(item.id, item.text, item.source, item.url, dict(item.meta), dict(item.annotations))
    if isinstance(item, Document):
        return dataclasses.replace(item, meta=dict(item.meta), annotations=dict(item.annotations))
    return item


def item_size(item) -> int:
    text = getattr(item, "text", None)
    return max(1, len(text) if text is not None else len(getattr(item, "body", b"")))


class BatchDocuments(beam.PTransform):
    """Documents (or raw pages) -> lists of them of about BATCH_CHARS characters."""

    def __init__(self, chars: int = BATCH_CHARS):
        super().__init__()
        self._chars = chars

    def expand(self, items):
        return items | beam.BatchElements(min_batch_size=self._chars, max_batch_size=self._chars,
                                          element_size_fn=item_size, record_metrics=False)


class Unbatch(beam.PTransform):
    def expand(self, batches):
        return batches | beam.FlatMap(lambda batch: batch).with_output_types(Document)


class ApplyStage(beam.PTransform):
    """Batches in. Returns a DoOutputsTuple: main (batches of kept documents), `rejected`, `errors`."""

    def __init__(self, stage: str, factory: Callable[..., Callable], side_input=None):
        super().__init__(label=stage)
        self._stage = stage
        self._factory = factory
        self._side_input = side_input

    def expand(self, pcoll):
        side = [self._side_input] if self._side_input is not None else []
        # Typed, so that Beam codes them with pipelines/coders.py instead of pickling them.
        return pcoll | beam.ParDo(_StageFn(self._stage, self._factory, bool(side)), *side).with_output_types(
            List[Document], **{REJECTED: Rejected, ERRORS: ErrorRecord}).with_outputs(REJECTED, ERRORS, main="kept")
