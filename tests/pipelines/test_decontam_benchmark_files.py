"""Benchmark files and field paths as a user gives them: every mistake is one line and exit 2, checked on the
launcher before any output is touched, and legitimate files (long CSV fields) are read."""
import csv
import json

from beam_runner import main
from tests.fixtures import write_jsonl

FILLER = "The harbour was quiet that morning and the boats rocked slowly against the old stone wall. " * 4
SHORT = "Which gas do green plants take in from the air"                       # 10 words
PASSAGE = ("Photosynthesis is the process by which green plants and some other organisms use sunlight to "
           "synthesize foods from carbon dioxide and water, releasing oxygen as a by-product of the reaction.")
ONLY_DECONTAMINATION = ["--set", "quality.enabled=false", "--set", "near_dedup.enabled=false",
                        "--set", "exact_dedup.enabled=false"]


def _run(tmp_path, bench, *extra):
    corpus = write_jsonl(tmp_path / "corpus.jsonl", [{"text": FILLER}])
    return main(["run", "--input", str(corpus), "--output", str(tmp_path / "out"), *ONLY_DECONTAMINATION,
                 "--set", f"decontaminate.benchmarks=['b={bench}']", *extra])


def test_a_misspelt_field_path_beside_a_good_one_is_a_usage_error(tmp_path, capsys):
    """Even when another path finds text: the message names the path and the ones the items have."""
    bench = write_jsonl(tmp_path / "b.jsonl", [{"q": {"stem": SHORT}, "answer": PASSAGE}])
    assert _run(tmp_path, bench, "--set", "decontaminate.fields={b: [q.stem, anz]}") == 2
    err = capsys.readouterr().err
    assert "decontaminate.fields anz found in no item" in err and "q.stem" in err and "answer" in err
    assert err.count("\n") == 1


def test_a_field_path_that_is_not_a_string_is_a_usage_error(tmp_path, capsys):
    """`decontaminate.fields={b: [3]}`, a bare number or a null."""
    bench = write_jsonl(tmp_path / "b.jsonl", [{"q": SHORT}])
    for fields in ("{b: [3]}", "{b: 3}", "{b: [null]}"):
        assert _run(tmp_path, bench, "--set", f"decontaminate.fields={fields}") == 2, fields
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err, err


def test_a_csv_benchmark_with_a_long_passage_is_read(tmp_path, capsys):
    """Longer than csv's default field limit (131,072 characters): a long-context benchmark."""
    path = tmp_path / "b.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["question", "passage"])
        writer.writerow([SHORT, PASSAGE * 800])                              # about 170,000 characters
    assert _run(tmp_path, path) == 0, capsys.readouterr().err[-300:]


def test_a_deeply_nested_item_is_one_line_not_a_traceback(tmp_path, capsys):
    """An item nested 3,000 deep (past Python's recursion limit)."""
    value = json.dumps(SHORT)
    for _ in range(3000):
        value = "[" + value + "]"
    bench = tmp_path / "b.jsonl"
    bench.write_text('{"q": ' + value + "}\n")
    assert _run(tmp_path, bench) == 2
    err = capsys.readouterr().err
    assert "nested too deeply" in err and err.count("\n") == 1


def test_benchmarks_are_not_read_when_decontamination_is_off(tmp_path, capsys):
    assert _run(tmp_path, tmp_path / "no-such.jsonl", "--set", "decontaminate.enabled=false") == 0
    assert "no-such" not in capsys.readouterr().err
