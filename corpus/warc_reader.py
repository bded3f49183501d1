"""WARC, WET and ARC files to RawPages (HTML to extract) and Documents (WET text)."""
from __future__ import annotations

import io
from typing import BinaryIO, Iterator, Union

from corpus.archive_records import ArchiveRecord, iter_fastwarc, iter_tolerant
from corpus.compression import decompressed, sniff_decompressed
from corpus.document import Document, ErrorRecord, RawPage, stable_id
from corpus.http_message import parse_http_response
from corpus.read_errors import corrupt_members, is_data_error, read_error, unreadable_rest

ReadItem = Union[RawPage, Document, ErrorRecord]


def read_archive(raw: BinaryIO, path: str, source: str, max_record_bytes: int) -> Iterator[ReadItem]:
    """Every document-bearing record becomes exactly one RawPage, Document or ErrorRecord.

    WARC/1.x goes through fastwarc. If fastwarc stops on a broken file (a
    corrupt gzip member, a truncated record), reading resumes with the tolerant
    parser at the last record fastwarc read, which skips corrupt members and
    reports each one. Older formats use the tolerant parser from the start.
    """
    raw = io.BufferedReader(raw, 1 << 20)   # a large buffer: sniffing a zstd block needs 128 KiB
    if sniff_decompressed(raw).startswith(b"WARC/1."):
        yield from _read_fastwarc(raw, path, source, max_record_bytes)
    else:
        yield from _read_tolerant(raw, path, source, max_record_bytes, resume_at=0, skip_first=False)


def _read_fastwarc(raw: BinaryIO, path: str, source: str, max_record_bytes: int) -> Iterator[ReadItem]:
    records = iter_fastwarc(raw, max_record_bytes)
    last_start = None
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except BaseException as error:  # fastwarc raises OSError, or a Rust panic (BaseException)
            if isinstance(error, (KeyboardInterrupt, SystemExit, GeneratorExit)):
                raise
            break
        last_start = record.offset
        yield _record_to_item(record, path, source, max_record_bytes)
    try:
        raw.seek(last_start or 0)
    except (OSError, ValueError) as error:
        yield unreadable_rest(source, path, f"@{last_start}", error)
        return
    yield from _read_tolerant(raw, path, source, max_record_bytes, resume_at=last_start or 0,
                              skip_first=last_start is not None)


def _read_tolerant(raw: BinaryIO, path: str, source: str, max_record_bytes: int,
                   resume_at: int, skip_first: bool) -> Iterator[ReadItem]:
    stream, corruptions = decompressed(raw)
    records = iter_tolerant(stream, max_record_bytes, base_offset=resume_at)
    try:
        for number, record in enumerate(records):
            yield from corrupt_members(corruptions, source, path, resume_at)
            if number > 0 or not skip_first:
                yield _record_to_item(record, path, source, max_record_bytes)
    except Exception as error:  # noqa: BLE001 - classified below, bugs re-raised
        if not is_data_error(error):
            raise
        yield unreadable_rest(source, path, f"@{resume_at}+", error)
    yield from corrupt_members(corruptions, source, path, resume_at)


def _record_to_item(record: ArchiveRecord, path: str, source: str, max_record_bytes: int) -> ReadItem:
    location = f"{path}@{record.offset}"
    if len(record.block) > max_record_bytes:
        return read_error(source, location, "record_too_large",
                          f"record block of {record.declared_length} bytes exceeds {max_record_bytes}")
    if record.truncated:
        return read_error(source, location, "truncated_record",
                          f"block has {len(record.block)} of {record.declared_length} declared bytes")
    doc_id = stable_id(source, record.record_id or location)
    meta = {"file": path, "offset": record.offset, "crawl_date": record.date,
            "warc_record_id": record.record_id, **record.meta}
    if record.kind == "conversion":
        return Document(id=doc_id, text=record.block.decode("utf-8", "replace"),
                        source=source, url=record.url, meta=meta)
    response = parse_http_response(record.block)
    meta["http_status"] = response.status
    return RawPage(id=doc_id, source=source, url=record.url, body=response.body,
                   content_type=response.mime_type or _archive_mime_type(record),
                   charset=response.charset, meta=meta)


def _archive_mime_type(record: ArchiveRecord) -> str:
    """Without HTTP headers, the archive's own Content-Type describes the block."""
    declared = record.meta.get("arc_content_type") or record.meta.get("warc_content_type", "")
    mime = declared.split(";")[0].strip().lower()
    return "" if mime.startswith("application/http") else mime
