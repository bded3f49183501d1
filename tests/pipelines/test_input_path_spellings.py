"""One input, any spelling of its path: a doubled slash in a local glob reads the same files, same ids."""
import io

from pipelines.config import load_config
from pipelines.input_names import collapse_slashes
from pipelines.run import run_curation
from tests.hostile.cases import jsonl_line
from tests.outputs import counts, file_bytes, table_rows


def _run(inputs, output):
    config = load_config(inputs=inputs, output=str(output), overrides=["tokenize.enabled=false"])
    assert run_curation(config, [], workers=1, out=io.StringIO(), progress=False) == 0


def test_a_doubled_slash_in_the_glob_gives_byte_identical_output(tmp_path):
    """`dir//*.jsonl` matches the same files in every shell; Beam's matcher alone would find none."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_bytes(b"".join(jsonl_line(i, "slash") for i in range(3)))
    _run([f"s={tmp_path}/in/*.jsonl"], tmp_path / "one")
    _run([f"s={tmp_path}//in//*.jsonl"], tmp_path / "two")
    assert counts(tmp_path / "two")["sources"]["s"]["read"] == 3           # the generator's count
    ids = [row["id"] for row in table_rows(tmp_path / "one", "documents")]
    assert ids and ids == [row["id"] for row in table_rows(tmp_path / "two", "documents")]
    assert file_bytes(tmp_path / "one") == file_bytes(tmp_path / "two")


def test_slashes_collapse_in_local_paths_but_not_in_object_store_uris():
    assert collapse_slashes("/data//crawl///*.jsonl") == "/data/crawl/*.jsonl"
    assert collapse_slashes("rel//a/*.warc.gz") == "rel/a/*.warc.gz"
    assert collapse_slashes("gs://bucket/a//b/*.jsonl") == "gs://bucket/a//b/*.jsonl"   # another object name
