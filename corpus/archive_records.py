"""Iterate the records of a WARC, WET or ARC file, whatever its age.

WARC/1.0 and 1.1 go through fastwarc. fastwarc and warcio both refuse the
older formats that real crawls still hold (ARC files of 2008-2009 Common
Crawl, WARC/0.18 of ClueWeb09 with its wrong Content-Length values), so those
go through a small tolerant parser here that re-synchronises on the next
record header when a length is wrong.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import BinaryIO, Iterator, Optional

from fastwarc.warc import ArchiveIterator, WarcRecordType

# Record types that carry a document; requests, metadata and warcinfo do not.
DOCUMENT_TYPES = ("response", "resource", "conversion")
_FASTWARC_TYPES = WarcRecordType.response | WarcRecordType.resource | WarcRecordType.conversion
_ARC_HEADER = re.compile(rb"^(\S+) (\S+) (\d{14}) (\S*) (\d+)\s*$")
_MAX_HEADER_LINES = 512


@dataclass
class ArchiveRecord:
    kind: str                 # response | resource | conversion
    url: Optional[str]
    record_id: Optional[str]
    date: Optional[str]
    offset: int               # in the decompressed stream
    block: bytes              # the record block: an HTTP message, or the resource itself
    declared_length: int
    meta: dict = field(default_factory=dict)
    header_complete: bool = True

    @property
    def truncated(self) -> bool:
        return not self.header_complete or len(self.block) < self.declared_length


def iter_fastwarc(raw: BinaryIO, max_block_bytes: int) -> Iterator[ArchiveRecord]:
    """Records of a WARC/1.x file, compressed or not; offsets are in the raw file."""
    for record in ArchiveIterator(raw, record_types=_FASTWARC_TYPES, parse_http=False):
        headers = record.headers
        yield ArchiveRecord(
            kind=str(record.record_type),
            url=headers.get("WARC-Target-URI"),
            record_id=headers.get("WARC-Record-ID"),
            date=headers.get("WARC-Date"),
            offset=record.stream_pos,
            block=record.reader.read(max_block_bytes + 1),
            declared_length=record.content_length,
            meta={"warc_content_type": headers.get("Content-Type", "")},
        )


def iter_tolerant(stream: BinaryIO, max_block_bytes: int, base_offset: int = 0
                  ) -> Iterator[ArchiveRecord]:
    """Records of any WARC or ARC version from a decompressed stream.

    Offsets are `base_offset` plus the position in the decompressed stream.
    """
    offset = base_offset
    skipped = 0
    while True:
        line = stream.readline(1 << 16)
        if not line:
            return
        start, offset = offset, offset + len(line)
        if line.strip() == b"":
            continue
        if line.startswith(b"WARC/"):
            header_bytes, headers, complete = _read_warc_headers(stream)
            offset += header_bytes
            record = _warc_record(headers, start)
            record.header_complete = complete
        elif _ARC_HEADER.match(line):
            record = _arc_record(_ARC_HEADER.match(line), start)
        else:
            skipped += len(line)   # bytes left over after a wrong Content-Length
            continue
        length = record.declared_length
        record.block = stream.read(min(length, max_block_bytes + 1))
        offset += len(record.block)
        if length > len(record.block) and len(record.block) > max_block_bytes:
            offset += _skip(stream, length - len(record.block))
        if skipped:
            record.meta["bytes_skipped_before"] = skipped
            skipped = 0
        if record.kind in DOCUMENT_TYPES:
            yield record


def _read_warc_headers(stream: BinaryIO) -> tuple[int, dict, bool]:
    """(bytes consumed, headers, whether the blank line that ends them was reached)."""
    headers, consumed = {}, 0
    for _ in range(_MAX_HEADER_LINES):
        line = stream.readline(1 << 16)
        consumed += len(line)
        if not line:
            return consumed, headers, False
        if line.strip() == b"":
            return consumed, headers, True
        name, sep, value = line.decode("utf-8", "replace").partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return consumed, headers, False


def _warc_record(headers: dict, offset: int) -> ArchiveRecord:
    length = headers.get("content-length", "0").strip()
    return ArchiveRecord(
        kind=headers.get("warc-type", "unknown").lower(),
        url=headers.get("warc-target-uri"),
        record_id=headers.get("warc-record-id"),
        date=headers.get("warc-date"),
        offset=offset,
        block=b"",
        declared_length=int(length) if length.isdigit() else 0,
        meta={"warc_content_type": headers.get("content-type", "")},
    )


def _arc_record(match: re.Match, offset: int) -> ArchiveRecord:
    url = match.group(1).decode("utf-8", "replace")
    is_file_header = url.startswith("filedesc://")
    date = match.group(3).decode()
    return ArchiveRecord(
        kind="warcinfo" if is_file_header else "response",
        url=None if is_file_header else url,
        record_id=None,
        date=f"{date[0:4]}-{date[4:6]}-{date[6:8]}T{date[8:10]}:{date[10:12]}:{date[12:14]}Z",
        offset=offset,
        block=b"",
        declared_length=int(match.group(5)),
        meta={"arc_content_type": match.group(4).decode("latin-1")},
    )


def _skip(stream: BinaryIO, count: int) -> int:
    skipped = 0
    while skipped < count:
        chunk = stream.read(min(1 << 20, count - skipped))
        if not chunk:
            break
        skipped += len(chunk)
    return skipped
