import gzip
import io
import json

import numpy as np
import pytest

from corpus.document import Document, Drop
from filters.decontam import (TOO_SHORT, WHOLE, BenchmarkFormatError, BenchmarkIndex, DecontamConfig,
                              Decontaminator, NgramIndex, coverage, item_keys, iter_items, parse_spec, word_ngrams)
from tests.conftest import shared_data

QUESTION = ("A farmer has seventeen sheep and buys nine more at the market on Tuesday, then sells four of them "
            "to a neighbour. How many sheep does the farmer have now?")
FILLER = "The harbour was quiet that morning and the boats rocked slowly against the old stone wall. " * 4


def index_of(*texts, config=DecontamConfig()):
    """One benchmark whose items are the texts, one text each."""
    return BenchmarkIndex.build([(0, number, item_keys([text], config)) for number, text in enumerate(texts)],
                                ["bench"], config)


def test_whole_embedded_and_reformatted_items_are_found():
    decontaminate = Decontaminator(DecontamConfig(), index_of(QUESTION))
    for text in (QUESTION, FILLER + QUESTION + FILLER, QUESTION.upper().replace(" ", "  ").replace(",", " ,")):
        result = decontaminate(Document("d", text, "s"))
        assert result == Drop("contaminated:bench", "bench:0")


def test_clean_and_short_documents_pass():
    decontaminate = Decontaminator(DecontamConfig(), index_of(QUESTION))
    assert isinstance(decontaminate(Document("d", FILLER, "s")), Document)
    assert isinstance(decontaminate(Document("d", "A farmer has seventeen sheep.", "s")), Document)


def test_cut_mode_removes_only_the_overlap():
    decontaminate = Decontaminator(DecontamConfig(mode="cut"), index_of(QUESTION))
    doc = decontaminate(Document("d", FILLER + "\n" + QUESTION + "\nThe end of the story.", "s"))
    assert isinstance(doc, Document) and "seventeen sheep" not in doc.text
    assert doc.text.startswith(FILLER.strip()) and doc.text.endswith("The end of the story.")
    assert doc.annotations["contamination"] == ["bench:0"]


def test_items_shorter_than_n_words_add_nothing():
    assert len(word_ngrams("too short to matter", 13)) == 0


def test_benchmark_formats(tmp_path):
    rows = [{"question": "q one", "answer": "a one"}, {"question": "q two", "answer": "a two"}]
    jsonl = b"".join(json.dumps(row).encode() + b"\n" for row in rows)
    assert list(iter_items(io.BytesIO(jsonl), "b.jsonl", ["question"])) == [(0, ["q one"]), (1, ["q two"])]
    assert list(iter_items(io.BytesIO(gzip.compress(jsonl)), "b.jsonl.gz", []))[1] == (1, ["q two", "a two"])
    csv_bytes = b"question,answer\nq one,a one\n"
    assert list(iter_items(io.BytesIO(csv_bytes), "b.csv", ["answer"])) == [(0, ["a one"])]
    import pyarrow as pa
    import pyarrow.parquet as pq
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "b.parquet")
    with open(tmp_path / "b.parquet", "rb") as handle:
        assert list(iter_items(handle, "b.parquet", ["answer"]))[0] == (0, ["a one"])


def test_malformed_benchmarks_are_clear_errors():
    with pytest.raises(BenchmarkFormatError, match="b.jsonl:2: not JSON"):
        list(iter_items(io.BytesIO(b'{"q": "x"}\n{broken\n'), "b.jsonl", []))
    with pytest.raises(BenchmarkFormatError, match="not an object"):
        list(iter_items(io.BytesIO(b'[1, 2]\n'), "b.jsonl", []))
    with pytest.raises(BenchmarkFormatError, match="NAME=PATH"):
        parse_spec("no-name-here")


def test_index_lookup_and_memory():
    index = index_of(QUESTION, FILLER).ngrams
    assert index.nbytes <= len(index.hashes) * 14 + len(index.hashes) * 8 + 1
    probe = np.array([index.hashes[0], np.uint64(12345)], dtype=np.uint64)
    assert list(index.lookup(probe) >= 0) == [True, False]


@pytest.mark.parametrize("text", ["", "1234 5678 " * 5000, "deadbeef" * 100_000, "مرحبا بالعالم " * 100])
def test_odd_documents_take_bounded_time(text):
    decontaminate = Decontaminator(DecontamConfig(), index_of(QUESTION))
    assert isinstance(decontaminate(Document("d", text, "s")), (Document, Drop))


def test_real_gsm8k_and_humaneval_items_are_caught_inside_real_text():
    gsm8k = shared_data("decontam/gsm8k/test.jsonl")
    humaneval = shared_data("decontam/humaneval/HumanEval.jsonl.gz")
    entries, names = [], ["gsm8k", "humaneval"]
    for number, (path, fields) in enumerate(((gsm8k, ["question", "answer"]),
                                              (humaneval, ["prompt", "canonical_solution"]))):
        with open(path, "rb") as handle:
            entries += [(number, item, item_keys(texts, DecontamConfig()))
                        for item, texts in iter_items(handle, str(path), fields)]
    decontaminate = Decontaminator(DecontamConfig(), BenchmarkIndex.build(entries, names, DecontamConfig()))
    with open(gsm8k, encoding="utf-8") as handle:
        question = json.loads(handle.readline())["question"]
    assert decontaminate(Document("d", FILLER + question + FILLER, "s")).reason == "contaminated:gsm8k"
    with gzip.open(humaneval, "rt", encoding="utf-8") as handle:
        prompt = json.loads(handle.readline())["prompt"]
    assert decontaminate(Document("d", "Here is some code:\n" + prompt, "s")).reason == "contaminated:humaneval"


def test_bitmap_lookup_equals_a_plain_search():
    rng = np.random.default_rng(3)
    indexed = rng.integers(0, 2**64, 5000, dtype=np.uint64)
    index = NgramIndex.build([(0, 0, indexed)], ["bench"])
    probes = np.concatenate([indexed[:300], rng.integers(0, 2**64, 3000, dtype=np.uint64)])
    plain = np.searchsorted(index.hashes, probes)
    plain[plain == len(index.hashes)] = 0
    expected = np.where(index.hashes[plain] == probes, plain, -1)
    assert np.array_equal(index.lookup(probes), expected)
    assert (index.lookup(probes)[:300] >= 0).all()
    assert index.bitmap.may_contain(probes[300:]).mean() < 0.1        # most absent n-grams stop at the bitmap
