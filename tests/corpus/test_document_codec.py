"""The record codec gives every document, rejected row and error back exactly, and the same bytes twice."""
from __future__ import annotations

import math
import pickle
import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.document import Document, ErrorRecord, Rejected
from corpus.document_codec import decoder, encoder, is_plain, size_estimate

# Any str, lone surrogates included (texts read with surrogateescape carry them).
TEXT = st.text(st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF))
JSON_LIKE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4), max_leaves=20)
# Values JSON cannot give back as they were: these records take the pickle path.
OTHER = st.tuples(st.integers()) | st.frozensets(st.integers(), max_size=2) | st.dictionaries(
    st.integers(), st.integers(), min_size=1, max_size=2)
VALUE = JSON_LIKE | OTHER
DICTS = st.dictionaries(TEXT, VALUE, max_size=6)

DOCUMENTS = st.builds(Document, id=TEXT, text=TEXT, source=TEXT, url=st.none() | TEXT, meta=DICTS,
                      annotations=DICTS)
REJECTED = st.builds(Rejected, id=TEXT, url=st.none() | TEXT, source=TEXT, stage=TEXT, reason=TEXT, text=TEXT,
                     detail=TEXT, text_chars=st.integers(min_value=0), annotations=DICTS)
ERRORS = st.builds(ErrorRecord, source=TEXT, location=TEXT, stage=TEXT, error_type=TEXT, message=TEXT)


def same(first, second) -> bool:
    """Equal including types, float bits (NaN, -0.0) and dict key order: what pickle would say."""
    return pickle.dumps(first, protocol=4) == pickle.dumps(second, protocol=4) or _deep_same(first, second)


def _deep_same(first, second) -> bool:
    if type(first) is not type(second):
        return False
    if isinstance(first, float):
        return math.copysign(1, first) == math.copysign(1, second) and (
            first == second or (math.isnan(first) and math.isnan(second)))
    if isinstance(first, dict):
        return list(first) == list(second) and all(_deep_same(first[k], second[k]) for k in first)
    if isinstance(first, (list, tuple)):
        return len(first) == len(second) and all(map(_deep_same, first, second))
    if hasattr(first, "__dataclass_fields__"):
        return _deep_same(vars(first), vars(second))
    return first == second


def round_trip(record):
    kind = type(record)
    encoded = encoder(kind)(record)
    assert encoded == encoder(kind)(record)                  # the same bytes every time
    decoded = decoder(kind)(encoded)
    assert same(decoded, record), (record, decoded)
    return encoded


@settings(max_examples=300, deadline=None)
@given(DOCUMENTS)
def test_documents_round_trip_exactly(doc):
    round_trip(doc)


@settings(max_examples=150, deadline=None)
@given(REJECTED)
def test_rejected_rows_round_trip_exactly(row):
    round_trip(row)


@settings(max_examples=100, deadline=None)
@given(ERRORS)
def test_errors_round_trip_exactly(error):
    round_trip(error)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(TEXT, JSON_LIKE, max_size=6))
def test_json_like_annotations_take_the_json_path(annotations):
    """Only non-finite floats leave JSON's path among JSON-like values (JSON's NaN loses its sign); orjson
    writes the head unless it holds what orjson refuses (a lone surrogate, an int beyond 64 bits)."""
    doc = Document(id="a", text="t", source="s", annotations=annotations)
    finite = _all_finite(annotations)
    assert is_plain(annotations) == finite
    assert round_trip(doc)[:1] == (b"P" if not finite else b"J" if _orjson_refuses(annotations) else b"O")


def _all_finite(value) -> bool:
    """No NaN or infinity among the values (a key may be any text, "inf" among them)."""
    if isinstance(value, dict):
        return all(map(_all_finite, value.values()))
    if isinstance(value, list):
        return all(map(_all_finite, value))
    return not isinstance(value, float) or math.isfinite(value)


def _orjson_refuses(value) -> bool:
    if isinstance(value, dict):
        return any(map(_orjson_refuses, value)) or any(map(_orjson_refuses, value.values()))
    if isinstance(value, list):
        return any(map(_orjson_refuses, value))
    if isinstance(value, str):
        return any(0xD800 <= ord(char) <= 0xDFFF for char in value)
    return type(value) is int and not -2 ** 63 <= value < 2 ** 64


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False) | st.integers(-2 ** 63, 2 ** 64 - 1), max_size=8))
def test_numbers_come_back_bit_exact_through_orjson(numbers):
    doc = Document(id="a", text="t", source="s", annotations={"numbers": numbers})
    encoded = round_trip(doc)
    assert encoded[:1] == b"O"
    back = decoder(Document)(encoded).annotations["numbers"]
    assert [(type(number), struct.pack("<d", number) if type(number) is float else number) for number in back] == \
        [(type(number), struct.pack("<d", number) if type(number) is float else number) for number in numbers]


def test_values_json_would_change_are_pickled_and_come_back():
    for annotations in ({"span": (1, 2)}, {1: "int key"}, {"x": float("nan")}, {"big": 10 ** 5000}, {"f": -0.0},
                        {"big": 2 ** 64}, {"\ud800": "lone surrogate key"}, {"deep": _nested(300)}):
        doc = Document(id="a", text="\udcff text", source="s", annotations=annotations)
        round_trip(doc)
    assert encoder(Document)(Document(id="a", text="t", source="s", annotations={"span": (1, 2)}))[:1] == b"P"


def _nested(depth: int):
    value = 1
    for _ in range(depth):
        value = [value]
    return value


class Special(Document):
    pass


def test_a_subclass_comes_back_as_itself():
    doc = Special(id="a", text="t", source="s")
    assert encoder(Document)(doc)[:1] == b"P"
    assert type(decoder(Document)(encoder(Document)(doc))) is Special


def test_size_estimate_follows_the_text_without_encoding():
    assert size_estimate(Document(id="a", text="x" * 1000, source="s")) > 1000
    assert size_estimate(ErrorRecord("s", "l", "stage", "E", "m" * 50)) > 50
