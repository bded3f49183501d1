"""Decontamination inside the pipeline: the n-gram index arrives as a Beam side input."""
import io
import json

from beam_runner import main
from pipelines.config import load_config
from pipelines.run import run_curation
from tests.filters.test_decontam import FILLER, QUESTION
from tests.fixtures import write_jsonl
from tests.outputs import counts, table_rows

ONLY_DECONTAMINATION = ["quality.enabled=false", "near_dedup.enabled=false", "exact_dedup.enabled=false"]


def test_contaminated_documents_are_dropped_with_the_benchmark_named(tmp_path):
    bench = tmp_path / "bench.jsonl"
    bench.write_text(json.dumps({"question": QUESTION, "answer": "twenty-two"}) + "\n")
    corpus = write_jsonl(tmp_path / "corpus.jsonl", [
        {"id": "clean", "text": FILLER}, {"id": "dirty", "text": FILLER + QUESTION},
        {"id": "cut", "text": FILLER + "\n" + QUESTION}])
    config = load_config(inputs=[str(corpus)], output=str(tmp_path / "out"),
                         overrides=ONLY_DECONTAMINATION + [f"decontaminate.benchmarks=['sheep={bench}']",
                                                           "decontaminate.fields={sheep: [question]}"])
    assert run_curation(config, [], workers=1, out=io.StringIO()) == 0
    assert counts(tmp_path / "out")["sources"]["web"]["drops"] == {"decontaminate.contaminated:sheep": 2}
    rejected = table_rows(tmp_path / "out", "rejected")
    assert {row["detail"] for row in rejected} == {"sheep:0"}


def test_missing_and_malformed_benchmarks_are_one_line_errors(tmp_path, capsys):
    corpus = write_jsonl(tmp_path / "corpus.jsonl", [{"text": FILLER}])
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    for spec, message in ((f"x={tmp_path}/none.jsonl", "does not exist"), (f"x={bad}", "bad.jsonl:1: not JSON")):
        assert main(["--input", str(corpus), "--output", str(tmp_path / "o"),
                     "--set", f"decontaminate.benchmarks=['{spec}']"]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1


def test_a_nested_benchmark_is_checked_and_its_coverage_reported(tmp_path):
    """ARC's layout: the text is nested, and the only top-level strings are an id and an answer key."""
    from tests.filters.test_decontam_items import ARC_ITEM, SHORT, STEM
    short_item = {"id": "short-1", "question": {"stem": SHORT, "choices": [{"text": "oxygen", "label": "A"}]},
                  "answerKey": "A"}
    tiny_item = {"id": "tiny-1", "question": {"stem": "Is ice cold?", "choices": []}, "answerKey": "A"}
    bench = write_jsonl(tmp_path / "arc.jsonl", [ARC_ITEM, short_item, tiny_item])
    corpus = write_jsonl(tmp_path / "corpus.jsonl", [
        {"id": "clean", "text": FILLER}, {"id": "long", "text": FILLER + STEM},
        {"id": "short", "text": FILLER + " " + SHORT + "?"}])
    config = load_config(inputs=[str(corpus)], output=str(tmp_path / "out"),
                         overrides=ONLY_DECONTAMINATION + [f"decontaminate.benchmarks=['arc={bench}']"])
    assert run_curation(config, [], workers=1, out=io.StringIO()) == 0
    assert counts(tmp_path / "out")["sources"]["web"]["drops"] == {"decontaminate.contaminated:arc": 2}
    assert {row["detail"] for row in table_rows(tmp_path / "out", "rejected")} == {"arc:0", "arc:1"}
    expected = {"arc": {"items": 3, "items_ngrams": 1, "items_whole": 1, "items_too_short": 1,
                        "ngrams": len(STEM.split()) - 12, "whole_texts": 2}}
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["decontamination"] == expected
    assert json.loads((tmp_path / "out" / "report" / "report.json").read_text())["decontamination"] == expected
    assert "too short to check" in (tmp_path / "out" / "report" / "index.html").read_text()


def test_a_benchmark_with_nothing_to_match_is_a_usage_error_that_touches_no_output(tmp_path, capsys):
    from tests.filters.test_decontam_items import ARC_ITEM
    bench = write_jsonl(tmp_path / "arc.jsonl", [ARC_ITEM])
    corpus = write_jsonl(tmp_path / "corpus.jsonl", [{"text": FILLER}])
    previous = tmp_path / "o" / "manifest.json"
    previous.parent.mkdir()
    previous.write_text("{}")
    for fields, message in (("{arc: [id, answerKey]}", "none of its 1 items has a text of 8 words or more"),
                            ("{arc: [question.stm]}", "decontaminate.fields question.stm found in no item"),
                            ("{other: [question]}", "'other', which is not in decontaminate.benchmarks"),
                            ("{arc: ['question..stem']}", "not dotted keys")):
        assert main(["--input", str(corpus), "--output", str(tmp_path / "o"), "--set",
                     f"decontaminate.benchmarks=['arc={bench}']", "--set", f"decontaminate.fields={fields}"]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, err
        assert previous.read_text() == "{}"
