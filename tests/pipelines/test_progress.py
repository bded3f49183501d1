"""A local run shows progress on a terminal and stays quiet otherwise."""
import io

from pipelines.config import load_config
from pipelines.progress import progress_line
from pipelines.run import run_curation
from tests.fixtures import ARTICLE, write_jsonl


def _config(tmp_path):
    rows = [{"id": str(i), "text": f"{ARTICLE} Number {i}."} for i in range(30)] + [b'{"broken']
    write_jsonl(tmp_path / "a.jsonl", rows)
    return load_config(inputs=[str(tmp_path / "a.jsonl")], output=str(tmp_path / "out"),
                       overrides=["tokenize.enabled=false", "near_dedup.enabled=false", "quality.enabled=false"])


def test_the_progress_line_says_what_was_read_and_kept_and_how_long_is_left():
    line = progress_line({"read": {"documents": 1200, "bytes": 25_000_000}, "kept": {"documents": 800,
                                                                              "bytes": 0}}, 10.0, 100_000_000)
    assert line.startswith("read 1,200 records, 25.0 of 100.0 MB (2.5 MB/s) | kept 800 | 0:00:10 elapsed")
    assert line.endswith("reading done in ~0:00:30")


def test_a_run_shows_its_progress_when_asked(tmp_path):
    stream = io.StringIO()
    assert run_curation(_config(tmp_path), [], workers=1, out=io.StringIO(), progress=True,
                        progress_stream=stream) == 0
    final = stream.getvalue().rstrip("\n").split("\r")[-1]
    size = (tmp_path / "a.jsonl").stat().st_size / 1e6
    assert final.startswith(f"read 31 records, {size:,.1f} of {size:,.1f} MB")
    assert "| kept 30 |" in final


def test_a_run_is_quiet_when_not_on_a_terminal(tmp_path):
    stream = io.StringIO()              # isatty() is false
    assert run_curation(_config(tmp_path), [], workers=1, out=io.StringIO(), progress_stream=stream) == 0
    assert stream.getvalue() == ""
