"""The records of a WARC, WET or ARC stream, any version, and the stretches that are not records.

One tolerant parser reads every version: WARC/1.0 and 1.1, the WARC/0.18 of
ClueWeb09 and the ARC files of 2008-2009 Common Crawl (which fastwarc and
warcio refuse). A record is complete when its declared block is there and
ends on a record boundary: the trailer (CRLF CRLF for WARC, LF for ARC)
followed by the next record header, blank lines or the end. Anything else is a
`Broken` stretch, counted once:

- a declared length that does not land on a boundary (too short, or running
  into the next record, which is then found inside the block and read);
- a record header without a WARC-Type or a Content-Length;
- bytes between records that are not a record header;
- a record cut by the end of the stream.

After a broken stretch the parser scans forward to the next header line
(`WARC/x.y`, or an ARC header line) and goes on from there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import BinaryIO, Iterator, Optional, Union

# Record types that carry a document; requests, metadata and warcinfo do not.
DOCUMENT_TYPES = ("response", "resource", "conversion")
KNOWN_TYPES = DOCUMENT_TYPES + ("warcinfo", "request", "metadata", "revisit", "continuation")
_WARC_VERSION = re.compile(rb"WARC/\d+\.\d+[ \t]*\r?\n")
_ARC_HEADER = re.compile(rb"(\S+) (\S+) (\d{14}) (\S*) (\d{1,18})[ \t\r]*\n")
_EMBEDDED_WARC = re.compile(rb"\n(WARC/\d+\.\d+[ \t]*\r?\n)")
_WARC_FIELD = re.compile(rb"\n(WARC-[A-Za-z-]+|Content-Length):", re.I)
_EMBEDDED_ARC = re.compile(rb"\n(\S+ \S+ \d{14} \S* \d{1,18}[ \t\r]*\n)")
_DIGITS = re.compile(r"[0-9]{1,18}")
# What may end a record before the next one. WARC/1.x says CR LF CR LF (LF LF is let pass);
# ClueWeb09's WARC/0.18 ends records with LF LF, one LF or nothing (its lengths count the
# trailer or not); ARC writers put one LF, or none after a file header whose length counts it.
_WARC_TRAILERS, _OLD_WARC_TRAILERS = (b"\r\n\r\n", b"\n\n"), (b"\r\n\r\n", b"\n\n", b"\n", b"")
_ARC_TRAILERS = (b"\n", b"")
_MAX_HEADER_LINES = 512
_LINE_LIMIT = 1 << 16
_LOOKAHEAD = (4096, _LINE_LIMIT + 8)    # bytes looked at after a block: a trailer and the next header line


@dataclass
class ArchiveRecord:
    kind: str                 # the WARC-Type, lower case (ARC records are responses)
    url: Optional[str]
    record_id: Optional[str]
    date: Optional[str]
    offset: int               # in the decompressed stream
    block: bytes              # the record block (the first max_block_bytes + 1 when it is larger)
    declared_length: int
    meta: dict = field(default_factory=dict)


@dataclass
class Broken:
    """A stretch of the stream that is not a complete record: one error."""
    offset: int
    error_type: str           # truncated_record | bad_content_length | bad_record_header | unrecognised_bytes
    message: str
    at_end: bool = False      # the stretch runs to the end of the stream (a cut there explains it)


Event = Union[ArchiveRecord, Broken]


def is_header_line(line: bytes) -> bool:
    return bool(_WARC_VERSION.fullmatch(line) or _ARC_HEADER.fullmatch(line))


def iter_records(stream: BinaryIO, max_block_bytes: int, start: int = 0,
                 continues_damage: bool = False) -> Iterator[Event]:
    """Records and broken stretches of one decompressed stream; offsets are `start` + position.

    `continues_damage`: the stream starts right after damage that is reported
    already, so bytes before its first header belong to that damage.
    """
    lines = _Lines(stream, start)
    stretch: Optional[Broken] = None
    silent = continues_damage        # the current stretch is already reported
    at_line_start = True
    while True:
        offset = lines.pos
        line = lines.readline()
        if not line:
            break
        starts_line, at_line_start = at_line_start, line.endswith(b"\n")
        glued = _WARC_VERSION.search(line, 1) if b"WARC/" in line[1:] else None
        if glued is not None and glued.end() == len(line):     # a header right after bytes that are none
            lines.unread(line[glued.start():])
            line, at_line_start = line[:glued.start()], True
        if starts_line and is_header_line(line):
            if stretch is not None and not silent:
                yield stretch
            stretch, silent = None, False
            event = _parse_record(line, offset, lines, max_block_bytes)
            at_line_start = True
            if isinstance(event, Broken):
                stretch = event
            else:
                yield event
        elif stretch is None and not silent and line.strip():
            stretch = Broken(offset, "unrecognised_bytes", "bytes between records that are not a record header")
    if stretch is not None and not silent:
        stretch.at_end = True
        yield stretch


def _parse_record(first_line: bytes, offset: int, lines: "_Lines", max_block_bytes: int) -> Event:
    if first_line.startswith(b"WARC/"):
        headers, problem = _read_warc_headers(lines)
        if problem:
            return Broken(offset, *problem)
        record = _warc_record(headers, offset)
        if isinstance(record, Broken):
            return record
        trailers = _OLD_WARC_TRAILERS if first_line.startswith(b"WARC/0.") else _WARC_TRAILERS
        embedded = _EMBEDDED_WARC
    else:
        record = _arc_record(_ARC_HEADER.fullmatch(first_line), offset)
        trailers, embedded = _ARC_TRAILERS, _EMBEDDED_ARC
    return _read_block(record, lines, max_block_bytes, trailers, embedded)


def _read_block(record: ArchiveRecord, lines: "_Lines", max_block_bytes: int, trailers: tuple,
                embedded: re.Pattern) -> Event:
    length = record.declared_length
    record.block = lines.read(min(length, max_block_bytes + 1))
    missing = min(length, max_block_bytes + 1) - len(record.block)
    if length > len(record.block) and not missing:
        missing = (length - len(record.block)) - lines.skip(length - len(record.block))
    boundary = "" if missing else _boundary(lines, trailers)
    if boundary == "record":
        return record
    if len(record.block) <= max_block_bytes:
        inside = embedded.search(record.block)
        if inside is None and boundary == "cut":
            return record               # the stream ends inside the trailer: the block is whole
        if inside is not None:          # the declared length runs into the next record: read that one
            lines.unread(record.block[inside.start(1):])
            return Broken(record.offset, "bad_content_length",
                          f"Content-Length {length} runs into the next record")
    if missing:
        return Broken(record.offset, "truncated_record",
                      f"the stream ends {missing} bytes before the end of the block ({length} bytes declared)")
    if boundary == "trailer" and not _record_goes_on(lines, trailers):
        return record                   # what follows is a stretch of its own
    if len(record.block) <= max_block_bytes:
        lines.unread(record.block)
    return Broken(record.offset, "bad_content_length",
                  f"Content-Length {length} does not end on a record boundary")


def _record_goes_on(lines: "_Lines", trailers: tuple) -> bool:
    """After a trailer that no header follows: whether the next header (within a MiB) comes right
    after a trailer. Then the first trailer was a blank line inside the block (a declared length too
    short), not the end of the record. Stray bytes between records do not end in a trailer, and a
    record whose version line is damaged shows WARC fields at once: both are stretches of their own."""
    if trailers != _WARC_TRAILERS:
        return False
    ahead = lines.peek(1 << 20)
    header = _EMBEDDED_WARC.search(ahead, 1)
    return (header is not None and ahead[:header.start(1)].endswith(b"\r\n\r\n")
            and not _WARC_FIELD.search(ahead, 0, min(1024, header.start(1))))


def _boundary(lines: "_Lines", trailers: tuple) -> str:
    """"record": a trailer, then the next record header or the end (the trailer is consumed);
    "cut": the stream ends inside a trailer; "trailer": a trailer, then something else;
    "": no trailer where the block ends."""
    for size in _LOOKAHEAD:
        ahead = lines.peek(size)
        at_end = len(ahead) < size
        verdict = ""
        for trailer in trailers:
            if ahead.startswith(trailer) or (at_end and trailer.startswith(ahead)):
                rest = ahead[len(trailer):]
                following = rest.lstrip(b"\r\n")
                line_end = following.find(b"\n")
                if (not following and at_end) or (line_end >= 0 and is_header_line(following[:line_end + 1])):
                    lines.read(min(len(trailer), len(ahead)))
                    return "cut" if len(ahead) < len(trailer) else "record"
                if line_end < 0 and not at_end:
                    verdict = "undecided"
                    break
                verdict = verdict or ("trailer" if trailer else "")   # no trailer is no boundary
        if verdict != "undecided":
            return verdict
    return "trailer"


def _read_warc_headers(lines: "_Lines") -> tuple:
    """(headers, None) or (partial headers, (error type, message))."""
    headers = {}
    for _ in range(_MAX_HEADER_LINES):
        line = lines.readline()
        if not line:
            return headers, ("truncated_record", "the stream ends inside the record header")
        if line.strip() == b"":
            return headers, None
        name, sep, value = line.decode("utf-8", "replace").partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return headers, ("bad_record_header", f"no blank line after {_MAX_HEADER_LINES} header lines")


def _warc_record(headers: dict, offset: int) -> Union[ArchiveRecord, Broken]:
    kind = headers.get("warc-type")
    length = headers.get("content-length", "")
    if not kind or not _DIGITS.fullmatch(length):
        found = ", ".join(sorted(headers)[:8]) or "none"
        return Broken(offset, "bad_record_header",
                      f"a record header needs WARC-Type and a numeric Content-Length (headers: {found})")
    return ArchiveRecord(
        kind=kind.lower(),
        url=headers.get("warc-target-uri"),
        record_id=headers.get("warc-record-id"),
        date=headers.get("warc-date"),
        offset=offset,
        block=b"",
        declared_length=int(length),
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


class _Lines:
    """A stream read by lines and blocks, with bytes that can be pushed back, and its position."""

    def __init__(self, stream: BinaryIO, position: int):
        self._stream = stream
        self._back, self._back_at = b"", 0
        self.pos = position

    def readline(self, limit: int = _LINE_LIMIT) -> bytes:
        if self._back_at < len(self._back):
            cut = self._back.find(b"\n", self._back_at, self._back_at + limit)
            if cut >= 0 or len(self._back) - self._back_at >= limit:
                end = cut + 1 if cut >= 0 else self._back_at + limit
                line, self._back_at = self._back[self._back_at:end], end
            else:
                line = self._back[self._back_at:]
                self._back, self._back_at = b"", 0
                line += self._stream.readline(limit - len(line))
        else:
            line = self._stream.readline(limit)
        self.pos += len(line)
        return line

    def read(self, count: int) -> bytes:
        if self._back_at < len(self._back):
            data = self._back[self._back_at:self._back_at + count]
            self._back_at += len(data)
            if len(data) < count:
                data += self._stream.read(count - len(data))
        else:
            data = self._stream.read(count)
        self.pos += len(data)
        return data

    def skip(self, count: int) -> int:
        skipped = 0
        while skipped < count:
            chunk = self.read(min(1 << 20, count - skipped))
            if not chunk:
                break
            skipped += len(chunk)
        return skipped

    def unread(self, data: bytes) -> None:
        self._back = data + self._back[self._back_at:]
        self._back_at = 0
        self.pos -= len(data)

    def peek(self, count: int) -> bytes:
        data = self.read(count)
        self.unread(data)
        return data
