"""WARC, WET and ARC files to RawPages (HTML to extract) and Documents (WET text)."""
from __future__ import annotations

from typing import BinaryIO, Iterator, Union

from corpus.archive_records import DOCUMENT_TYPES, KNOWN_TYPES, ArchiveRecord, Broken, iter_records
from corpus.compression import Decoded
from corpus.document import Document, ErrorRecord, RawPage, stable_id
from corpus.formats import looks_like
from corpus.http_message import parse_http_response
from corpus.read_errors import damage_error, exception_error, read_error, unrecognised_file

ReadItem = Union[RawPage, Document, ErrorRecord]
_SNIFF_BYTES = 4096


def read_archive(raw: BinaryIO, name: str, source: str, max_record_bytes: int) -> Iterator[ReadItem]:
    """Every document-bearing record becomes exactly one RawPage, Document or ErrorRecord.

    Every stretch of the file that is not a complete record (a wrong length, a
    bad header, a cut, a corrupt gzip member, bytes that are no record) is one
    ErrorRecord. `name` is the file's name in ids, meta and error locations.
    """
    decoded = Decoded(raw)
    looks = looks_like(decoded.peek(_SNIFF_BYTES))
    if looks not in ("warc", "arc", "empty"):
        yield unrecognised_file(source, name, looks, "warc/arc")
        return
    continues_damage = False
    for stream in decoded.segments():
        for event in iter_records(stream, max_record_bytes, decoded.output_offset, continues_damage):
            if isinstance(event, Broken):
                # A stretch that damage explains (it runs into it, or lies in what a damaged
                # member decoded before it) is the damage's.
                explained = (event.at_end and decoded.damage is not None) or decoded.is_suspect(event.offset)
                if not explained:
                    yield read_error(source, f"{name}@{event.offset}", event.error_type, event.message)
            elif event.kind in DOCUMENT_TYPES or event.kind not in KNOWN_TYPES:
                yield _record_item(event, name, source, max_record_bytes)
        if decoded.damage is not None:
            yield damage_error(source, name, decoded.codec_name, decoded.damage)
        continues_damage = decoded.damage is not None


def _record_item(record: ArchiveRecord, name: str, source: str, max_record_bytes: int) -> ReadItem:
    location = f"{name}@{record.offset}"
    if record.kind not in KNOWN_TYPES:
        return read_error(source, location, "unknown_record_type", f"WARC-Type {record.kind[:100]!r}")
    if len(record.block) > max_record_bytes:
        return read_error(source, location, "record_too_large",
                          f"record block of {record.declared_length} bytes exceeds {max_record_bytes}")
    try:
        return _to_item(record, name, source, max_record_bytes)
    except Exception as error:  # noqa: BLE001 - one record's bytes must never stop the file
        return exception_error(source, location, error)


def _to_item(record: ArchiveRecord, name: str, source: str, max_record_bytes: int) -> ReadItem:
    doc_id = stable_id(source, name, record.offset)
    meta = {"file": name, "offset": record.offset, "crawl_date": record.date,
            "warc_record_id": record.record_id, **record.meta}
    if record.kind == "conversion":
        return Document(id=doc_id, text=record.block.decode("utf-8", "replace"),
                        source=source, url=record.url, meta=meta)
    response = parse_http_response(record.block, max_record_bytes)
    if response.body_problem:
        return read_error(source, f"{name}@{record.offset}", "record_too_large", response.body_problem)
    meta["http_status"] = response.status
    return RawPage(id=doc_id, source=source, url=record.url, body=response.body,
                   content_type=response.mime_type or _archive_mime_type(record),
                   charset=response.charset, meta=meta)


def _archive_mime_type(record: ArchiveRecord) -> str:
    """Without HTTP headers, the archive's own Content-Type describes the block."""
    declared = record.meta.get("arc_content_type") or record.meta.get("warc_content_type", "")
    mime = declared.split(";")[0].strip().lower()
    return "" if mime.startswith("application/http") else mime
