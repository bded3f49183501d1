"""ApplyStage with Beam's TestPipeline: kept, dropped with reason, and failed with error."""
import dataclasses
import time

import apache_beam as beam
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from corpus.document import Document, Drop
from pipelines.stage import ERRORS, REJECTED, ApplyStage, BatchDocuments, Unbatch, own_copy


class _KeepLongDropShortFailEmpty:
    def __call__(self, doc):
        if not doc.text:
            raise ValueError("empty")
        return doc if len(doc.text) > 3 else Drop("short", f"{len(doc.text)}")


def test_apply_stage_routes_every_element():
    docs = [Document(id=name, text=text, source="s") for name, text in
            (("a", "long text"), ("b", "ab"), ("c", ""))]
    with TestPipeline(runner="FnApiRunner") as pipeline:
        out = pipeline | beam.Create(docs) | BatchDocuments(chars=3) | ApplyStage("check", _KeepLongDropShortFailEmpty)
        assert_that(out.kept | Unbatch() | "KeptIds" >> beam.Map(lambda d: d.id),
                    equal_to(["a"]), label="kept")
        assert_that(out[REJECTED] | "Reasons" >> beam.Map(
            lambda r: (r.id, r.stage, r.reason, r.detail)), equal_to([("b", "check", "short", "2")]),
            label="rejected")
        assert_that(out[ERRORS] | "Errors" >> beam.Map(
            lambda e: (e.location, e.stage, e.error_type)), equal_to([("c", "check", "ValueError")]),
            label="errors")


def test_a_stage_gets_a_copy_of_every_field_with_its_own_meta_and_annotations():
    """own_copy builds a Document from its fields by position: a field added to Document must reach it too."""
    values = {"url": "https://example.org/", "meta": {"crawl_date": "2024"}, "annotations": {"pii": [1]}}
    doc = Document(**{spec.name: values.get(spec.name, f"{spec.name} value") for spec in dataclasses.fields(Document)})
    copy = own_copy(doc)
    assert copy == doc and copy is not doc
    assert copy.meta is not doc.meta and copy.annotations is not doc.annotations
    copy.meta["changed"] = copy.annotations["changed"] = True
    assert "changed" not in doc.meta and "changed" not in doc.annotations


class _SlowToBuildDropOrFail:
    BUILD_SECONDS = 0.3

    def __init__(self):
        time.sleep(self.BUILD_SECONDS)

    def __call__(self, doc):
        if doc.id.endswith(("1", "3", "5")):
            raise ValueError("odd")
        return Drop("even", "")


def _slow_row(row):
    time.sleep(0.1)
    return getattr(row, "id", None) or row.location


def test_a_stage_counts_its_build_and_not_the_steps_fused_after_its_rows():
    """A stage's time in the report: building it and judging its batches. The steps fused after it run on
    each rejected or error row it yields; here they sleep 0.1 s a row, which must not be counted in it."""
    docs = [Document(id=f"d{number}", text="some text", source="s") for number in range(6)]
    pipeline = TestPipeline(runner="FnApiRunner")
    out = pipeline | beam.Create(docs) | BatchDocuments(chars=10**6) | ApplyStage("slow", _SlowToBuildDropOrFail)
    rows = (out[REJECTED], out[ERRORS]) | beam.Flatten()
    assert_that(rows | beam.Map(_slow_row), equal_to([doc.id for doc in docs]))
    result = pipeline.run()
    result.wait_until_finish()
    counters = result.metrics().query(MetricsFilter().with_name("time_us.slow"))["counters"]
    seconds = sum(counter.committed for counter in counters) / 1e6
    assert _SlowToBuildDropOrFail.BUILD_SECONDS <= seconds < _SlowToBuildDropOrFail.BUILD_SECONDS + 0.3


def test_a_stage_that_no_batch_reaches_still_counts_its_build():
    """Every document is dropped before the second stage: it is built and never given a batch."""
    docs = [Document(id=f"d{number}", text="some text", source="s") for number in range(2)]
    pipeline = TestPipeline(runner="FnApiRunner")
    dropped = pipeline | beam.Create(docs) | BatchDocuments(chars=10**6) | "first" >> ApplyStage(
        "first", lambda: (lambda doc: Drop("all", "")))
    _ = dropped.kept | "second" >> ApplyStage("second", _SlowToBuildDropOrFail)
    result = pipeline.run()
    result.wait_until_finish()
    counters = result.metrics().query(MetricsFilter().with_name("time_us.second"))["counters"]
    assert sum(counter.committed for counter in counters) / 1e6 >= _SlowToBuildDropOrFail.BUILD_SECONDS
