"""Split an HTTP response as archived into status, headers and a decoded body.

Archives store what the crawler saw, and crawlers disagree: some keep
`Transfer-Encoding: chunked` and gzip bodies, most (Common Crawl since 2018)
store the decoded payload but leave the original headers. So decoding is
decided by the bytes, not by the headers alone.
"""
from __future__ import annotations

import gzip
import re
import zlib
from dataclasses import dataclass
from typing import Optional

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_CHUNK_SIZE_LINE = re.compile(rb"([0-9a-fA-F]{1,8})[ \t]*(?:;[^\r\n]*)?\r?\n")


@dataclass
class HttpResponse:
    status: Optional[int]
    headers: dict
    body: bytes

    @property
    def mime_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> Optional[str]:
        match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", self.headers.get("content-type", ""), re.I)
        return match.group(1).lower() if match else None


def parse_http_response(block: bytes) -> HttpResponse:
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
    return HttpResponse(status=_status_code(lines[0]), headers=headers, body=_decode_body(body, headers))


def _status_code(status_line: str) -> Optional[int]:
    parts = status_line.split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def _decode_body(body: bytes, headers: dict) -> bytes:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _dechunk(body)
    if body[:2] == b"\x1f\x8b":
        body = _try(lambda: gzip.decompress(body), body)
    elif "deflate" in headers.get("content-encoding", "").lower():
        body = _try(lambda: zlib.decompress(body, -zlib.MAX_WBITS), body)
    return body


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


def _try(decode, fallback: bytes) -> bytes:
    try:
        return decode()
    except (OSError, EOFError, zlib.error):
        return fallback
