"""The Parquet schemas of documents/, rejected/ and errors/, rows for them, and a row's shard.

`meta` and `annotations` are typed structs (corpus/signal_schema.py): the
schema depends on the config alone (the quality signals it names), never on
the data, and a row never depends on the order in which keys were set.
"""
from __future__ import annotations

import dataclasses
import json
from operator import attrgetter

import pyarrow as pa
import xxhash

from corpus.document import Document, Rejected
from corpus.signal_schema import META_TYPE, ConfigFields, StructColumns, annotations_type


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
    order for documents that tie on everything else (pipelines/dedup.py). RecordColumns makes the stored rows."""
    return {"id": doc.id, "source": doc.source, "url": doc.url, "text": doc.text,
            "meta": json.dumps(doc.meta, sort_keys=True, ensure_ascii=False, default=str),
            "annotations": json.dumps(doc.annotations, sort_keys=True, ensure_ascii=False, default=str)}


class RecordColumns:
    """Records (Document, Rejected or ErrorRecord) -> a table of `schema`, each column from the record's
    attribute of that name: one pyarrow call per column, structs through StructColumns."""

    def __init__(self, schema: pa.Schema):
        self._schema = schema
        self._columns = [(field.name, StructColumns(field.type) if pa.types.is_struct(field.type) else field.type)
                         for field in schema]

    def __call__(self, records: list) -> pa.Table:
        # map(attrgetter) reads a column in C, where a comprehension ran a Python step per record
        return pa.Table.from_arrays([
            kind.array(list(map(attrgetter(name), records))) if isinstance(kind, StructColumns)
            else pa.array(list(map(attrgetter(name), records)), type=kind)
            for name, kind in self._columns], schema=self._schema)


# The columns each output is sorted by, within a shard. Rows that tie on them are ordered by the
# whole row (pipelines/write.py), in TIE_ORDER_* where the row once was a record's fields in that order.
SORT_DOCUMENT = ("id",)
SORT_REJECTED = ("source", "id", "stage")
SORT_ERROR = ("source", "location", "stage", "error_type")
TIE_ORDER_REJECTED = tuple(field.name for field in dataclasses.fields(Rejected))
