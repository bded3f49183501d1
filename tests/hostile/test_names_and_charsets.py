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


def test_a_file_name_that_is_not_utf8_is_read_and_written_with_its_bytes_escaped(tmp_path):
    """A Linux file name may hold any bytes; Python reads the ones that are not UTF-8 as lone surrogates,
    which no Parquet string holds: the run once failed in the writers. The name is escaped ("caf\\xe9"),
    in ids, meta.file and error locations alike, and every record is accounted for."""
    import io

    from pipelines.run import run_curation
    from tests.hostile.cases import jsonl_line, page, warc_file
    from tests.outputs import counts, stored_rows, table_rows
    folder = os.fsencode(tmp_path / "in") + b"/dir\xff"
    os.makedirs(folder)
    lines = [jsonl_line(i, "latin1 name") for i in range(4)] + [b"{not json\n"]
    with open(folder + b"/caf\xe9.jsonl", "wb") as handle:
        handle.write(b"".join(lines))
    pages = [page(i, "latin1") for i in range(3)]
    warc_file(tmp_path / "in" / "pages.warc.gz", pages)
    os.rename(os.fsencode(tmp_path / "in" / "pages.warc.gz"), folder + b"/p\xe4ges.warc.gz")
    config = load_config(inputs=[os.fsdecode(folder) + "/*"], output=str(tmp_path / "out"),
                         overrides=["tokenize.enabled=false", "exact_dedup.enabled=false", "near_dedup.enabled=false"])
    assert run_curation(config, [], workers=1, out=io.StringIO(), progress=False) == 0
    source = counts(tmp_path / "out")["sources"]["web"]
    assert (source["read"], source["errors"]) == (len(lines) + len(pages), 1)     # the test's own count
    assert source["read"] == source["kept"] + source["dropped"] + source["errors"]
    (error,) = table_rows(tmp_path / "out", "errors")
    assert error["location"] == "caf\\xe9.jsonl:5"
    files = {row["meta"].get("file") for row in stored_rows(tmp_path / "out", "documents")}
    assert "p\\xe4ges.warc.gz" in files and all(name is None or name.isascii() for name in files)


def test_two_names_alike_once_escaped_are_a_usage_error_not_merged_ids(tmp_path):
    from pipelines.input_names import UnnameableFiles
    folder = os.fsencode(tmp_path)
    for name in (b"caf\xe9.jsonl", b"caf\\xe9.jsonl"):          # the raw byte, and its escape spelt out
        with open(folder + b"/" + name, "wb") as handle:
            handle.write(b'{"text": "x"}\n')
    with pytest.raises(UnnameableFiles, match="have the same name"):
        resolve_inputs([f"{tmp_path}/*.jsonl"], "web", "auto")


def test_a_file_whose_name_holds_a_backslash_is_matched_and_read_not_lost(tmp_path):
    """Beam's `*` never matches a backslash (a Windows separator to it); on Linux it is part of a name."""
    import io

    from pipelines.run import run_curation
    from tests.hostile.cases import jsonl_line
    from tests.outputs import counts
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "plain.jsonl").write_bytes(jsonl_line(0, "backslash"))
    (tmp_path / "in" / "back\\slash.jsonl").write_bytes(jsonl_line(1, "backslash") + jsonl_line(2, "backslash"))
    names = _names([f"{tmp_path}/in/*.jsonl"])
    assert names == [("web", "back\\slash.jsonl"), ("web", "plain.jsonl")]
    config = load_config(inputs=[f"{tmp_path}/in/*.jsonl"], output=str(tmp_path / "out"),
                         overrides=["tokenize.enabled=false"])
    assert run_curation(config, [], workers=1, out=io.StringIO(), progress=False) == 0
    source = counts(tmp_path / "out")["sources"]["web"]
    assert source["read"] == 3 == source["kept"] + source["dropped"] + source["errors"]    # the lines written


def _lines(path, count: int):
    from tests.hostile.cases import jsonl_line
    with open(path, "wb") as handle:
        handle.write(b"".join(jsonl_line(i, os.fsdecode(path)) for i in range(count)))


def test_files_beams_listing_leaves_out_are_matched_as_the_shell_matches_them(tmp_path):
    """Found by a second hostile review: a hidden name with a backslash, a backslash in the pattern's own
    directory, and a file below a symbolic link to a directory were each read by nobody, without a word."""
    (tmp_path / "hb").mkdir()
    for name in ("a.jsonl", ".x\\y.jsonl", ".plain.jsonl"):
        _lines(tmp_path / "hb" / name, 1)
    assert sorted(name for _, name in _names([f"{tmp_path}/hb/*.jsonl"])) == [".plain.jsonl", ".x\\y.jsonl",
                                                                            "a.jsonl"]
    (tmp_path / "d\\b").mkdir()
    for name in ("y.jsonl", "z\\w.jsonl"):
        _lines(tmp_path / "d\\b" / name, 1)
    assert sorted(name for _, name in _names([f"{tmp_path}/d\\b/*.jsonl"])) == ["y.jsonl", "z\\w.jsonl"]
    (tmp_path / "sy" / "real").mkdir(parents=True)
    (tmp_path / "sy" / "top" / "sub").mkdir(parents=True)
    _lines(tmp_path / "sy" / "real" / "a.jsonl", 1)
    _lines(tmp_path / "sy" / "top" / "sub" / "d.jsonl", 1)
    os.symlink("../real", tmp_path / "sy" / "top" / "link")
    assert sorted(name for _, name in _names([f"{tmp_path}/sy/top/*/*.jsonl"])) == ["link/a.jsonl", "sub/d.jsonl"]


def test_a_file_matched_through_a_link_and_by_its_own_path_is_read_once(tmp_path):
    (tmp_path / "real").mkdir()
    _lines(tmp_path / "real" / "a.jsonl", 1)
    os.symlink("real", tmp_path / "link")
    assert len(_names([f"{tmp_path}/*/a.jsonl"])) == 1


def test_a_bare_relative_glob_and_a_path_with_a_newline_after_a_source_are_found(tmp_path, monkeypatch):
    _lines(tmp_path / "a.jsonl", 1)
    _lines(tmp_path / "new\nline.jsonl", 1)
    monkeypatch.chdir(tmp_path)
    assert sorted(name for _, name in _names(["*.jsonl"])) == ["a.jsonl", "new\nline.jsonl"]
    assert _names(["n=new\nline.jsonl"]) == [("n", "new\nline.jsonl")]


def test_a_relative_output_in_a_directory_whose_name_is_not_utf8_is_one_line(tmp_path, monkeypatch, capsys):
    from beam_runner import main
    _lines(tmp_path / "a.jsonl", 2)
    folder = os.fsencode(tmp_path) + b"/cwd\xff"
    os.mkdir(folder)
    monkeypatch.chdir(folder)
    status = main(["run", "--input", str(tmp_path / "a.jsonl"), "--output", "out"])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "cwd\\xff/out: the path is not UTF-8" in err
    assert os.listdir(folder) == []


def test_the_manifest_records_an_input_path_that_is_not_utf8_escaped(tmp_path):
    import json
    recorded = load_config(inputs=[os.fsdecode(os.fsencode(tmp_path) + b"/dir\xff/*.jsonl")], output="o").recorded()
    (spec,) = recorded["config"]["inputs"]
    assert spec.endswith("/dir\\xff/*.jsonl")
    json.dumps(recorded, ensure_ascii=False).encode("utf-8")            # no lone surrogate left


def test_symbolic_link_cycles_end_and_each_file_is_read_once(tmp_path):
    """Python's glob followed `loop -> .` and `up -> ..` into 2^40 paths (the launcher hung); each real
    directory is entered once."""
    (tmp_path / "d").mkdir()
    _lines(tmp_path / "d" / "a.jsonl", 1)
    os.symlink(".", tmp_path / "d" / "loop")
    os.symlink("..", tmp_path / "d" / "up")
    assert _names([f"{tmp_path}/**.jsonl"]) == [("web", "d/a.jsonl")]


def test_a_link_that_sorts_before_its_directory_does_not_hide_what_beam_skips(tmp_path):
    """Found by a third hostile review: the walk entered each real directory once, first through a link
    whose paths the pattern rejected, and then skipped the real one with its backslash names."""
    (tmp_path / "A" / "a").mkdir(parents=True)
    _lines(tmp_path / "A" / "a" / "x\\y.jsonl", 1)
    _lines(tmp_path / "A" / "a" / "plain.jsonl", 1)
    os.symlink("a", tmp_path / "A" / "c")          # popped first: after "a" in sorted order
    assert sorted(name for _, name in _names([f"{tmp_path}/A/[ab]/*.jsonl"])) == ["a/plain.jsonl", "a/x\\y.jsonl"]


def test_one_file_reached_by_two_sources_through_a_link_is_refused(tmp_path):
    from pipelines.inputs import InputError
    (tmp_path / "real").mkdir()
    (tmp_path / "view").mkdir()
    _lines(tmp_path / "real" / "r.jsonl", 1)
    os.symlink("../real", tmp_path / "view" / "lnk")
    with pytest.raises(InputError, match="are one file, matched by the inputs of two sources"):
        resolve_inputs([f"one={tmp_path}/view/*/*.jsonl", f"two={tmp_path}/real/*.jsonl"], "web", "auto")
