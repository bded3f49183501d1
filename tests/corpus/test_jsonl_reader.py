import io

import pytest

from corpus.document import Document, ErrorRecord
from corpus.jsonl_reader import read_jsonl
from corpus.record_fields import FieldMap
from tests.fixtures import write_jsonl

MAX = 64 << 20


def read(path, fields=FieldMap(), max_bytes=MAX):
    with open(path, "rb") as handle:
        return list(read_jsonl(handle, str(path), "src", fields, max_bytes))


@pytest.mark.parametrize("compress", ["", "gz", "zst"])
def test_plain_gzip_and_zstd(tmp_path, compress):
    path = write_jsonl(tmp_path / f"a.jsonl{'.' + compress if compress else ''}",
                       [{"id": "a", "text": "first"}, {"id": "b", "text": "second", "url": "https://b.test"}],
                       compress)
    docs = read(path)
    assert [doc.text for doc in docs] == ["first", "second"]
    assert docs[1].url == "https://b.test"
    assert docs[0].meta["source_id"] == "a"


def test_ids_come_from_file_and_line_never_from_the_given_id_or_order(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [{"id": 7, "text": "x"}, {"id": 7, "text": "y"}])
    docs = read(path)
    other = write_jsonl(tmp_path / "b.jsonl", [{"id": 7, "text": "x"}])
    assert len({docs[0].id, docs[1].id, read(other)[0].id}) == 3   # equal given ids never collide
    assert [doc.meta["source_id"] for doc in docs] == ["7", "7"]
    assert [doc.id for doc in read(path)] == [doc.id for doc in docs]


def test_configurable_text_id_and_url_fields(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [{"t": "body", "doc": {"key": "k1"}, "u": "https://u.test"}])
    (doc,) = read(path, FieldMap(text=("t",), id=("doc.key",), url=("u",)))
    assert (doc.text, doc.meta["source_id"], doc.url) == ("body", "k1", "https://u.test")


def test_bad_lines_are_errors_and_good_lines_survive(tmp_path):
    rows = [{"text": "ok 1"}, b'{"text": "unterminated', b'{"text": "caf\xe9"}', b"[1, 2]",
            {"body": "no text"}, {"text": 42}, b"", {"text": "ok 2"}]
    items = read(write_jsonl(tmp_path / "a.jsonl", rows))
    assert [getattr(item, "error_type", "doc") for item in items] == [
        "doc", "malformed_json", "invalid_utf8", "not_an_object", "missing_text_field",
        "text_not_a_string", "doc"]


def test_lone_surrogates_are_replaced_so_writers_never_fail(tmp_path):
    (doc,) = read(write_jsonl(tmp_path / "a.jsonl", [b'{"text": "a\\ud800b"}']))
    doc.text.encode("utf-8")


def test_line_over_the_cap_is_skipped_whole(tmp_path):
    rows = [{"text": "x" * 5000}, {"text": "small"}]
    items = read(write_jsonl(tmp_path / "a.jsonl", rows), max_bytes=1000)
    assert [getattr(item, "error_type", "doc") for item in items] == ["record_too_large", "doc"]


def test_corrupt_gzip_keeps_what_came_before(tmp_path):
    import gzip
    good = gzip.compress(b'{"text": "one"}\n{"text": "two"}\n', mtime=0)
    bad = bytearray(gzip.compress(b'{"text": "three"}\n' * 50, mtime=0))
    bad[20:40] = b"\x00" * 20
    stream = io.BytesIO(good + bytes(bad))
    items = list(read_jsonl(stream, "a.jsonl.gz", "src", FieldMap(), MAX))
    assert [item.text for item in items if isinstance(item, Document)] == ["one", "two"]
    assert [item.error_type for item in items if isinstance(item, ErrorRecord)] == ["corrupt_gzip_member"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_jsonl_is_one_error_asking_for_utf8(encoding):
    data = '{"text": "héllo wörld"}\n{"text": "second"}\n'.encode(encoding)
    (item,) = read_jsonl(io.BytesIO(data), "f.jsonl", "src", FieldMap(), MAX)
    assert item.error_type == "unrecognised_file"
    assert f"looks like {encoding[:6].upper()} text; re-encode as UTF-8" in item.message, item.message


def test_binary_bytes_with_nuls_are_not_taken_for_utf16():
    items = list(read_jsonl(io.BytesIO(b"\x01\x00\x01\x00\x01\x00\x01\x00\n"), "f.jsonl", "src", FieldMap(), MAX))
    assert [item.error_type for item in items] == ["malformed_json"]        # a line of its own, read as UTF-8
