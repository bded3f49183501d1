"""The Parquet schemas of documents/, rejected/ and errors/, rows for them, and a row's shard.

`meta` and `annotations` are typed structs (corpus/signal_schema.py): the
schema depends on the config alone (the quality signals it names), never on
the data, and a row never depends on the order in which keys were set.
"""
from __future__ import annotations

import json
import dataclasses

import pyarrow as pa
import xxhash

from corpus.document import Document, ErrorRecord, Rejected
from corpus.signal_schema import META_TYPE, ConfigFields, annotations_type, struct_value


def document_schema(fields: ConfigFields) -> pa.Schema:
    return pa.schema([
        ("id", pa.string()), ("source", pa.string()), ("url", pa.string()), ("text", pa.string()),
        ("meta", META_TYPE), ("annotations", annotations_type(fields)),
    ])


def rejected_schema(fields: ConfigFields) -> pa.Schema:
    return pa.schema([
        ("id", pa.string()), ("url", pa.string()), ("source", pa.string()), ("stage", pa.string()),
        ("reason", pa.string()), ("detail", pa.string()), ("text", pa.string()), ("text_chars", pa.int64()),
        ("annotations", annotations_type(fields)),
    ])

ERROR_SCHEMA = pa.schema([
    ("source", pa.string()), ("location", pa.string()), ("stage", pa.string()),
    ("error_type", pa.string()), ("message", pa.string()),
])


def shard_of(key: str, count: int) -> int:
    """A row's shard from its key's bytes alone, stable across runs, runners and Python versions.

    Readers use it too: a document's id names the one documents/ shard that can hold it.
    """
    return xxhash.xxh64_intdigest(key.encode("utf-8", "replace")) % count


def document_row(doc: Document) -> dict:
    """The whole document as plain values, meta and annotations as JSON with sorted keys: a total
    order for documents that tie on everything else (pipelines/dedup.py). DocumentRow makes the stored row."""
    return {"id": doc.id, "source": doc.source, "url": doc.url, "text": doc.text,
            "meta": json.dumps(doc.meta, sort_keys=True, ensure_ascii=False, default=str),
            "annotations": json.dumps(doc.annotations, sort_keys=True, ensure_ascii=False, default=str)}


class DocumentRow:
    """Document -> its documents/ row under `schema` (document_schema)."""

    def __init__(self, schema: pa.Schema):
        self._meta, self._annotations = schema.field("meta").type, schema.field("annotations").type

    def __call__(self, doc: Document) -> dict:
        return {"id": doc.id, "source": doc.source, "url": doc.url, "text": doc.text,
                "meta": struct_value(doc.meta, self._meta),
                "annotations": struct_value(doc.annotations, self._annotations)}


class RejectedRow:
    """Rejected -> its rejected/ row under `schema` (rejected_schema)."""

    def __init__(self, schema: pa.Schema):
        self._annotations = schema.field("annotations").type

    def __call__(self, rejected: Rejected) -> dict:
        # shallow on purpose: dataclasses.asdict deep-copies the annotations (2.3 s for 10,600 rows at 20 MB)
        row = _shallow_dict(rejected)
        row["annotations"] = struct_value(rejected.annotations, self._annotations)
        return row


def error_row_dict(error: ErrorRecord) -> dict:
    return _shallow_dict(error)


def _shallow_dict(record) -> dict:
    return {field.name: getattr(record, field.name) for field in dataclasses.fields(record)}


def sort_key_document(doc: Document) -> str:
    return doc.id


def sort_key_rejected(rejected: Rejected) -> tuple:
    return (rejected.source, rejected.id, rejected.stage)


def sort_key_error(error: ErrorRecord) -> tuple:
    return (error.source, error.location, error.stage, error.error_type)
