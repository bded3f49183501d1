"""Turn one structured record (a JSON object or a Parquet row) into a Document."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from corpus.document import Document, ErrorRecord, stable_id
from corpus.fields import first_field
from corpus.read_errors import read_error

# Kept meta values nest at most this deep: json.loads takes ~1,000 levels, but every later step that
# walks a value (the cache codec, the Parquet rows' JSON, Beam's coders) would then run out of stack.
MAX_META_DEPTH = 100


@dataclass(frozen=True)
class FieldMap:
    """Where a record keeps its text, id and url; each may list fallbacks."""
    text: tuple = ("text",)
    id: tuple = ("id",)
    url: tuple = ("url", "metadata.url", "u")
    date: tuple = ("date", "created", "metadata.date")
    keep_meta: tuple = field(default=())


def record_to_document(record: object, fields: FieldMap, source: str, name: str, position: int,
                       location: str) -> Union[Document, ErrorRecord]:
    """`name` and `position` (line or row) make the id; a given id is kept in meta.source_id only,
    so that two records with the same given id stay two documents."""
    if not isinstance(record, dict):
        return read_error(source, location, "not_an_object", f"record is a {type(record).__name__}")
    text = first_field(record, list(fields.text))
    if text is None:
        return read_error(source, location, "missing_text_field", f"no field {'/'.join(fields.text)}")
    if not isinstance(text, str):
        return read_error(source, location, "text_not_a_string", f"text is a {type(text).__name__}")
    text = _encodable(text)
    given_id = first_field(record, list(fields.id))
    url = first_field(record, list(fields.url))
    meta = {"location": location, "crawl_date": _as_str(first_field(record, list(fields.date)))}
    if given_id is not None:
        meta["source_id"] = str(given_id)
    for key in fields.keep_meta:         # not `name`: that is the file's, which the id is made of
        meta[key] = first_field(record, [key])
        if nested_deeper(meta[key], MAX_META_DEPTH):
            return read_error(source, location, "too_deeply_nested",
                              f"meta field {key} nests deeper than {MAX_META_DEPTH} levels")
    return Document(id=stable_id(source, name, position), text=text, source=source, url=_as_str(url), meta=meta)


def nested_deeper(value: object, limit: int) -> bool:
    """Whether lists, tuples and dicts in `value` nest more than `limit` levels (without recursing)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, (list, tuple, dict)):
            if depth > limit:
                return True
            pending.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def _as_str(value: object):
    return None if value is None else str(value)


def _encodable(text: str) -> str:
    """JSON may hold lone surrogates ("\\ud800"), which no UTF-8 writer accepts."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
