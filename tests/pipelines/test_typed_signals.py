"""documents/ and rejected/ store every signal the stages computed, as typed Arrow structs (real web data)."""
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from filters.pii.pii_filter import UNIVERSAL_ENTITIES, PiiConfig, entities_for
from pipelines.config import load_config
from pipelines.run import run_curation
from tests.conftest import shared_data
from tests.outputs import stored_rows

DOLMA = "web/dolma/CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz"     # 697 English documents
WARC = "web/dolma/warc__sample-0000.warc.gz"                                   # HTML: extraction runs
HPLT = "web/hplt_sample100/CC.zst"                                             # 100 pages, many languages

# The annotation keys each stage writes, in the order the stages run.
STAGE_KEYS = [("extract", ["extract_path"]), ("normalize", []), ("url_filter", []),
              ("language", ["lang", "lang_score", "lang_second", "lang_second_score"]), ("quality", ["quality"]),
              ("unsafe_words", ["unsafe_word_hits", "unsafe_word_hits_by_list"]), ("exact_dedup", []),
              ("near_dedup", ["dup_cluster", "dup_cluster_size"]), ("pii", ["pii"]),
              ("decontaminate", ["contamination_hits"])]


@pytest.fixture(scope="module")
def real_output(tmp_path_factory):
    output = tmp_path_factory.mktemp("signals") / "out"
    gsm8k = shared_data("decontam/gsm8k/test.jsonl")
    config = load_config(
        inputs=[f"dolma={shared_data(DOLMA)}", f"crawl={shared_data(WARC)}", f"hplt={shared_data(HPLT)}"],
        output=str(output),
        overrides=["tokenize.enabled=false", "read.text_field=[text, t]", "read.keep_meta=[metadata]",
                   f"unsafe_words.lists={shared_data('unsafe/ldnoobw')}",
                   f"decontaminate.benchmarks=[gsm8k={gsm8k}]"])
    assert run_curation(config, [], workers=1, out=io.StringIO()) == 0
    return output


def _table(output, part) -> pa.Table:
    return pa.concat_tables(pq.read_table(path) for path in sorted((output / part).glob("*.parquet")))


def _numbers(value) -> list:
    """Every int or float (not bool) in a stored struct, nested structs included."""
    if isinstance(value, dict):
        return [number for item in value.values() for number in _numbers(item)]
    return [value] if isinstance(value, (int, float)) and not isinstance(value, bool) else []


def test_annotations_and_meta_are_typed_structs(real_output):
    schema = _table(real_output, "documents").schema
    annotations, meta = schema.field("annotations").type, schema.field("meta").type
    assert pa.types.is_struct(annotations) and pa.types.is_struct(meta)
    assert meta.field("offset").type == pa.int64() and meta.field("http_status").type == pa.int64()
    quality = annotations.field("quality").type
    assert pa.types.is_struct(quality) and quality.num_fields == 30
    assert all(pa.types.is_integer(f.type) or pa.types.is_floating(f.type) for f in quality)
    for name in ("lang_score", "lang_second_score", "unsafe_score"):
        assert annotations.field(name).type == pa.float64()
    pii = annotations.field("pii").type
    assert [f.name for f in pii] == entities_for(PiiConfig(), "en") and {f.type for f in pii} == {pa.int64()}
    assert [f.name for f in annotations.field("unsafe_word_hits_by_list").type] == ["en", "document_language"]
    assert _table(real_output, "rejected").schema.field("annotations").type == annotations


def test_every_kept_document_stores_every_signal_its_stages_computed(real_output):
    table = _table(real_output, "documents")
    rows = table.to_pylist()
    assert len(rows) > 300
    for row in rows:
        signals = row["annotations"]
        assert len([n for n in _numbers(signals) if n is not None]) >= 10, row["id"]
        assert signals["lang_second"] and signals["lang_second"] != signals["lang"]
        assert 0 <= signals["lang_second_score"] <= signals["lang_score"] <= 1.001      # fastText: up to 1.0001
        assert signals["unsafe_word_hits_by_list"]["en"] is not None       # also_check: every document
        entities = entities_for(PiiConfig(), signals["lang"])
        assert all(signals["pii"][entity] is not None for entity in entities)
        assert all(signals["pii"][entity] is None for entity in signals["pii"] if entity not in entities)
        assert signals["dup_cluster_size"] >= 1 and signals["dup_cluster"] == row["id"]   # a kept doc keeps its cluster
        assert signals["contamination_hits"] == 0
        assert (signals["extract_path"] is not None) == (row["source"] == "crawl")
    # non-English pages with a list of their own language count its hits apart from the English list
    own = [row["annotations"] for row in rows if row["annotations"]["lang"] not in ("en",)
           and row["annotations"]["unsafe_word_hits_by_list"]["document_language"] is not None]
    assert len(own) >= 5
    assert sum(row["annotations"]["pii"]["EMAIL_ADDRESS"] for row in rows) > 0
    assert set(UNIVERSAL_ENTITIES) <= set(rows[0]["annotations"]["pii"])


def test_keep_meta_fields_are_kept_whole_in_meta_extra(real_output):
    rows = [row for row in stored_rows(real_output, "documents") if row["source"] == "dolma"]
    assert rows and all(isinstance(row["meta"]["metadata"], dict) and row["meta"]["location"] for row in rows)
    raw = [row["meta"]["extra"] for row in _table(real_output, "documents").to_pylist() if row["source"] == "dolma"]
    assert all(json.loads(extra).keys() == {"metadata"} for extra in raw)


def test_rejected_rows_carry_the_signals_up_to_their_dropping_stage(real_output):
    order = [stage for stage, _ in STAGE_KEYS]
    rows = stored_rows(real_output, "rejected")
    stages = {row["stage"] for row in rows}
    assert {"quality", "extract"} <= stages and len(stages) >= 3, stages
    for row in rows:
        dropped_at = order.index(row["stage"])
        found = set(row["annotations"])
        for position, (stage, keys) in enumerate(STAGE_KEYS):
            if position > dropped_at:
                assert not found & set(keys), (row["stage"], stage, found)
            elif position < dropped_at and (stage != "extract" or row["source"] == "crawl"):
                assert set(keys) <= found, (row["stage"], stage, found)
        if row["stage"] == "near_dedup":    # its cluster: the kept document's id, and how many it holds
            assert row["annotations"]["dup_cluster"] == row["detail"] and row["annotations"]["dup_cluster_size"] >= 2
        if row["stage"] == "quality":       # the dropping stage's own findings: every signal, the deciding one too
            quality = row["annotations"]["quality"]
            assert len(_numbers(quality)) >= 10 and quality.get(row["reason"], 0) is not None
        if row["stage"] == "extract" or row["source"] != "crawl":
            assert "extract_path" not in found
