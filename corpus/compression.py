"""Open a byte stream as its decompressed content, chosen by magic bytes, not by file name."""
from __future__ import annotations

import io
import zlib
from typing import BinaryIO

import zstandard

from corpus.gzip_members import GzipMembers

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
READ_BUFFER = 1 << 20


def decompressed(raw: BinaryIO) -> tuple:
    """(a buffered reader over the decompressed bytes of `raw`, list of corruptions).

    gzip: every member of a multi-member file is read (WARC files are one member
    per record); a corrupt member is skipped and appended to the corruption list
    as (compressed offset, message) when the reader reaches it. zstd: a corrupt
    frame raises when it is reached; the caller decides what the rest becomes.
    """
    buffered = raw if hasattr(raw, "peek") else io.BufferedReader(raw, READ_BUFFER)
    head = buffered.peek(4)[:4]
    if head.startswith(GZIP_MAGIC):
        members = GzipMembers(buffered)
        return io.BufferedReader(members, READ_BUFFER), members.corruptions
    if head.startswith(ZSTD_MAGIC):
        reader = zstandard.ZstdDecompressor().stream_reader(buffered, read_across_frames=True)
        return io.BufferedReader(reader, READ_BUFFER), []
    return buffered, []


def sniff_decompressed(buffered: BinaryIO, size: int = 16) -> bytes:
    """The first `size` decompressed bytes, read with peek() so nothing is consumed.

    Give a reader with a buffer of at least 128 KiB: a zstd block can be that large.
    """
    head = buffered.peek(1 << 17)
    try:
        if head.startswith(GZIP_MAGIC):
            return zlib.decompressobj(wbits=31).decompress(head, size)[:size]
        if head.startswith(ZSTD_MAGIC):
            return zstandard.ZstdDecompressor().decompressobj().decompress(head)[:size]
    except (zlib.error, zstandard.ZstdError):
        return b""
    return head[:size]
