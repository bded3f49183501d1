"""One gzip member at a time, inflated in bounded steps.

Crawlers compress each WARC record as its own gzip member, so a corrupt member
should cost one record, not the rest of the file (corpus/compression.py skips
it). Output is made at most `max_output` bytes per call: a member of zeros
that inflates a thousandfold never fills memory at once.
"""
from __future__ import annotations

import zlib

GZIP_HEADER = b"\x1f\x8b\x08"


class CorruptMember(Exception):
    """The compressed bytes of a member (or frame) cannot be decoded."""


class GzipMember:
    name = "gzip"
    magic = GZIP_HEADER

    def __init__(self):
        self._inflater = zlib.decompressobj(wbits=31)

    def feed(self, data, max_output: int) -> tuple:
        """(output, input bytes used, whether the member ended with a good CRC)."""
        try:
            out = self._inflater.decompress(data, max_output)
        except zlib.error as error:
            raise CorruptMember(f"corrupt gzip member: {error}") from None
        if self._inflater.eof:
            return out, len(data) - len(self._inflater.unused_data), True
        return out, len(data) - len(self._inflater.unconsumed_tail), False

    @staticmethod
    def skippable_length(head: bytes):
        """gzip has no skippable members: always None."""
        return None
