"""A gzip reader that survives corrupt members.

Crawlers compress each WARC record as its own gzip member. Python's gzip
module stops at the first bad member and, because it reads ahead, loses the
good records before it too. This reader hands out a member's bytes only when
the member is complete and its CRC checks; a member that fails to decompress
is skipped up to the next gzip header, and noted in `corruptions`, so the
records after it are still read. A single-member file (the whole archive in
one gzip stream) is streamed once its output passes `hold_limit`.
"""
from __future__ import annotations

import io
import zlib
from typing import BinaryIO

GZIP_HEADER = b"\x1f\x8b\x08"
CHUNK = 1 << 20


class GzipMembers(io.RawIOBase):
    def __init__(self, compressed: BinaryIO, hold_limit: int = 16 << 20):
        self._in = compressed
        self._hold_limit = hold_limit
        self._pending = b""          # compressed bytes not yet fed to zlib
        self._held = []              # output of the current member, not yet released
        self._held_bytes = 0
        self._streaming = False      # current member too large to hold: output released as made
        self._ready = bytearray()    # released output
        self._consumed = 0           # compressed offset of self._pending[0]
        self._member_start = 0
        self._inflater = None
        self._eof = False
        self.corruptions: list = []  # (compressed offset, message)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._ready and not (self._eof and not self._pending and self._inflater is None):
            self._step()
        count = min(len(buffer), len(self._ready))
        buffer[:count] = self._ready[:count]
        del self._ready[:count]
        return count

    def _step(self) -> None:
        if not self._pending and not self._eof:
            chunk = self._in.read(CHUNK)
            self._pending += chunk
            self._eof = not chunk
        if not self._pending:
            if self._inflater is not None:
                self._fail("gzip stream ends inside a member")
            return
        if self._inflater is None:
            self._start_member()
            return
        self._inflate()

    def _start_member(self) -> None:
        padding = len(self._pending) - len(self._pending.lstrip(b"\x00"))
        if padding:                  # NUL padding after the last member is harmless
            self._consumed += padding
            self._pending = self._pending[padding:]
            return
        if not self._pending.startswith(GZIP_HEADER[:len(self._pending)]):
            self._fail("bytes between gzip members are not a gzip header")
            return
        if len(self._pending) < 3 and not self._eof:
            self._pending += self._in.read(CHUNK)
            return
        self._member_start = self._consumed
        self._inflater = zlib.decompressobj(wbits=31)
        self._held, self._held_bytes, self._streaming = [], 0, False

    def _inflate(self) -> None:
        data, self._pending = self._pending, b""
        try:
            out = self._inflater.decompress(data)
        except zlib.error as error:
            self._pending = data
            self._fail(f"corrupt gzip member: {error}")
            return
        self._keep(out)
        if self._inflater.eof:
            rest = self._inflater.unused_data
            self._consumed += len(data) - len(rest)
            self._pending = rest
            self._release()
            self._inflater = None
        else:
            self._consumed += len(data)

    def _keep(self, out: bytes) -> None:
        if self._streaming:
            self._ready += out
            return
        self._held.append(out)
        self._held_bytes += len(out)
        if self._held_bytes > self._hold_limit:
            self._release()
            self._streaming = True

    def _release(self) -> None:
        self._ready += b"".join(self._held)
        self._held, self._held_bytes = [], 0

    def _fail(self, message: str) -> None:
        """Drop the current member's held output and resume at the next gzip header."""
        self.corruptions.append((self._member_start, message))
        self._held, self._held_bytes, self._inflater = [], 0, None
        self._skip_to_next_header()

    def _skip_to_next_header(self) -> None:
        search_from = 1
        while True:
            found = self._pending.find(GZIP_HEADER, search_from)
            if found >= 0:
                self._consumed += found
                self._pending = self._pending[found:]
                return
            keep = self._pending[-2:]
            self._consumed += len(self._pending) - len(keep)
            chunk = self._in.read(CHUNK)
            if not chunk:
                self._consumed += len(keep)
                self._pending, self._eof = b"", True
                return
            self._pending, search_from = keep + chunk, 0
