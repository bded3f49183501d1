"""ApplyStage with Beam's TestPipeline: kept, dropped with reason, and failed with error."""
import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from corpus.document import Document, Drop
from pipelines.stage import ERRORS, REJECTED, ApplyStage, BatchDocuments, Unbatch


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
