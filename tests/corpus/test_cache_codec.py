"""The reuse cache's codec gives back exactly what it was given, or refuses it."""
import io
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.cache_codec import (CacheCodecError, compressed_lines, compressing, decode_record, decoded_lines, encode_line,
                                encode_record)
from corpus.document import Document, ErrorRecord, Rejected

# Any string, lone surrogates and U+2028 (a line break to str.splitlines, not to JSON lines) included.
TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()))
VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | TEXT,
                      lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                      max_leaves=12)


class _Kept(io.BytesIO):
    """Keeps its bytes when closed (the compressing writer closes what it writes into)."""

    def close(self):
        self.data = self.getvalue()
        super().close()


def _compressed(lines: list) -> bytes:
    buffer = _Kept()
    with compressing(buffer) as writer:
        for line in lines:
            writer.write(line)
    return buffer.data


def _round_trip(records: list) -> list:
    data = _compressed([encode_line(encode_record(record)) for record in records])
    return [decode_record(line) for line in decoded_lines(io.BytesIO(data))]


def _same(a, b) -> bool:
    """Equal, of the same types all the way down, floats bit for bit (NaN is NaN, -0.0 is not 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or a.hex() == b.hex()
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if hasattr(a, "__dataclass_fields__"):
        return all(_same(getattr(a, name), getattr(b, name)) for name in a.__dataclass_fields__)
    return a == b


@settings(max_examples=200, deadline=None)
@given(text=TEXT, meta=st.dictionaries(TEXT, VALUES, max_size=5), annotations=st.dictionaries(TEXT, VALUES, max_size=5),
       url=st.none() | TEXT)
def test_documents_rejected_rows_and_errors_come_back_exactly(text, meta, annotations, url):
    records = [Document(id="web/1", text=text, source="web", url=url, meta=meta, annotations=annotations),
               Rejected(id="web/2", url=url, source="web", stage="quality", reason="r", text=text, detail="d",
                        text_chars=len(text), annotations=annotations),
               ErrorRecord(source="web", location="f@1", stage="language", error_type="ValueError", message=text)]
    back = _round_trip(records)
    assert all(_same(original, decoded) for original, decoded in zip(records, back)) and len(back) == 3


@pytest.mark.parametrize("value", [(1, 2), np.float32(0.5), np.int64(3), b"bytes", {1: "key not a string"}])
def test_a_value_json_would_change_is_refused(value):
    with pytest.raises(CacheCodecError):
        encode_line(encode_record(Document(id="web/1", text="t", source="web", annotations={"x": value})))


def test_a_value_too_deeply_nested_to_walk_is_refused_not_a_crash():
    deep = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(CacheCodecError, match="nested too deeply"):
        encode_line({"meta": deep})


def test_a_damaged_entry_fails_to_read_instead_of_reading_shorter():
    data = bytearray(_compressed([encode_line({"n": n}) for n in range(1000)]))
    data[len(data) // 2] ^= 0xFF
    with pytest.raises(Exception):
        list(decoded_lines(io.BytesIO(bytes(data))))


def test_a_cut_off_frame_is_damage_not_a_shorter_file():
    """zstandard's stream reader returns what it has when its input ends inside a frame (and so never
    checks the checksum); `compressed_lines` requires the frame's end, its checksum, and nothing after it."""
    whole_lines = lambda data: list(compressed_lines(io.BytesIO(data)))  # noqa: E731
    lines = [encode_line({"n": n, "text": "ab\u2028cd"}) for n in range(200)]
    data = _compressed(lines)
    assert whole_lines(data) == [line.rstrip(b"\n") for line in lines]
    for cut in range(0, len(data), 7):
        with pytest.raises(CacheCodecError):
            whole_lines(data[:cut])
    with pytest.raises(CacheCodecError):
        whole_lines(data + b"\0")
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x01
    with pytest.raises(CacheCodecError):
        whole_lines(bytes(flipped))


def test_an_entry_cut_anywhere_fails_to_read_instead_of_reading_shorter():
    """The replay reads an entry line by line as it decompresses: it too must find a cut-off frame."""
    data = _compressed([encode_line({"n": n, "text": "word " * 50}) for n in range(300)])
    assert [line["n"] for line in decoded_lines(io.BytesIO(data))] == list(range(300))
    for cut in range(0, len(data), 11):
        with pytest.raises(CacheCodecError):
            list(decoded_lines(io.BytesIO(data[:cut])))


@pytest.mark.parametrize("value, tag", [
    ({"n": 1, "x": 0.1, "s": "é\u2028"}, b"O"), ({"n": 2 ** 64 - 1}, b"O"), ({"n": 2 ** 64}, b"J"),
    ({"x": math.nan}, b"J"), ({"x": -math.inf}, b"J"), ({"s": "\ud800"}, b"J"), ({"n": np.float64(0.5)}, b"J"),
])
def test_a_line_is_read_by_the_library_that_wrote_it(value, tag):
    """orjson writes what it gives back exactly; the standard library the rest (orjson would read a big
    int as a float and write NaN as null)."""
    line = encode_line(value)
    back = next(decoded_lines(io.BytesIO(_compressed([line]))))
    assert line[:1] == tag and _same(back, {key: float(item) if type(item) is np.float64 else item
                                            for key, item in value.items()})
