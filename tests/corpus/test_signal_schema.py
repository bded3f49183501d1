"""The typed meta/annotations structs: rows under them, read back, and the quality fields taken from the rules."""
import json
from dataclasses import replace

import pyarrow as pa
import pytest

from corpus.document import Document
from corpus.parquet_rows import RecordColumns, document_schema
from corpus.signal_schema import EXTRA, ConfigFields, from_struct, stored_dicts
from filters.quality.quality_filter import QualityConfig, QualityFilter, signal_types
from tests.fixtures import ARTICLE

FIELDS = ConfigFields(quality=signal_types(QualityConfig()), pii=["EMAIL_ADDRESS", "US_SSN"],
                      unsafe_lists=["en", "document_language"])


def _table(docs, fields=FIELDS) -> pa.Table:
    schema = document_schema(fields)
    return RecordColumns(schema)(docs)


def test_a_row_reads_back_as_the_dicts_the_stages_wrote_unknown_keys_through_extra():
    annotations = {"lang": "de", "lang_score": 0.91, "pii": {"EMAIL_ADDRESS": 2, "US_SSN": 0},
                   "quality": {"gopher_words": 120, "gopher_dup_line_fraction": 0.25},
                   "unsafe_word_hits_by_list": {"en": 0, "document_language": 3}, "zebra_checked": True}
    meta = {"location": "a.jsonl:3", "crawl_date": "2024-01-01", "metadata": {"tags": ["x", 1]}}
    table = _table([Document("s/1", "text", "s", meta=meta, annotations=annotations)])
    assert stored_dicts(table, "annotations") == [annotations]
    assert stored_dicts(table, "meta") == [meta]
    stored = table.to_pylist()[0]
    assert json.loads(stored["annotations"][EXTRA]) == {"zebra_checked": True}
    assert stored["annotations"]["pii"] == {"EMAIL_ADDRESS": 2, "US_SSN": 0}
    assert stored["annotations"]["dup_cluster"] is None and stored["meta"]["offset"] is None


def test_the_stored_row_does_not_depend_on_the_order_keys_were_set():
    keys = {"lang": "en", "quality": {"gopher_words": 3, "gopher_lines": 1}, "b_plugin": 1, "a_plugin": 2}
    backwards = {key: (dict(reversed(value.items())) if isinstance(value, dict) else value)
                 for key, value in reversed(keys.items())}
    first, second = (RecordColumns(document_schema(FIELDS))([Document("d", "t", "s", annotations=a)]).to_pylist()
                     for a in (keys, backwards))
    assert str(first) == str(second)            # str: what pipelines/write.py's row_order compares


def test_no_config_named_field_means_no_empty_struct_which_parquet_cannot_write():
    table = _table([Document("d", "t", "s")], replace(FIELDS, pii=[]))
    assert "pii" not in table.schema.field("annotations").type.names


@pytest.mark.parametrize("config", [QualityConfig(), QualityConfig(gopher_repetition=replace(
    QualityConfig().gopher_repetition, max_top_ngram_char_fraction={"2": 0.2, "5": 0.1},
    max_dup_ngram_char_fraction={"7": 0.1}))])
@pytest.mark.parametrize("lang", ["en", "de", "ja", None])
def test_the_quality_struct_has_a_field_for_every_signal_the_rules_compute(config, lang):
    fields = signal_types(config)
    for text in (ARTICLE, "a\n\nb", "", "word " * 300, "lorem ipsum { } ...\n- x\n- x"):
        doc = Document("d", text, "s", annotations={"lang": lang})
        QualityFilter(config)(doc)
        signals = doc.annotations["quality"]
        assert set(signals) <= set(fields), set(signals) - set(fields)
        assert all(value is None or isinstance(value, fields[name]) for name, value in signals.items())
    assert ("gopher_top_5gram_char_fraction" in fields) == ("5" in config.gopher_repetition.max_top_ngram_char_fraction)


def test_from_struct_leaves_nulls_out():
    struct = pa.struct([("a", pa.int64()), ("b", pa.struct([("c", pa.float64())])), (EXTRA, pa.string())])
    assert from_struct({"a": None, "b": {"c": None}, EXTRA: None}, struct) == {"b": {}}
    assert from_struct(None, struct) == {}
