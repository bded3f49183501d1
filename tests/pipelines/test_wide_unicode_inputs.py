"""A JSONL file saved as UTF-16 (Windows' 'Unicode') is one `read.unrecognised_file` error that says so.

Read as UTF-8 bytes it used to give phantom records (read 4 for 3 lines: the
NUL-interleaved bytes split differently into lines). tokenmill does not guess
an encoding from a file's first bytes and decode it: it names what the file
looks like and asks for UTF-8 (docs/design.md, reading).
"""
import io
import json

import pytest

from pipelines.config import load_config
from pipelines.run import run_curation
from tests.hostile.cases import jsonl_line
from tests.outputs import counts, table_rows


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"], ids=["with_bom", "without_bom"])
def test_a_utf16_jsonl_file_is_one_unrecognised_file_error_naming_its_encoding(tmp_path, encoding):
    (tmp_path / "in").mkdir()
    records = [json.loads(jsonl_line(i, "utf16")) for i in range(3)]       # the generator's count: 3
    text = "".join(json.dumps(record) + "\n" for record in records)
    (tmp_path / "in" / "a.jsonl").write_bytes(text.encode(encoding))
    config = load_config(inputs=[f"u16={tmp_path}/in/*"], output=str(tmp_path / "out"),
                         overrides=["tokenize.enabled=false"])
    assert run_curation(config, [], workers=1, out=io.StringIO(), progress=False) == 0
    entry = counts(tmp_path / "out")["sources"]["u16"]
    assert (entry["read"], entry["errors"], entry["error_types"]) == (1, 1, {"read.unrecognised_file": 1}), entry
    (error,) = table_rows(tmp_path / "out", "errors")
    assert "UTF-16 text; re-encode as UTF-8" in error["message"], error
    assert len(text.splitlines()) == len(records)          # 3 records in the file, all in the one error
