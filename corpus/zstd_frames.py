"""One zstd frame at a time, decoded block by block.

zstandard's streaming reader stops silently at a truncated frame and offers no
bound on the output of one call. Walking the frame's own structure (RFC 8878:
a header, blocks of at most 128 KiB of output each, an optional checksum) tells
exactly where a frame ends, whether it was cut, and lets each call decode one
block, so that no call makes more than 128 KiB however compressible the data.
"""
from __future__ import annotations

import zstandard

from corpus.gzip_members import CorruptMember

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_MAX_BLOCK = 128 << 10
_RAW, _RLE, _COMPRESSED = 0, 1, 2


def skippable_frame_length(head: bytes):
    """The whole length of a skippable frame (metadata zstd readers ignore) starting `head`, else None."""
    if len(head) >= 8 and head[1:4] == b"\x2a\x4d\x18" and 0x50 <= head[0] <= 0x5F:
        return 8 + int.from_bytes(head[4:8], "little")
    return None


class ZstdFrame:
    name = "zstd"
    magic = ZSTD_MAGIC

    def __init__(self):
        self._decoder = zstandard.ZstdDecompressor().decompressobj()
        self._checksum = 0
        self._state = "header"

    def feed(self, data, max_output: int) -> tuple:
        """(output, input bytes used, whether the frame ended): whole units only, until `max_output`."""
        outputs, used, made = [], 0, 0
        while made < max_output and self._state != "done":
            unit = self._next_unit(data, used)
            if unit is None or used + unit[0] > len(data):
                break
            size, self._state = unit
            unit = bytes(data[used:used + size])
            used += size
            try:
                out = self._decoder.decompress(unit)
            except zstandard.ZstdError as error:
                raise CorruptMember(f"corrupt zstd frame: {error}") from None
            outputs.append(out)
            made += len(out)
        if self._state == "done" and not self._decoder.eof:
            raise CorruptMember("corrupt zstd frame: its blocks end but the decoder expects more")
        return b"".join(outputs), used, self._state == "done"

    def _next_unit(self, data, at: int):
        """(size, state after it) of the next header, block or checksum; None until enough bytes tell."""
        if self._state == "header":
            if len(data) - at < 5:
                return None
            descriptor = data[at + 4]
            if descriptor & 0x08:
                raise CorruptMember("corrupt zstd frame: reserved bit set in the frame header")
            single = descriptor >> 5 & 1
            content_size = (1 if single else 0, 2, 4, 8)[descriptor >> 6]
            self._checksum = 4 if descriptor & 0x04 else 0
            return 5 + (0 if single else 1) + (0, 1, 2, 4)[descriptor & 3] + content_size, "blocks"
        if self._state == "checksum":
            return self._checksum, "done"
        if len(data) - at < 3:
            return None
        header = int.from_bytes(bytes(data[at:at + 3]), "little")
        kind, size = header >> 1 & 3, header >> 3
        if kind not in (_RAW, _RLE, _COMPRESSED) or (kind == _COMPRESSED and size > _MAX_BLOCK):
            raise CorruptMember(f"corrupt zstd frame: block header {header:06x} is not valid")
        after = ("checksum" if self._checksum else "done") if header & 1 else "blocks"
        return 3 + (1 if kind == _RLE else size), after

    @staticmethod
    def skippable_length(head: bytes):
        return skippable_frame_length(head)
