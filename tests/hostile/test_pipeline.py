"""All hostile cases in one run, each its own source: exact counts, no crash, the same bytes however run.

The counts to match come from the cases' own generator (tests/hostile/cases.py),
not from tokenmill's readers.
"""
import io
import os

import pytest

from pipelines.config import load_config
from pipelines.run import run_curation
from tests.hostile.cases import CASES, UNRELATED, build_cases
from tests.outputs import counts, file_bytes, table_rows

SETTINGS = ["tokenize.enabled=false"]


def _run(inputs, output, workers=1):
    config = load_config(inputs=inputs, output=str(output), overrides=SETTINGS)
    assert run_curation(config, [], workers=workers, out=io.StringIO(), progress=False) == 0
    return output


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    expected = build_cases(root / "cases")
    output = _run([f"{name}={root}/cases/{name}/*" for name in expected], root / "out")
    return root, expected, output


def test_every_source_is_counted_with_the_records_its_files_hold(cases):
    _, expected, output = cases
    sources = counts(output)["sources"]
    assert sorted(sources) == sorted(case.name for case in CASES)
    found = {name: (entry["read"], entry["errors"]) for name, entry in sources.items()}
    assert found == {name: (want.read, want.errors) for name, want in expected.items()}


def test_good_records_beside_bad_ones_are_kept_or_dropped_for_a_content_reason(cases):
    _, expected, output = cases
    for name, entry in counts(output)["sources"].items():
        assert entry["kept"] + entry["dropped"] == expected[name].read - expected[name].errors, name
        assert all(kind.startswith("read.") for kind in entry["error_types"]), (name, entry["error_types"])


def test_each_file_that_yields_nothing_is_one_error(cases):
    _, _, output = cases
    assert counts(output)["sources"]["empty_files"]["error_types"] == {"read.no_records": 7,
                                                                        "read.unopenable_file": 1}
    errors = {row["location"]: row["error_type"] for row in table_rows(output, "errors")
              if row["source"] == "empty_files"}
    assert errors == {**{name: "no_records" for name in ("blank.jsonl", "empty.jsonl", "empty.jsonl.gz",
                                                          "empty.parquet", "empty.warc.gz",
                                                          "only_warcinfo.warc", "part-00001")},
                      "unfetched.jsonl": "unopenable_file"}


def test_every_http_encoding_decodes_to_the_same_page(cases):
    _, _, output = cases
    entry = counts(output)["sources"]["warc_http_encodings"]
    assert (entry["kept"], entry["drops"]) == (1, {"exact_dedup.exact_duplicate": 7})


def test_a_document_sharing_a_given_id_with_a_near_duplicate_is_kept(cases):
    _, _, output = cases
    docs = [row for row in table_rows(output, "documents") if row["source"] == "jsonl_equal_ids_near_duplicate"]
    rejected = [row for row in table_rows(output, "rejected") if row["source"] == "jsonl_equal_ids_near_duplicate"]
    assert UNRELATED in [row["text"] for row in docs]
    assert [row["reason"] for row in rejected] == ["near_duplicate"]


def test_ids_are_unique_even_where_given_ids_repeat(cases):
    _, _, output = cases
    ids = [row["id"] for row in table_rows(output, "documents")] + [row["id"] for row in table_rows(output, "rejected")]
    assert len(ids) == len(set(ids))


def test_two_workers_and_a_relative_glob_from_elsewhere_give_the_same_bytes(cases, tmp_path, monkeypatch):
    root, expected, output = cases
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    relative = os.path.relpath(root / "cases", elsewhere)
    again = _run([f"{name}={relative}/{name}/*" for name in expected], tmp_path / "out", workers=2)
    first, second = file_bytes(output), file_bytes(again)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
