"""Bytes for the records that move between a run's steps: documents, rejected rows and errors.

Pickling a Document cost about 15 us, and Beam pickled each one several times: to hand it from
one fused stage to the next, and again just to estimate the size of a batch. Here a record is its
str fields as UTF-8 and the rest as one small JSON array, so it encodes exactly what the fields
hold and nothing of Python's object layout. It round-trips exactly: any str (lone
surrogates too), None, and nested dicts of JSON-like values (str, int, float, bool, None, list,
dicts with str keys; finite floats) in their key order. A record holding anything else (a tuple, a numpy
number, a subclass) is pickled instead, whole, so it comes back as it went.

The same record gives the same bytes every time: its fields in declaration order, dicts in
their key order (equal dicts built in another order give other bytes, which is why the Beam
coder does not claim to be deterministic in Beam's sense; records are never shuffle keys).

`size_estimate` is what Beam's size sampling gets: the text's length and a constant, no
encoding at all.

The head is written by orjson where it can (tag b"O"): about 3x faster both ways than the standard
library's json, and exact for what it accepts. orjson refuses what it cannot give back (an int
beyond 64 bits, a lone surrogate, nesting deeper than 255) and the standard library writes those
heads (tag b"J"); a non-finite float, which orjson would write as null, never reaches either
(is_plain). Each tag is read by the library that wrote it: orjson would read a big int from the
standard library's JSON as a float.
"""
from __future__ import annotations

import dataclasses
import json
import math
import pickle
import struct

import orjson

from corpus.document import Document, ErrorRecord, Rejected

_ORJSON, _JSON, _PICKLE = b"O", b"J", b"P"
_LENGTH = struct.Struct("<I")
_encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=True,
                                check_circular=False).encode
_decode_json = json.JSONDecoder().decode
_FIELDS = {kind: tuple(field.name for field in dataclasses.fields(kind))
           for kind in (Document, Rejected, ErrorRecord)}
_SCALARS = (str, int, bool, type(None))


def is_plain(value) -> bool:
    """True when JSON gives this value back exactly: same types, same dict key order."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is float:               # JSON's NaN loses the sign and payload bits: those are pickled
        return math.isfinite(value)
    if kind is list:
        return _plain_items(value)
    if kind is dict:
        return all(type(key) is str for key in value) and _plain_items(value.values())
    return False


def _plain_items(values) -> bool:
    """is_plain of every value, scalars tested inline: a document's annotations are mostly scalars, and
    a call per scalar was most of what the coder spent on them."""
    for value in values:
        kind = type(value)
        if kind is str or kind is int or kind is bool or value is None:
            continue
        if kind is float:
            if not math.isfinite(value):
                return False
        elif not is_plain(value):
            return False
    return True


def encoder(kind: type):
    """record -> bytes for one record class (Document, Rejected or ErrorRecord)."""
    names = _FIELDS[kind]

    def encode(record) -> bytes:
        if type(record) is kind:
            values = [getattr(record, name) for name in names]
            if all(map(is_plain, values)):
                try:
                    return _plain_bytes(values)
                except ValueError:          # an int too long for str(), say: pickled below
                    pass
        return _PICKLE + pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
    return encode


def _plain_bytes(values: list) -> bytes:
    """b"O" (or b"J"), the head's length, the head, then each str field's UTF-8. The head is a JSON array
    with a str field's byte length in its place and any other field as a one-element array, so text is
    copied, never escaped."""
    head, strings = [], []
    for value in values:
        if type(value) is str:
            strings.append(value.encode("utf-8", "surrogatepass"))
            head.append(len(strings[-1]))
        else:
            head.append([value])
    try:
        tag, encoded_head = _ORJSON, orjson.dumps(head)
    except orjson.JSONEncodeError:
        tag, encoded_head = _JSON, _encode_json(head).encode("utf-8", "surrogatepass")
    return b"".join((tag, _LENGTH.pack(len(encoded_head)), encoded_head, *strings))


def decoder(kind: type):
    """bytes -> record, the inverse of encoder(kind)."""
    def decode(encoded: bytes):
        tag = encoded[:1]
        if tag == _PICKLE:
            return pickle.loads(encoded[1:])
        (head_size,) = _LENGTH.unpack_from(encoded, 1)
        start = 1 + _LENGTH.size + head_size
        head = encoded[1 + _LENGTH.size:start]
        values = []
        for entry in (orjson.loads(head) if tag == _ORJSON else _decode_json(head.decode("utf-8", "surrogatepass"))):
            if type(entry) is int:
                values.append(encoded[start:start + entry].decode("utf-8", "surrogatepass"))
                start += entry
            else:
                values.append(entry[0])
        return kind(*values)
    return decode


def size_estimate(record) -> int:
    """About the encoded size, from the text (or message) alone: what Beam's size sampling needs."""
    text = getattr(record, "text", None)
    if text is None:
        text = getattr(record, "message", "")
    return len(text) + 200


encode_document, decode_document = encoder(Document), decoder(Document)
