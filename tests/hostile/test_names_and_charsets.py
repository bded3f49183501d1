"""File names (and so ids) under any spelling of a pattern; charsets that are no text codecs."""
import os

import pytest

from corpus.document import Document, RawPage
from corpus.html_extract import ExtractConfig, HtmlExtractor, choose_encoding
from pipelines.config import load_config
from pipelines.input_names import normal_spec
from pipelines.inputs import resolve_inputs
from tests.fixtures import html_page, write_jsonl
from tests.hostile.cases import text


@pytest.fixture
def tree(tmp_path):
    for folder in ("crawl1/a", "crawl2/a", "crawl1/b"):
        (tmp_path / folder).mkdir(parents=True)
    for path in ("crawl1/a/part-0.jsonl", "crawl2/a/part-0.jsonl", "crawl1/b/part-1.jsonl"):
        write_jsonl(tmp_path / path, [{"text": text(0, path)}])
    return tmp_path


def _names(specs):
    return [(spec.source, spec.name) for spec in resolve_inputs(specs, "web", "auto")]


def test_names_are_the_same_under_any_spelling_and_working_directory(tree, monkeypatch):
    absolute = _names([f"{tree}/crawl1/*/*.jsonl"])
    monkeypatch.chdir(tree / "crawl2")
    assert _names(["../crawl1/*/*.jsonl"]) == _names([f"{tree}/crawl2/../crawl1/*/*.jsonl"]) == absolute
    assert absolute == [("web", "a/part-0.jsonl"), ("web", "b/part-1.jsonl")]
    assert _names([f"{tree}/crawl1/a/part-0.jsonl"]) == [("web", "part-0.jsonl")]


def test_two_patterns_of_one_source_naming_two_files_alike_are_told_apart_by_their_roots(tree):
    names = _names([f"{tree}/crawl1/a/*.jsonl", f"{tree}/crawl2/a/*.jsonl", f"{tree}/crawl1/b/*.jsonl"])
    assert names == [("web", "crawl1/a/part-0.jsonl"), ("web", "part-1.jsonl"), ("web", "crawl2/a/part-0.jsonl")]
    assert _names([f"x={tree}/crawl1/a/*.jsonl", f"y={tree}/crawl2/a/*.jsonl"]) == [
        ("x", "part-0.jsonl"), ("y", "part-0.jsonl")]                   # other sources never clash


def test_a_file_matched_by_two_patterns_of_one_source_is_named_by_the_wider(tree):
    assert _names([f"{tree}/crawl1/a/*.jsonl", f"{tree}/crawl1/*/*.jsonl"]) == [
        ("web", "a/part-0.jsonl"), ("web", "b/part-1.jsonl")]


def test_the_recorded_inputs_have_one_spelling(tree, monkeypatch):
    monkeypatch.chdir(tree)
    relative = load_config(inputs=["crawl1/*/*.jsonl"], output="o").recorded()
    absolute = load_config(inputs=[f"web={tree}/crawl1/*/*.jsonl"], output="p").recorded()
    assert relative == absolute
    assert normal_spec("cc=gs://bucket/x/*.warc.gz", "web") == "cc=gs://bucket/x/*.warc.gz"


def test_a_parquet_file_read_as_warc_is_one_error_not_silence(tmp_path):
    from tests.fixtures import write_parquet
    from corpus.warc_reader import read_archive
    path = write_parquet(tmp_path / "t.parquet", {"text": ["a", "b"]})
    (spec,) = resolve_inputs([str(path)], "web", "warc")
    with open(spec.path, "rb") as handle:
        (item,) = read_archive(handle, spec.name, "web", 1 << 20)
    assert (item.error_type, item.location) == ("unrecognised_file", "t.parquet")
    assert "looks like parquet" in item.message


@pytest.mark.parametrize("charset", ["base64", "rot13", "zlib", "hex", "punycode", "uu", "bz2",
                                     "quopri", "unicode_escape", "no-such-thing"])
def test_a_charset_that_is_no_text_codec_falls_back_to_detection(charset):
    body = html_page(text(1, "charset") + " Caf\u00e9 cr\u00e8me.")
    assert choose_encoding(body, charset) == "utf-8"
    page = RawPage(id="p", source="s", url="https://c.test/", body=body, content_type="text/html",
                   charset=charset, meta={"http_status": 200})
    doc = HtmlExtractor(ExtractConfig())(page)
    assert isinstance(doc, Document) and "Caf\u00e9 cr\u00e8me." in doc.text


def test_relative_names_do_not_depend_on_the_working_directory_of_the_worker(tree, monkeypatch):
    monkeypatch.chdir(tree)
    (spec,) = resolve_inputs(["crawl1/b/*.jsonl"], "web", "auto")
    assert os.path.isabs(spec.path) and spec.name == "part-1.jsonl"
