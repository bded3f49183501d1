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
