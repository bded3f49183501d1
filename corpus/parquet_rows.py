"""The Parquet schemas of documents/, rejected/ and errors/, rows for them, and a row's shard.

Free-form dicts (meta, annotations) are stored as JSON text with sorted keys,
so the schema never changes with the data and the bytes never depend on
the order in which keys were set.
"""
from __future__ import annotations

import json
from dataclasses import asdict

import pyarrow as pa
import xxhash

from corpus.document import Document, ErrorRecord, Rejected

DOCUMENT_SCHEMA = pa.schema([
    ("id", pa.string()), ("source", pa.string()), ("url", pa.string()), ("text", pa.string()),
    ("meta", pa.string()), ("annotations", pa.string()),
])
REJECTED_SCHEMA = pa.schema([
    ("id", pa.string()), ("url", pa.string()), ("source", pa.string()), ("stage", pa.string()),
    ("reason", pa.string()), ("detail", pa.string()), ("text", pa.string()), ("text_chars", pa.int64()),
    ("annotations", pa.string()),
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


def _json(value: dict) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def document_row(doc: Document) -> dict:
    return {"id": doc.id, "source": doc.source, "url": doc.url, "text": doc.text,
            "meta": _json(doc.meta), "annotations": _json(doc.annotations)}


def rejected_row_dict(rejected: Rejected) -> dict:
    return {**asdict(rejected), "annotations": _json(rejected.annotations)}


def error_row_dict(error: ErrorRecord) -> dict:
    return asdict(error)


def sort_key_document(doc: Document) -> str:
    return doc.id


def sort_key_rejected(rejected: Rejected) -> tuple:
    return (rejected.source, rejected.id, rejected.stage)


def sort_key_error(error: ErrorRecord) -> tuple:
    return (error.source, error.location, error.stage, error.error_type)
