"""Review of issue 15 (decontamination): each test fails on d246a99 and names the promise it checks."""
import csv
import json

from beam_runner import main
from corpus.document import Document, Drop
from filters.decontam import BenchmarkIndex, DecontamConfig, Decontaminator, item_keys
from filters.benchmark_fields import item_texts
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


def index_of(items, config=DecontamConfig()):
    return BenchmarkIndex.build([(0, number, item_keys(item_texts(item, []), config))
                                 for number, item in enumerate(items)], ["b"], config)


def test_a_misspelt_field_path_beside_a_good_one_is_a_usage_error(tmp_path, capsys):
    """docs/decontamination.md: 'a path found in no item of its benchmark ... is a usage error'.
    Today it is only one when the benchmark yields nothing at all: `anz` is silently ignored."""
    bench = write_jsonl(tmp_path / "b.jsonl", [{"q": {"stem": SHORT}, "answer": PASSAGE}])
    assert _run(tmp_path, bench, "--set", "decontaminate.fields={b: [q.stem, anz]}") == 2
    err = capsys.readouterr().err
    assert "anz" in err and err.count("\n") == 1


def test_a_field_path_that_is_not_a_string_is_a_usage_error(tmp_path, capsys):
    """`decontaminate.fields={b: [3]}` (or null, or a bare number) ends in a traceback, exit 1."""
    bench = write_jsonl(tmp_path / "b.jsonl", [{"q": SHORT}])
    for fields in ("{b: [3]}", "{b: 3}", "{b: [null]}"):
        assert _run(tmp_path, bench, "--set", f"decontaminate.fields={fields}") == 2, fields
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err, err


def test_a_csv_benchmark_with_a_long_passage_is_read(tmp_path, capsys):
    """csv's default field limit (131,072 chars) raises _csv.Error, which check_benchmarks does not catch:
    a traceback and exit 1 for a legitimate long-context benchmark."""
    path = tmp_path / "b.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["question", "passage"])
        writer.writerow([SHORT, PASSAGE * 800])                              # about 170,000 characters
    assert _run(tmp_path, path) == 0, capsys.readouterr().err[-300:]


def test_a_deeply_nested_item_is_one_line_not_a_traceback(tmp_path, capsys):
    """json.loads raises RecursionError (not caught) on an item nested 3,000 deep."""
    value = json.dumps(SHORT)
    for _ in range(3000):
        value = "[" + value + "]"
    bench = tmp_path / "b.jsonl"
    bench.write_text('{"q": ' + value + "}\n")
    assert _run(tmp_path, bench) in (0, 2)
    assert "Traceback" not in capsys.readouterr().err


def test_the_short_question_of_an_item_with_a_passage_is_checked():
    """Issue 15: 'An item shorter than the n-gram size is matched by its whole word sequence'. With the
    default fields (every leaf), a reading-comprehension item (SciQ, SQuAD, BoolQ layout: a long passage
    and a short question) is indexed by the passage's n-grams only; its 10-word question is never checked,
    yet the coverage counts the item as checked 'by n-grams'."""
    decontaminate = Decontaminator(DecontamConfig(), index_of([{"support": PASSAGE, "question": SHORT,
                                                               "correct_answer": "carbon dioxide"}]))
    quiz_page = FILLER + "Quiz time! " + SHORT + "? Answer: carbon dioxide. " + FILLER
    assert isinstance(decontaminate(Document("d", quiz_page, "s")), Drop)


def test_typographic_apostrophes_do_not_hide_an_item():
    """Web pages (WordPress's wptexturize, word processors) print ' as U+2019. NFKC keeps U+2019, so every
    n-gram with a possessive or a contraction misses; a 30-word question with three of them is not found
    verbatim. On GSM8K's 257 test questions with an apostrophe: recall 0.977 verbatim, 0.864 with one
    word in 20 changed (goal: 0.99 and 0.9); see the report."""
    question = ("Tom's sister bakes twelve loaves of bread every morning for the village baker's shop. "
                "His apprentice sells nine of them before noon, and the store owner's cousin buys the rest of the "
                "loaves. How many remain?")                  # 36 words, an apostrophe in every 13-word window
    decontaminate = Decontaminator(DecontamConfig(), index_of([{"question": question}]))
    assert isinstance(decontaminate(Document("d", FILLER + question + " " + FILLER, "s")), Drop)
    curly = question.replace("'", "\u2019")
    assert isinstance(decontaminate(Document("d", FILLER + curly + " " + FILLER, "s")), Drop)


def test_cut_mode_removes_the_matched_words_and_only_them():
    """_cut_words counts one word per whitespace token, but NFKC splits some tokens into two words
    ("don´t" -> "don ́t", common on Spanish and German pages): the cut lands three words late, keeps
    benchmark words and deletes clean ones."""
    config = DecontamConfig(mode="cut")
    decontaminate = Decontaminator(config, index_of([{"q": SHORT}], config))
    text = "I don´t know, rock´n´roll fans.\n" + SHORT + "?\nAfter the quiz we went home."
    assert decontaminate(Document("d", text, "s")).text == "I don´t know, rock´n´roll fans.\n\nAfter the quiz we went home."
