"""The bytes of a reuse cache entry: documents, rejected rows and errors as JSON lines, zstd-compressed.

The cache has its own codec, apart from the Parquet schemas of documents/ and rejected/, so that the
output format can change without touching it. JSON keeps what reuse needs exactly: Python's float repr
reads back to the same float (NaN and infinities included), ints stay ints, dicts keep their key order
(stages insert annotations in a fixed order), and lone surrogates in text pass through. A value JSON
would change on the way (a tuple becomes a list, a numpy float cannot be written) is refused with
CacheCodecError: the caller then computes instead of reusing, so a cache never returns anything but
what was stored.

A line is written by orjson where it gives the value back exactly (tag b"O"; several times faster than the
standard library both ways, which is most of what replaying an entry costs), else by the standard library
(tag b"J": a non-finite float, which orjson writes as null; a lone surrogate or an int beyond 64 bits,
which orjson refuses; a subclass of a JSON type). Each tag is read by the library that wrote it, as in
corpus/document_codec.py: orjson would read a big int from the standard library's JSON as a float.
"""
from __future__ import annotations

import dataclasses
import json
import math

import orjson
import zstandard

from corpus.document import Document, ErrorRecord, Rejected

ZSTD_LEVEL = 3
_ORJSON, _JSON = b"O", b"J"
_CHUNK = 1 << 20
_KINDS = {"document": Document, "rejected": Rejected, "error": ErrorRecord}
_NAMES = {kind: name for name, kind in _KINDS.items()}
_FIELDS = {kind: tuple(spec.name for spec in dataclasses.fields(kind)) for kind in _NAMES}


class CacheCodecError(ValueError):
    """A value the codec cannot write and read back unchanged."""


def _checked(value) -> bool:
    """CacheCodecError for a value JSON would change; else whether orjson writes it exactly too: built-in
    types themselves, not subclasses, and finite floats. Walks the whole value either way."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is float:
        return math.isfinite(value)
    if isinstance(value, list):
        exact = [_checked(item) for item in value]
        return kind is list and all(exact)
    if isinstance(value, dict):
        exact = kind is dict
        for key, item in value.items():
            if not isinstance(key, str):
                raise CacheCodecError(f"a mapping key that is not a string: {key!r}")
            exact = _checked(item) and type(key) is str and exact
        return exact
    if isinstance(value, (str, bool, int, float)):
        return False
    raise CacheCodecError(f"a value of type {type(value).__name__} does not round-trip through JSON")


def encode_record(record) -> dict:
    """A Document, Rejected or ErrorRecord -> a JSON-ready dict naming its kind."""
    name = _NAMES.get(type(record))
    if name is None:
        raise CacheCodecError(f"cannot cache a {type(record).__name__}")
    return {"kind": name, **{field: getattr(record, field) for field in _FIELDS[type(record)]}}


def decode_record(data: dict):
    fields = dict(data)
    return _KINDS[fields.pop("kind")](**fields)


def _exact_in_orjson(value) -> bool:
    """_checked, with a value too deeply nested to walk refused like any other the codec cannot write."""
    try:
        return _checked(value)
    except RecursionError:
        raise CacheCodecError("a value nested too deeply to cache") from None


def encode_line(value) -> bytes:
    """One JSON value, one line, after its tag. Key order is kept, not sorted: it is part of the value."""
    if _exact_in_orjson(value):
        try:
            return _ORJSON + orjson.dumps(value) + b"\n"
        except orjson.JSONEncodeError:      # a lone surrogate, an int beyond 64 bits, deep nesting
            pass
    text = json.dumps(value, ensure_ascii=False, allow_nan=True)
    return _JSON + text.encode("utf-8", "surrogatepass") + b"\n"


def decode_line(line: bytes):
    """The value of one line of encode_line's (without its line break)."""
    tag = line[:1]
    if tag == _ORJSON:
        return orjson.loads(line[1:])
    if tag == _JSON:
        return json.loads(line[1:].decode("utf-8", "surrogatepass"))
    raise CacheCodecError(f"not a line of the cache's codec: {line[:20]!r}")


def encode_text(value) -> str:
    """`value` as the text of one line, without its line break: a field of a tab-separated line."""
    return encode_line(value)[:-1].decode("utf-8", "surrogatepass")


def decode_text(text: str):
    return decode_line(text.encode("utf-8", "surrogatepass"))


def compressing(handle):
    """A writer of compressed lines into `handle` (closing it closes `handle`). The frame carries a checksum,
    so a damaged entry is noticed when it is read, not taken for a shorter one."""
    return zstandard.ZstdCompressor(level=ZSTD_LEVEL, write_checksum=True).stream_writer(handle)


def decoded_lines(handle):
    """The values of a compressed entry, one by one; CacheCodecError at the end if it is damaged."""
    for line in compressed_lines(handle):
        yield decode_line(line)


def compressed_lines(handle):
    """The lines (bytes, split at "\\n" only: U+2028 and friends are text) of the compressed file `handle`,
    one by one as they decompress; CacheCodecError when it turns out damaged, at the latest once its end is
    read. zstandard's stream reader stops quietly at the end of its input, so a cut-off frame would read as
    a shorter file and its checksum would never be checked: here the frame must end, with its checksum
    passed, nothing may follow it, and its last line must end with a line break."""
    decompressor, rest = zstandard.ZstdDecompressor().decompressobj(), b""
    for chunk in iter(lambda: handle.read(_CHUNK), b""):
        if decompressor.eof:
            raise CacheCodecError("damaged: the frame is followed by other bytes")
        try:
            lines = (rest + decompressor.decompress(chunk)).split(b"\n")
        except zstandard.ZstdError as error:
            raise CacheCodecError(f"damaged: {error}") from None
        rest = lines.pop()
        yield from lines
    if not decompressor.eof or decompressor.unused_data:
        raise CacheCodecError("damaged: the frame is cut off or followed by other bytes")
    if rest:
        raise CacheCodecError("damaged: the last line has no line break")

