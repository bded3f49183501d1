import gzip
import io

from corpus.document import Document, ErrorRecord, RawPage
from corpus.warc_reader import read_archive
from corpus.warc_writer import gzip_member, warc_record
from tests.fixtures import html_page, page_record, write_warc

MAX = 64 << 20


def read(path):
    with open(path, "rb") as handle:
        return list(read_archive(handle, str(path), "test", MAX))


def test_every_response_becomes_one_raw_page_with_a_stable_id(tmp_path):
    path = write_warc(tmp_path / "a.warc.gz", [page_record(f"https://x.test/{i}") for i in range(5)])
    first, second = read(path), read(path)
    assert [type(item) for item in first] == [RawPage] * 5
    assert [item.id for item in first] == [item.id for item in second]
    assert len({item.id for item in first}) == 5
    assert first[0].url == "https://x.test/0"
    assert first[0].content_type == "text/html"
    assert first[0].body == html_page()


def test_requests_and_metadata_records_are_not_documents(tmp_path):
    records = [warc_record("https://x.test/", b"GET / HTTP/1.1\r\n\r\n", record_type="request",
                           content_type="application/http; msgtype=request"),
               page_record("https://x.test/"),
               warc_record("https://x.test/", b"fetchTimeMs: 12\r\n", record_type="metadata",
                           content_type="application/warc-fields")]
    assert [type(item) for item in read(write_warc(tmp_path / "a.warc.gz", records))] == [RawPage]


def test_uncompressed_warc(tmp_path):
    path = write_warc(tmp_path / "a.warc", [page_record("https://x.test/")], compress=False)
    assert [type(item) for item in read(path)] == [RawPage]


def test_wet_conversion_records_become_documents(tmp_path):
    text = "Plain extracted text of a page.\nSecond line."
    record = warc_record("https://x.test/", text.encode(), record_type="conversion",
                         content_type="text/plain")
    (item,) = read(write_warc(tmp_path / "a.warc.wet.gz", [record]))
    assert isinstance(item, Document) and item.text == text


def test_corrupt_gzip_member_is_one_error_and_later_records_survive(tmp_path):
    corrupt = bytearray(gzip_member(page_record("https://x.test/bad")))
    corrupt[25:60] = b"\xff" * 35
    data = (gzip_member(page_record("https://x.test/1")) + bytes(corrupt)
            + gzip_member(page_record("https://x.test/2")) + gzip_member(page_record("https://x.test/3")))
    path = tmp_path / "a.warc.gz"
    path.write_bytes(data)
    items = read(path)
    pages = [item.url for item in items if isinstance(item, RawPage)]
    errors = [item.error_type for item in items if isinstance(item, ErrorRecord)]
    assert pages == ["https://x.test/1", "https://x.test/2", "https://x.test/3"]
    assert errors == ["corrupt_gzip_member"]


def test_truncated_last_record_is_an_error(tmp_path):
    whole = page_record("https://x.test/cut")
    path = tmp_path / "a.warc.gz"
    path.write_bytes(gzip_member(page_record("https://x.test/ok")) + gzip_member(whole[: len(whole) // 2]))
    items = read(path)
    assert isinstance(items[0], RawPage)
    assert [item.error_type for item in items[1:]] == ["truncated_record"]


def test_gzip_stream_cut_in_the_middle(tmp_path):
    data = gzip_member(page_record("https://x.test/ok")) + gzip_member(page_record("https://x.test/cut"))
    path = tmp_path / "a.warc.gz"
    path.write_bytes(data[:-40])
    items = read(path)
    assert isinstance(items[0], RawPage) and items[0].url == "https://x.test/ok"
    assert all(isinstance(item, ErrorRecord) for item in items[1:]) and len(items) == 2


def test_record_over_the_size_cap_is_an_error_not_a_crash(tmp_path):
    big = page_record("https://x.test/big", body=b"<html>" + b"a" * 5000 + b"</html>")
    path = write_warc(tmp_path / "a.warc.gz", [big, page_record("https://x.test/small")])
    with open(path, "rb") as handle:
        items = list(read_archive(handle, str(path), "test", 1000))
    assert [getattr(item, "error_type", "page") for item in items] == ["record_too_large", "page"]


def test_empty_record_body(tmp_path):
    record = warc_record("https://x.test/empty", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n")
    (item,) = read(write_warc(tmp_path / "a.warc.gz", [record]))
    assert isinstance(item, RawPage) and item.body == b""


def test_warc_0_18_with_wrong_content_length_is_an_error_and_the_next_record_is_read():
    body = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + html_page()
    wrong = (b"WARC/0.18\r\nWARC-Type: response\r\nWARC-Target-URI: http://a.test/\r\n"
             b"Content-Length: " + str(len(body) - 30).encode() + b"\r\n\r\n" + body + b"\r\n\r\n")
    right = (b"WARC/0.18\r\nWARC-Type: response\r\nWARC-Target-URI: http://b.test/\r\n"
             b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body + b"\r\n\r\n")
    stream = io.BytesIO(gzip.compress(wrong + right))
    items = list(read_archive(stream, "old.warc.gz", "test", MAX))
    assert [type(item) for item in items] == [ErrorRecord, RawPage]
    assert (items[0].error_type, items[0].location) == ("bad_content_length", "old.warc.gz@0")
    assert items[1].url == "http://b.test/"


def test_arc_file_records():
    body = b"HTTP/1.0 200 OK\nContent-Type:text/html\n\n" + html_page()
    header = b"filedesc://x.arc 0.0.0.0 20080619093439 text/plain 10\n1 0 test\n\n\n"
    record = b"http://a.test/p 1.2.3.4 20080509190241 text/html " + str(len(body)).encode() + b"\n"
    stream = io.BytesIO(header + record + body + b"\n")
    (item,) = list(read_archive(stream, "x.arc", "test", MAX))
    assert item.url == "http://a.test/p" and item.content_type == "text/html"
    assert item.meta["crawl_date"] == "2008-05-09T19:02:41Z"
    assert item.body == html_page()


def test_chunked_and_gzipped_http_body_is_decoded():
    page = html_page()
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(page), page)
    from corpus.http_message import parse_http_response
    message = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html\r\n\r\n" + chunked)
    assert parse_http_response(message).body == page
    zipped = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n" + gzip.compress(page)
    assert parse_http_response(zipped).body == page


def test_garbage_file_gives_no_documents_and_no_crash(tmp_path):
    path = tmp_path / "junk.warc.gz"
    path.write_bytes(b"\x1f\x8b\x08" + bytes(range(256)) * 20)
    items = read(path)
    assert all(isinstance(item, ErrorRecord) for item in items) and len(items) >= 1
