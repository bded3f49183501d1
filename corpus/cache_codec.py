"""The bytes of a reuse cache entry: documents, rejected rows and errors as JSON lines, zstd-compressed.

The cache has its own codec, apart from the Parquet schemas of documents/ and rejected/, so that the
output format can change without touching it. JSON keeps what reuse needs exactly: Python's float repr
reads back to the same float (NaN and infinities included), ints stay ints, dicts keep their key order
(stages insert annotations in a fixed order), and lone surrogates in text pass through. A value JSON
would change on the way (a tuple becomes a list, a numpy float cannot be written) is refused with
CacheCodecError: the caller then computes instead of reusing, so a cache never returns anything but
what was stored.
"""
from __future__ import annotations

import dataclasses
import io
import json

import zstandard

from corpus.document import Document, ErrorRecord, Rejected

ZSTD_LEVEL = 3
_KINDS = {"document": Document, "rejected": Rejected, "error": ErrorRecord}
_NAMES = {kind: name for name, kind in _KINDS.items()}


class CacheCodecError(ValueError):
    """A value the codec cannot write and read back unchanged."""


def plain(value):
    """`value` when it is JSON that reads back equal and of the same types; else CacheCodecError."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, list):
        for item in value:
            plain(item)
        return value
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise CacheCodecError(f"a mapping key that is not a string: {key!r}")
            plain(item)
        return value
    raise CacheCodecError(f"a value of type {type(value).__name__} does not round-trip through JSON")


def encode_record(record) -> dict:
    """A Document, Rejected or ErrorRecord -> a JSON-ready dict naming its kind."""
    name = _NAMES.get(type(record))
    if name is None:
        raise CacheCodecError(f"cannot cache a {type(record).__name__}")
    return {"kind": name, **{spec.name: getattr(record, spec.name) for spec in dataclasses.fields(record)}}


def decode_record(data: dict):
    fields = dict(data)
    return _KINDS[fields.pop("kind")](**fields)


def encode_line(value) -> bytes:
    """One JSON value, one line. Key order is kept, not sorted: it is part of the value."""
    text = json.dumps(plain(value), ensure_ascii=False, allow_nan=True) + "\n"
    return text.encode("utf-8", "surrogatepass")


def compressing(handle):
    """A writer of compressed lines into `handle` (closing it closes `handle`). The frame carries a checksum,
    so a damaged entry is noticed when it is read, not taken for a shorter one."""
    return zstandard.ZstdCompressor(level=ZSTD_LEVEL, write_checksum=True).stream_writer(handle)


def decoded_lines(handle):
    """The JSON values of a compressed entry, one by one (zstandard checks the frame's checksum at its end)."""
    for line in text_lines(handle):
        yield json.loads(line)


def text_lines(handle):
    """The lines of a compressed file, split at "\\n" only (U+2028 and friends are text, not line ends)."""
    yield from io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(handle), encoding="utf-8",
                                errors="surrogatepass", newline="\n")


def whole_lines(data: bytes) -> list:
    """The lines of one whole compressed file, or CacheCodecError. zstandard's stream reader stops quietly
    at the end of its input, so a cut-off frame would read as a shorter file and its checksum would never
    be checked: here the frame must end, with its checksum passed, and nothing may follow it."""
    decompressor = zstandard.ZstdDecompressor().decompressobj()
    try:
        text = decompressor.decompress(data)
    except zstandard.ZstdError as error:
        raise CacheCodecError(f"damaged: {error}") from None
    if not decompressor.eof or decompressor.unused_data:
        raise CacheCodecError("damaged: the frame is cut off or followed by other bytes")
    lines = text.decode("utf-8", "surrogatepass").split("\n")
    if lines.pop() != "":
        raise CacheCodecError("damaged: the last line has no line break")
    return lines
