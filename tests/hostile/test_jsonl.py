"""JSONL against hostile lines and damaged compression; counts from the generator, zlib or zstandard."""
import gzip
import io
import json
import tracemalloc
import zlib

import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.document import Document, ErrorRecord
from corpus.jsonl_reader import read_jsonl
from corpus.record_fields import FieldMap
from tests.hostile.cases import decodable_prefix

MAX = 64 << 20
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read(data: bytes, max_bytes: int = MAX) -> list:
    return list(read_jsonl(io.BytesIO(data), "f.jsonl", "src", FieldMap(), max_bytes))


def kinds(items) -> list:
    return [item.error_type if isinstance(item, ErrorRecord) else "doc" for item in items]


def line(i: int) -> bytes:
    return json.dumps({"text": f"line {i} " + "word " * (i % 7)}).encode() + b"\n"


def test_each_kind_of_exception_is_an_error_of_its_line_and_reading_goes_on():
    bad = [b'{"text": "x", "deep": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
           b'{"text": "x", "n": ' + b"9" * 5000 + b"}\n",
           b'{"text": "x", "id": ' + b"[" * 50_000 + b"]" * 50_000 + b"}\n",
           b'\xff\xfe{"text": "utf-16?"}\n']
    data = b"".join(line(i) + bad_line for i, bad_line in enumerate(bad)) + line(9)
    items = read(data)
    assert kinds(items) == ["doc", "too_deeply_nested", "doc", "unparsable_record", "doc", "too_deeply_nested",
                            "doc", "invalid_utf8", "doc"]
    assert [item.location for item in items if isinstance(item, ErrorRecord)] == [
        "f.jsonl:2", "f.jsonl:4", "f.jsonl:6", "f.jsonl:8"]


def test_a_kept_meta_value_nested_deeper_than_the_limit_is_an_error_of_its_line():
    """json.loads takes ~1,000 levels; a kept value that deep would overflow every later step's stack."""
    from corpus.record_fields import MAX_META_DEPTH

    def nested(levels: int) -> bytes:
        return json.dumps({"text": "x", "m": json.loads("[" * levels + "]" * levels)}).encode() + b"\n"
    data = nested(MAX_META_DEPTH) + nested(MAX_META_DEPTH + 1) + nested(900)
    items = list(read_jsonl(io.BytesIO(data), "f.jsonl", "src", FieldMap(keep_meta=("m",)), MAX))
    assert kinds(items) == ["doc", "too_deeply_nested", "too_deeply_nested"]
    assert [item.location for item in items[1:]] == ["f.jsonl:2", "f.jsonl:3"]
    assert kinds(read(nested(900))) == ["doc"]          # a field nobody keeps goes no further


def test_a_byte_order_mark_at_the_start_is_skipped():
    assert kinds(read(b"\xef\xbb\xbf" + line(0) + line(1))) == ["doc", "doc"]


def test_a_file_that_is_not_jsonl_is_one_error_naming_what_it_looks_like():
    for data, looks in ((b"PAR1" + bytes(100), "parquet"), (b"WARC/1.0\r\nWARC-Type: response\r\n", "warc"),
                        (b"%PDF-1.4\n", "pdf"), (gzip.compress(gzip.compress(line(0))), "gzip data"),
                        (b"<!doctype html><html><body>x</body></html>\n", "html")):
        (item,) = read(data)
        assert item.error_type == "unrecognised_file" and looks in item.message, item.message


def test_empty_and_blank_files_hold_no_record():
    assert read(b"") == [] and read(b"\n\n  \n") == [] and read(gzip.compress(b"", mtime=0)) == []


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                                                       max_size=4), max_leaves=12)


@st.composite
def jsonl_files(draw):
    """(lines, expected kinds): each line a record, another JSON value, or bytes that are no JSON."""
    lines, expected = [], []
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["doc", "doc", "value", "garbage", "blank", "deep"]))
        if kind == "doc":
            record = draw(st.dictionaries(st.sampled_from(["id", "url", "meta", "x"]), JSON_VALUES, max_size=3))
            record["text"] = draw(st.text(min_size=1))
            lines.append(json.dumps(record).encode())
            expected.append("doc")
        elif kind == "value":
            value = draw(JSON_VALUES.filter(lambda v: not (isinstance(v, dict) and isinstance(v.get("text"), str))))
            lines.append(json.dumps(value).encode())
            expected.append("error")
        elif kind == "garbage":
            lines.append(b"\x01" + draw(st.binary(max_size=40)).replace(b"\n", b" "))
            expected.append("error")
        elif kind == "deep":
            depth = draw(st.integers(2_000, 30_000))
            lines.append(b'{"text": "t", "v": ' + b"[" * depth + b"]" * depth + b"}")
            expected.append("error")
        else:
            lines.append(b"   ")
    return lines, expected


@FAST
@given(jsonl_files(), st.sampled_from(["", "gz", "zst"]))
def test_any_mix_of_lines_gives_one_item_per_record_in_order(generated, compression):
    lines, expected = generated
    data = b"\n".join(lines) + b"\n"
    if compression == "gz":
        data = gzip.compress(data, mtime=0)
    elif compression == "zst":
        data = zstandard.ZstdCompressor().compress(data)
    found = ["doc" if kind == "doc" else "error" for kind in kinds(read(data))]
    assert found == expected


def _members(count: int, codec: str) -> tuple:
    """A multi-member file (gzip members, zstd frames) of `count` x 3 lines, and the member bounds."""
    compress = ((lambda d: gzip.compress(d, mtime=0)) if codec == "gzip"
                else zstandard.ZstdCompressor(write_checksum=True).compress)
    members = [compress(b"".join(line(3 * m + i) for i in range(3))) for m in range(count)]
    bounds = [sum(len(member) for member in members[:m]) for m in range(count + 1)]
    return b"".join(members), bounds


def _cut_expectation(data: bytes, cut: int, bounds: list, codec: str) -> tuple:
    """(documents, errors) a reader must give for data[:cut]: complete lines zlib/zstandard decode,
    and one error unless the cut falls between members."""
    return decodable_prefix(data[:cut], codec).count(b"\n"), int(cut not in bounds)


@pytest.mark.parametrize("codec", ["gzip", "zstd"])
def test_a_file_cut_at_every_byte_keeps_every_complete_line_and_counts_the_rest_once(codec):
    data, bounds = _members(3, codec)
    for cut in range(len(data) + 1):
        items = read(data[:cut])
        assert (kinds(items).count("doc"), len(items) - kinds(items).count("doc")) == \
            _cut_expectation(data, cut, bounds, codec), cut


def test_single_stream_gzip_cut_at_60_percent_keeps_what_zcat_recovers():
    data = gzip.compress(b"".join(line(i) for i in range(200)), mtime=0)
    cut = data[:len(data) * 6 // 10]
    items = read(cut)
    recovered = decodable_prefix(cut, "gzip").count(b"\n")
    assert recovered > 100
    assert kinds(items) == ["doc"] * recovered + ["truncated_file"]
    assert items[-1].location == "f.jsonl@gzip:0"


def _kept_of_damaged(rest: bytes, size: int, codec: str, last: bool) -> tuple:
    """(texts a reader keeps of a damaged member, whether it costs an error), by zlib / zstandard alone.

    `rest` is the file from the member on, `size` the member's length. A member that decodes whole
    keeps its lines (stray bytes after it cost an error). Otherwise the decoder, fed 64 bytes at a
    time, runs until it fails or the bytes end (past the member when it is not the last): each
    complete line decoded before that which is a record is kept (the rest may be garbage the damage
    made), and the damage is one error.
    """
    decoder = zlib.decompressobj(wbits=31) if codec == "gzip" else zstandard.ZstdDecompressor().decompressobj()
    out, fed, limit = [], 0, size if last else len(rest)
    try:
        while fed < limit and not decoder.eof:
            out.append(decoder.decompress(rest[fed:min(fed + 64, limit)]))
            fed = min(fed + 64, limit)
    except (zlib.error, zstandard.ZstdError):
        pass
    data = b"".join(out)
    if decoder.eof:
        return _texts(data), fed - len(decoder.unused_data) != size
    return _texts(data[:data.rfind(b"\n") + 1]), True


def _texts(data: bytes) -> list:
    texts = []
    for raw in data.splitlines():
        try:
            record = json.loads(raw)
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("text"), str):
            texts.append(record["text"])
    return texts


@FAST
@given(st.data())
def test_one_flipped_byte_costs_at_most_its_member(data):
    """Members that still decode alone give all their lines; a damaged one (or its stray bytes) is one error."""
    whole, bounds = _members(4, data.draw(st.sampled_from(["gzip", "zstd"])))
    codec = "gzip" if whole.startswith(b"\x1f\x8b") else "zstd"
    position = data.draw(st.integers(4, len(whole) - 1))
    flipped = bytearray(whole)
    flipped[position] ^= data.draw(st.integers(1, 255))
    items = read(bytes(flipped))
    member = max(m for m in range(len(bounds) - 1) if bounds[m] <= position)
    kept, costs = _kept_of_damaged(bytes(flipped[bounds[member]:]), bounds[member + 1] - bounds[member], codec,
                                   member == 3)
    before = [json.loads(line(i))["text"] for i in range(3 * member)]
    after = [json.loads(line(i))["text"] for i in range(3 * member + 3, 12)]
    docs = [item.text for item in items if isinstance(item, Document)]
    assert docs[:len(before)] == before and docs[len(docs) - len(after):] == after
    middle = docs[len(before):len(docs) - len(after)]
    if codec == "gzip":
        assert middle == kept
    else:       # zstandard passes on part of a raw block as it comes; tokenmill decodes whole blocks only
        assert middle == kept[:len(middle)]
    assert len(items) - len(docs) == int(costs)


def test_a_line_of_a_decompression_bomb_costs_its_cap_not_its_size():
    bomb = gzip.compress(line(0) + b'{"text": "' + b"a" * (200 << 20) + b'"}\n' + line(1), compresslevel=6, mtime=0)
    tracemalloc.start()
    items = read(bomb, max_bytes=1 << 20)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert kinds(items) == ["doc", "record_too_large", "doc"]
    assert peak < 40 << 20, peak         # a 200 MB line; the limit is 1 MB, held output at most 16 MB
