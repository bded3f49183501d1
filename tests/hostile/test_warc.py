"""WARC framing damage, headers, record types and HTTP encodings; counts from the generator, zlib, fastwarc."""
import gzip
import io
import tracemalloc
import zlib

import brotli
from fastwarc.warc import ArchiveIterator, WarcRecordType
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.document import Document, ErrorRecord, RawPage
from corpus.http_message import parse_http_response
from corpus.warc_reader import read_archive
from corpus.warc_writer import gzip_member, http_response, warc_record, warcinfo_record
from tests.fixtures import html_page, write_parquet
from tests.hostile.cases import decodable_prefix, page, text

MAX = 64 << 20
FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DOCUMENTS = WarcRecordType.response | WarcRecordType.resource | WarcRecordType.conversion


def read(data: bytes, max_bytes: int = MAX) -> list:
    return list(read_archive(io.BytesIO(data), "f.warc", "src", max_bytes))


def kinds(items) -> list:
    return [item.error_type if isinstance(item, ErrorRecord) else "page" for item in items]


def records(count: int) -> list:
    return [warcinfo_record("f.warc")] + [page(i, "w") for i in range(count)]


def fastwarc_count(data: bytes) -> int:
    """Document records fastwarc finds in an undamaged file: the independent count."""
    return sum(1 for _ in ArchiveIterator(io.BytesIO(data), record_types=DOCUMENTS, parse_http=False))


def test_real_record_counts_agree_with_fastwarc():
    plain = b"".join(records(5))
    members = b"".join(gzip_member(r) for r in records(5))
    assert len(read(plain)) == fastwarc_count(plain) == 5
    assert len(read(members)) == fastwarc_count(members) == 5


def _spans(parts: list) -> list:
    """(start, end of block) of each record: a cut before the block's end leaves it incomplete."""
    spans, start = [], 0
    for part in parts:
        spans.append((start, start + len(part) - len(b"\r\n\r\n")))
        start += len(part)
    return spans


def test_an_uncompressed_file_cut_at_every_byte():
    parts = records(3)
    data, spans = b"".join(parts), _spans(parts)
    for cut in range(len(data) + 1):
        found = kinds(read(data[:cut]))
        complete = sum(1 for start, end in spans[1:] if end <= cut)
        broken = any(start < cut < end for start, end in spans)
        assert (found.count("page"), len(found) - found.count("page")) == (complete, broken), (cut, found)


def test_a_gzip_member_per_record_file_cut_at_every_byte():
    parts = records(3)
    members = [gzip_member(part) for part in parts]
    data, spans = b"".join(members), _spans(parts)
    bounds = {sum(len(m) for m in members[:i]) for i in range(len(members) + 1)}
    for cut in range(len(data) + 1):
        decoded = len(decodable_prefix(data[:cut], "gzip"))
        complete = sum(1 for _, end in spans[1:] if end <= decoded)
        found = kinds(read(data[:cut]))
        assert (found.count("page"), len(found) - found.count("page")) == (complete, int(cut not in bounds)), cut


@FAST
@given(st.integers(0, 5), st.integers(-2000, 2000).filter(lambda delta: delta != 0), st.booleans())
def test_a_content_length_off_by_any_amount_costs_that_record_only(which, delta, compress):
    parts = records(6)
    block = http_response(html_page(text(which, "w")))
    parts[which + 1] = warc_record(f"https://w.test/{which}", block,
                                   declared_length=max(0, len(block) + delta))
    spans = _spans(parts)
    declared_end = spans[which + 1][1] + max(0, len(block) + delta) - len(block)
    if any(end == declared_end for _, end in spans[which + 2:]) or (which == 5 and 0 < delta <= 4):
        return      # it lands at the end of a later block, or inside the last trailer: a boundary, not damage
    data = b"".join(gzip_member(p) for p in parts) if compress else b"".join(parts)
    items = read(data)
    assert len(items) == 6
    assert [item.url for item in items if isinstance(item, RawPage)] == \
        [f"https://w.test/{i}" for i in range(6) if i != which]
    assert kinds(items).count("page") == 5


@FAST
@given(st.data())
def test_one_flipped_byte_in_an_uncompressed_file_costs_at_most_one_record(data):
    parts = records(5)
    whole = bytearray(b"".join(parts))
    position = data.draw(st.integers(len(parts[0]), len(whole) - 1))
    whole[position] ^= data.draw(st.integers(1, 255))
    items = read(bytes(whole))
    pages = kinds(items).count("page")
    assert 4 <= pages <= 5 and len(items) - pages <= 1
    assert 5 <= len(items) <= 6


def test_headerless_and_garbage_headers_are_one_error_each():
    bad = [b"WARC/1.0\r\n\r\n", b"WARC/1.0\r\n\x00\xff\x13 junk\r\n\r\nbody\r\n\r\n",
           b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 12x\r\n\r\n0123456789ab\r\n\r\n",
           b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: " + b"9" * 40 + b"\r\n\r\nx\r\n\r\n"]
    data = b"".join(gzip_member(p) for p in [warcinfo_record("f"), page(0, "w")] + [
        item for b in bad for item in (b, page(1, "w"))])
    assert kinds(read(data)) == ["page"] + ["bad_record_header", "page"] * len(bad)


def test_nul_bytes_in_headers():
    nul_type = page(1, "w").replace(b"WARC-Type: response", b"WARC-Type: resp\x00onse")
    nul_uri = page(2, "w").replace(b".test/2\r\n", b".test/\x002\r\n")
    nul_length = page(3, "w").replace(b"Content-Length: ", b"Content-Length: \x00", 1)
    items = read(b"".join([warcinfo_record("f"), page(0, "w"), nul_type, nul_uri, nul_length, page(4, "w")]))
    assert kinds(items) == ["page", "unknown_record_type", "page", "bad_record_header", "page"]
    assert items[2].url == "https://w.test/\x002"


def test_mixed_record_types_count_documents_only_and_unknown_types_as_errors():
    parts = [warcinfo_record("f"),
             warc_record("https://m.test/", b"GET / HTTP/1.1\r\n\r\n", record_type="request"),
             page(0, "w"),
             warc_record("https://m.test/", b"fetchTimeMs: 12\r\n", record_type="metadata"),
             warc_record("https://m.test/r", b"", record_type="revisit"),
             warc_record("https://m.test/res", html_page(text(1, "w")), record_type="resource",
                         content_type="text/html"),
             warc_record("https://m.test/wet", b"plain text", record_type="conversion", content_type="text/plain"),
             warc_record("https://m.test/x", b"?", record_type="continuation"),
             warc_record("https://m.test/odd", b"???", record_type="no-such-type")]
    data = b"".join(parts)
    items = read(data)
    assert [type(item).__name__ for item in items] == ["RawPage", "RawPage", "Document", "ErrorRecord"]
    assert items[-1].error_type == "unknown_record_type"
    assert fastwarc_count(data) == 3


def test_garbage_between_and_after_records_is_one_error_per_stretch():
    data = b"".join([warcinfo_record("f"), page(0, "w"), b"not a record\r\nnor this\r\n", page(1, "w"),
                     b"\x00" * 10, page(2, "w"), b"tail\r\n", page(3, "w")])
    assert kinds(read(data)) == ["page", "unrecognised_bytes", "page", "unrecognised_bytes", "page",
                                 "unrecognised_bytes", "page"]


def test_files_that_are_not_archives_are_one_error_naming_what_they_look_like(tmp_path):
    table = write_parquet(tmp_path / "t.parquet", {"text": ["a"]}).read_bytes()
    for data, looks in ((table, "parquet"), (bytes((i * 7919) % 251 for i in range(5000)), "binary data"),
                        (b'{"text": "a json line"}\n', "jsonl"), (b"<html><body>hi</body></html>", "html"),
                        (gzip.compress(b"just some text\n"), "text")):
        (item,) = read(data)
        assert item.error_type == "unrecognised_file" and looks in item.message, item.message
    assert read(b"") == [] and read(gzip.compress(b"")) == []


def test_a_gzip_file_of_random_bytes_is_one_error():
    data = b"\x1f\x8b\x08" + bytes((i * 31 + 7) % 256 for i in range(5000))
    assert len(read(data)) == 1


PAGE = html_page(text(0, "enc"))


def _chunked(data: bytes, size: int = 77) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(data[i:i + size]), data[i:i + size])
                    for i in range(0, len(data), size)) + b"0\r\n\r\n"


def _raw_deflate(data: bytes) -> bytes:
    deflater = zlib.compressobj(wbits=-15)
    return deflater.compress(data) + deflater.flush()


ENCODINGS = {
    "gzip": (b"Content-Encoding: gzip", gzip.compress(PAGE)),
    "x-gzip": (b"Content-Encoding: x-gzip", gzip.compress(PAGE)),
    "two gzip members": (b"Content-Encoding: gzip", gzip.compress(PAGE[:100]) + gzip.compress(PAGE[100:])),
    "deflate (zlib)": (b"Content-Encoding: deflate", zlib.compress(PAGE)),
    "deflate (raw)": (b"Content-Encoding: deflate", _raw_deflate(PAGE)),
    "br": (b"Content-Encoding: br", brotli.compress(PAGE)),
    "chunked": (b"Transfer-Encoding: chunked", _chunked(PAGE)),
    "chunked gzip": (b"Transfer-Encoding: chunked\r\nContent-Encoding: gzip", _chunked(gzip.compress(PAGE))),
    "chunked br": (b"Transfer-Encoding: chunked\r\nContent-Encoding: br", _chunked(brotli.compress(PAGE))),
    "decoded, labelled gzip": (b"Content-Encoding: gzip", PAGE),
    "decoded, labelled br": (b"Content-Encoding: br", PAGE),
    "decoded, labelled chunked": (b"Transfer-Encoding: chunked", PAGE),
}


def test_every_content_and_transfer_encoding_gives_the_page():
    for name, (headers, body) in ENCODINGS.items():
        message = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + headers + b"\r\n\r\n" + body
        assert parse_http_response(message).body == PAGE, name


def test_a_cut_compressed_body_keeps_what_decodes():
    for headers, body in ((b"Content-Encoding: gzip", gzip.compress(PAGE * 20)),
                          (b"Content-Encoding: br", brotli.compress(PAGE * 20))):
        message = b"HTTP/1.1 200 OK\r\n" + headers + b"\r\n\r\n" + body[:len(body) // 2]
        decoded = parse_http_response(message).body
        assert decoded and (PAGE * 20).startswith(decoded), headers


def test_decompression_bombs_cost_the_limit_not_their_size():
    limit = 1 << 20
    zeros = b"\0" * (300 << 20)
    bombs = {"gzip": gzip.compress(zeros, compresslevel=9), "deflate": zlib.compress(zeros, 9),
             "br": brotli.compress(zeros, quality=1)}
    for name, bomb in bombs.items():
        message = b"HTTP/1.1 200 OK\r\nContent-Encoding: " + name.encode() + b"\r\n\r\n" + bomb
        tracemalloc.start()
        response = parse_http_response(message, limit)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert "more than 1048576 bytes" in response.body_problem, name
        assert peak < len(bomb) + 6 * limit, (name, peak)


def test_a_bomb_in_a_warc_is_one_error_and_its_neighbours_are_read():
    bomb = gzip.compress(b"\0" * (100 << 20), compresslevel=9)
    message = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n" + bomb
    data = b"".join(gzip_member(p) for p in [warcinfo_record("f"), page(0, "w"),
                                              warc_record("https://bomb.test/", message), page(1, "w")])
    assert kinds(read(data, 1 << 20)) == ["page", "record_too_large", "page"]


def test_a_gzip_member_that_inflates_past_the_limit_is_streamed_and_skipped():
    huge = warc_record("https://huge.test/", b"HTTP/1.1 200 OK\r\n\r\n" + b"\0" * (120 << 20))
    data = b"".join(gzip_member(p) for p in [warcinfo_record("f"), page(0, "w")]) + \
        gzip.compress(huge, compresslevel=9) + gzip_member(page(1, "w"))
    tracemalloc.start()
    items = read(data, 4 << 20)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert kinds(items) == ["page", "record_too_large", "page"]
    assert peak < 48 << 20, peak        # 16 MB held per member, 4 MB of block, 1 MB steps


def test_wet_conversion_text_and_arc_records_keep_their_offsets_as_positions():
    arc_body = b"HTTP/1.0 200 OK\nContent-Type:text/html\n\n" + PAGE
    arc = (b"filedesc://x.arc 0.0.0.0 20080619093439 text/plain 10\n1 0 test\n\n\n"
           + b"http://arc.test/p 1.2.3.4 20080509190241 text/html %d\n" % len(arc_body) + arc_body + b"\n")
    (item,) = read(arc)
    assert item.meta["offset"] == arc.index(b"http://arc.test/p") and item.meta["file"] == "f.warc"
    assert isinstance(read(b"".join([warcinfo_record("f"), warc_record(
        "https://wet.test/", b"words", record_type="conversion", content_type="text/plain")]))[0], Document)
