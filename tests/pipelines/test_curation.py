"""The whole curation pipeline on the in-memory runner, fed every kind of bad input."""
import gzip
import io

import pytest

from corpus.warc_writer import gzip_member
from pipelines.config import load_config
from pipelines.run import run_curation
from tests.fixtures import ARTICLE, html_page, page_record, write_jsonl, write_parquet, write_warc
from tests.outputs import counts, table_rows


def _web_files(directory):
    corrupt = bytearray(gzip_member(page_record("https://w.test/corrupt")))
    corrupt[25:60] = b"\xff" * 35
    truncated = page_record("https://w.test/cut")
    latin1 = ("<html><head><meta charset='iso-8859-1'></head><body><p>" + ARTICLE
              + " Café crème.</p></body></html>").encode("latin-1")
    records = [page_record(f"https://w.test/{i}", html_page(f"{ARTICLE} Page {i}.")) for i in range(3)]
    records += [page_record("https://w.test/logo.png", b"\x89PNG" + bytes(100), "image/png"),
                page_record("https://w.test/blob", b"<html>" + bytes(500), "text/html"),
                page_record("https://w.test/empty", b""),
                page_record("https://w.test/latin1", latin1, "text/html")]
    path = write_warc(directory / "a.warc.gz", records)
    path.write_bytes(path.read_bytes() + bytes(corrupt) + gzip_member(truncated[:200]))
    body = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + html_page()
    old = b"".join(b"WARC/0.18\r\nWARC-Type: response\r\nWARC-Target-URI: http://old.test/%d\r\n"
                   b"Content-Length: %d\r\n\r\n%s\r\n\r\n" % (i, len(body) - 7 * i, body) for i in range(2))
    (directory / "old.warc.gz").write_bytes(gzip.compress(old, mtime=0))
    arc_body = b"HTTP/1.0 200 OK\nContent-Type:text/html\n\n" + html_page()
    (directory / "x.arc").write_bytes(
        b"filedesc://x.arc 0.0.0.0 20080619093439 text/plain 10\n1 0 test\n\n\n"
        + b"http://arc.test/p 1.2.3.4 20080509190241 text/html %d\n" % len(arc_body) + arc_body + b"\n")


def _notes_file(directory):
    huge = {"id": "huge", "text": "word " * 10_000_000}            # a 50 MB document
    write_jsonl(directory / "a.jsonl", [
        {"id": "n1", "text": ARTICLE}, b'{"id": "bad", "text": "unterminated', b'{"text": "caf\xe9"}',
        {"id": "n2", "text": ARTICLE + " Again."}, {"id": "n3", "body": "no text"},
        {"id": "n4", "text": ""}, huge])


def _table_files(directory):
    write_parquet(directory / "a.parquet", {"id": ["t1", "t2", "t3"], "text": [ARTICLE, None, ARTICLE + "!"]})
    write_parquet(directory / "bad.parquet", {"content": ["x"]})


@pytest.fixture(scope="module")
def run_output(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad_input")
    for name, build in (("web", _web_files), ("notes", _notes_file), ("table", _table_files)):
        (root / name).mkdir()
        build(root / name)
    output = root / "out"
    # This test is about reading, extraction and normalisation; the filters have their own.
    config = load_config(inputs=[f"web={root}/web/*", f"notes={root}/notes/*", f"table={root}/table/*"],
                         output=str(output), overrides=["quality.enabled=false", "exact_dedup.enabled=false",
                                                        "near_dedup.enabled=false"])
    assert run_curation(config, [], workers=1, out=io.StringIO()) == 0
    return output


def test_accounting_is_exact_per_source(run_output):
    sources = counts(run_output)["sources"]
    assert {name: (s["read"], s["kept"], s["dropped"], s["errors"]) for name, s in sources.items()} == {
        "web": (12, 6, 3, 3), "notes": (7, 2, 2, 3), "table": (4, 2, 0, 2)}


def test_every_drop_and_error_has_its_reason(run_output):
    sources = counts(run_output)["sources"]
    assert sources["web"]["drops"] == {"extract.not_html": 1, "extract.binary_body": 1,
                                       "extract.empty_after_extraction": 1}
    # old.warc.gz's second record declares 7 bytes too few: an error, the first one is read
    assert sources["web"]["error_types"] == {"read.corrupt_gzip_member": 1, "read.truncated_record": 1,
                                             "read.bad_content_length": 1}
    assert sources["notes"]["drops"] == {"normalize.too_short": 1, "normalize.too_long": 1}
    assert sources["notes"]["error_types"] == {"read.malformed_json": 1, "read.invalid_utf8": 1,
                                               "read.missing_text_field": 1}
    assert sources["table"]["error_types"] == {"read.missing_text_field": 1, "read.wrong_schema": 1}


def test_rejected_and_error_rows_name_what_and_where(run_output):
    rejected = {row["reason"]: row for row in table_rows(run_output, "rejected")}
    assert rejected["not_html"]["url"] == "https://w.test/logo.png"
    assert rejected["too_long"]["stage"] == "normalize"
    assert rejected["too_long"]["text"] == "word " * 10_000_000 and rejected["too_long"]["text_chars"] == 50_000_000
    assert rejected["not_html"]["text"] == "" and rejected["not_html"]["text_chars"] == 0   # before extraction
    errors = {row["error_type"]: row for row in table_rows(run_output, "errors")}
    assert errors["malformed_json"]["location"].endswith("a.jsonl:2")
    assert errors["wrong_schema"]["location"].endswith("bad.parquet")


def test_kept_documents_are_clean_text_with_unique_ids(run_output):
    docs = table_rows(run_output, "documents")
    assert len(docs) == 10 and len({doc["id"] for doc in docs}) == 10
    latin = [doc for doc in docs if doc["url"] == "https://w.test/latin1"]
    assert latin and "Café crème." in latin[0]["text"]
    assert all("<p>" not in doc["text"] for doc in docs)
