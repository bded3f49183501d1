"""The engine check of a given model runs on the launcher, on the input's own text as the run's first stages
make it: extracted from WARC pages, normalised, each source's first documents, within the byte budget."""
import gzip

from corpus.normalize import normalize_text
from pipelines.config import load_config
from pipelines.inputs import resolve_inputs
from pipelines.tokenize_check import input_text_sample
from tests.fixtures import ARTICLE, html_page, page_record, write_jsonl, write_warc


def _inputs(tmp_path):
    write_jsonl(tmp_path / "b.jsonl", [{"id": f"b{i}", "text": f"Second  file,\r\n\r\n\r\nrow {i}   here"}
                                      for i in range(3)])
    write_jsonl(tmp_path / "a.jsonl", [{"id": "a0", "text": "First\tfile  first row"}, {"text": 7}])
    write_warc(tmp_path / "pages.warc.gz", [page_record("https://example.org/1"),
                                            page_record("https://example.org/2", html_page("Zweite Seite. " * 20))])
    (tmp_path / "broken.jsonl.gz").write_bytes(gzip.compress(b'{"text": "cut')[:-6])
    return [f"books={tmp_path}/*.jsonl", f"books={tmp_path}/*.jsonl.gz", f"web={tmp_path}/*.warc.gz"]


def _sample(tmp_path, limit_bytes, overrides=()):
    specs = _inputs(tmp_path)
    config = load_config(inputs=specs, output=str(tmp_path / "out"),
                         overrides=["normalize.min_chars=1", *overrides])
    return input_text_sample(config, resolve_inputs(specs, "web", "auto"), limit_bytes)


def test_each_source_gives_its_first_documents_in_name_order_extracted_and_normalised(tmp_path):
    books = ["First file first row"] + [normalize_text(f"Second  file,\r\n\r\n\r\nrow {i}   here") for i in range(3)]
    assert books[1] == "Second file,\n\nrow 0 here"
    assert _sample(tmp_path, 10_000) == [*books, ARTICLE, ("Zweite Seite. " * 20).strip()]


def test_the_budget_is_shared_between_the_sources(tmp_path):
    texts = _sample(tmp_path, 2 * 30)                 # 30 bytes each: two book rows, one page
    assert texts == ["First file first row", "Second file,\n\nrow 0 here", ARTICLE]


def test_without_normalisation_the_text_is_as_read(tmp_path):
    texts = _sample(tmp_path, 10_000, ["normalize.enabled=false"])
    assert texts[:2] == ["First\tfile  first row", "Second  file,\r\n\r\n\r\nrow 0   here"]
