"""Review of issue 13 (hostile tester): a UTF-16 JSONL file miscounted, and a path spelling refused."""
import io
import json

from pipelines.config import load_config
from pipelines.inputs import InputError
from pipelines.run import run_curation
from tests.hostile.cases import jsonl_line
from tests.outputs import counts, file_bytes

SETTINGS = ["tokenize.enabled=false"]


def _run(inputs, output):
    config = load_config(inputs=inputs, output=str(output), overrides=SETTINGS)
    assert run_curation(config, [], workers=1, out=io.StringIO(), progress=False) == 0
    return counts(output)["sources"]


import pytest


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_a_utf16_jsonl_file_is_one_unrecognised_file_or_its_records(tmp_path, encoding):
    """Three JSON lines saved as UTF-16 (with its BOM, the usual Windows 'Unicode' save). The file holds
    3 records (the generator's count); tokenmill reports read 4 (1 invalid_utf8 + 3 malformed_json):
    a count no independent reader gives. Issue 13: a file that does not look like its format by its magic
    bytes is one `read.unrecognised_file` error. Without a BOM (utf-16-le) it is read 4, malformed_json 4."""
    (tmp_path / "in").mkdir()
    lines = [json.loads(jsonl_line(i, "utf16")) for i in range(3)]
    (tmp_path / "in" / "a.jsonl").write_bytes("".join(json.dumps(r) + "\n" for r in lines).encode(encoding))
    entry = _run([f"u16={tmp_path}/in/*"], tmp_path / "out")["u16"]
    assert (entry["read"], entry["errors"], entry["error_types"]) in [
        (1, 1, {"read.unrecognised_file": 1}), (3, 0, {})], entry


def test_a_doubled_slash_in_the_glob_is_the_same_input(tmp_path):
    """STANDARDS: 'byte-identical outputs ... any spelling of the input paths'. `dir//*.jsonl` matches the
    same files in every shell, but tokenmill says `no files match` and exits 2."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_bytes(b"".join(jsonl_line(i, "slash") for i in range(3)))
    _run([f"s={tmp_path}/in/*.jsonl"], tmp_path / "one")
    try:
        _run([f"s={tmp_path}/in//*.jsonl"], tmp_path / "two")
    except InputError as error:
        raise AssertionError(f"a doubled slash is refused: {error}") from None
    assert file_bytes(tmp_path / "one") == file_bytes(tmp_path / "two")
