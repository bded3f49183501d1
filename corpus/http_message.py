"""Split an HTTP response as archived into status, headers and a decoded body.

Archives store what the crawler saw, and crawlers disagree: some keep
`Transfer-Encoding: chunked` and gzip bodies, most (Common Crawl since 2018)
store the decoded payload but leave the original headers. So decoding is
decided by the bytes, not by the headers alone: a body is gunzipped when it
starts with the gzip magic, inflated or un-brotlied when the header says so
and the bytes decode; otherwise it is kept as it is.

Decoding is incremental and stops at `max_bytes` of output: a 1 MB body that
inflates to gigabytes costs `max_bytes`, and is reported, not decoded.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Optional

import brotli

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_CHUNK_SIZE_LINE = re.compile(rb"([0-9a-fA-F]{1,8})[ \t]*(?:;[^\r\n]*)?\r?\n")
_STEP = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"


class BodyTooLarge(Exception):
    pass


@dataclass
class HttpResponse:
    status: Optional[int]
    headers: dict
    body: bytes
    body_problem: str = ""          # why the body could not be decoded within the size limit

    @property
    def mime_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> Optional[str]:
        match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", self.headers.get("content-type", ""), re.I)
        return match.group(1).lower() if match else None


def parse_http_response(block: bytes, max_bytes: int = 64 << 20) -> HttpResponse:
    """Parse an HTTP message; a block that is not one (a resource record) is all body."""
    if not block.startswith(b"HTTP/"):
        return HttpResponse(status=None, headers={}, body=block)
    end = _HEADER_END.search(block, 0, 1 << 16)
    head, body = (block, b"") if end is None else (block[:end.start()], block[end.end():])
    lines = head.decode("latin-1").splitlines()
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    response = HttpResponse(status=_status_code(lines[0]), headers=headers, body=b"")
    try:
        response.body = _decode_body(body, headers, max_bytes)
    except BodyTooLarge as error:
        response.body_problem = str(error)
    return response


def _status_code(status_line: str) -> Optional[int]:
    parts = status_line.split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() and len(parts[1]) < 6 else None


def _decode_body(body: bytes, headers: dict, max_bytes: int) -> bytes:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _dechunk(body)
    encodings = [name.strip() for name in headers.get("content-encoding", "").lower().split(",")]
    if body[:2] == GZIP_MAGIC:
        return _or_as_is(body, _inflate(body, 31, max_bytes, "gzip"))
    for encoding in reversed([name for name in encodings if name]):
        if encoding == "deflate":
            wbits = 15 if _looks_like_zlib(body) else -15
            body = _or_as_is(body, _inflate(body, wbits, max_bytes, "deflate"))
        elif encoding == "br":
            body = _or_as_is(body, _unbrotli(body, max_bytes))
    return body


def _or_as_is(body: bytes, decoded: Optional[bytes]) -> bytes:
    """Bytes that do not decode are kept as they are (the headers may describe a decoded payload)."""
    return body if decoded is None else decoded


def _looks_like_zlib(data: bytes) -> bool:
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0


def _inflate(data: bytes, wbits: int, max_bytes: int, name: str) -> Optional[bytes]:
    """The inflated data (what came before a cut, when cut short); None when it is not valid."""
    pieces, total = [], 0
    inflater = zlib.decompressobj(wbits)
    try:
        while True:
            piece = inflater.decompress(data, _STEP)
            total += len(piece)
            if total > max_bytes:
                raise BodyTooLarge(f"{name} body inflates to more than {max_bytes} bytes")
            pieces.append(piece)
            data = inflater.unconsumed_tail
            if inflater.eof and inflater.unused_data[:2] == GZIP_MAGIC and wbits == 31:
                data, inflater = inflater.unused_data, zlib.decompressobj(wbits)   # another member
            elif inflater.eof or (not data and len(piece) < _STEP):
                break
    except zlib.error:
        return None
    return b"".join(pieces)


def _unbrotli(data: bytes, max_bytes: int) -> Optional[bytes]:
    pieces, total = [], 0
    decoder = brotli.Decompressor()
    try:
        piece = decoder.process(data, output_buffer_limit=_STEP)
        while True:
            total += len(piece)
            if total > max_bytes:
                raise BodyTooLarge(f"br body decodes to more than {max_bytes} bytes")
            pieces.append(piece)
            if decoder.is_finished() or decoder.can_accept_more_data():
                break                       # done, or the input is used up (a cut body)
            piece = decoder.process(b"", output_buffer_limit=_STEP)
    except brotli.error:
        return None
    return b"".join(pieces)


def _dechunk(body: bytes) -> bytes:
    """Undo chunked transfer encoding; a body that is not really chunked comes back as is."""
    pieces, pos = [], 0
    while True:
        match = _CHUNK_SIZE_LINE.match(body, pos)
        if match is None:
            return body if not pieces else b"".join(pieces) + body[pos:]
        size = int(match.group(1), 16)
        if size == 0:
            return b"".join(pieces)
        start = match.end()
        pieces.append(body[start:start + size])
        pos = start + size
        while body[pos:pos + 1] in (b"\r", b"\n") and pos < len(body):
            pos += 1
