"""What of a benchmark item is indexed: nested string leaves, field paths, and short items matched whole."""
import io
import json
import random

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from corpus.document import Document, Drop
from filters.benchmark_fields import FieldPathError, item_texts, parse_path
from filters.decontam import (NGRAMS, ONE_WORD_CHANGED_FROM, TOO_SHORT, WHOLE, BenchmarkIndex, DecontamConfig,
                              Decontaminator, coverage, item_keys, iter_items)
from tests.filters.test_decontam import FILLER, QUESTION, index_of

ARC_ITEM = {"id": "Mercury_7175875",
            "question": {"stem": "An astronomer observes that a planet rotates faster after a meteorite impact. "
                                 "Which is the most likely effect of this increase in rotation?",
                         "choices": [{"text": "Planetary density will decrease.", "label": "A"},
                                     {"text": "Planetary years will become longer.", "label": "B"},
                                     {"text": "Planetary days will become shorter.", "label": "C"}]},
            "answerKey": "C"}
STEM = ARC_ITEM["question"]["stem"]
CHOICES = [choice["text"] for choice in ARC_ITEM["question"]["choices"]]
SHORT = "Which gas do green plants take in from the air"          # 10 words: under 13, over 8
NINE = "Which gas do green plants take in from air"                  # 9 words: must match exactly


def test_every_string_leaf_at_any_depth_is_indexed_by_default():
    assert item_texts(ARC_ITEM, []) == ["Mercury_7175875", STEM, *[v for c in ARC_ITEM["question"]["choices"]
                                                                    for v in (c["text"], c["label"])], "C"]


def test_dotted_paths_step_into_objects_and_lists():
    assert item_texts(ARC_ITEM, ["question.stem"]) == [STEM]
    assert item_texts(ARC_ITEM, ["question.choices[].text"]) == CHOICES
    assert item_texts(ARC_ITEM, ["question"]) == [STEM, *[v for c in ARC_ITEM["question"]["choices"]
                                                         for v in (c["text"], c["label"])]]
    assert not any("{" in text for text in item_texts(ARC_ITEM, ["question"]))     # never a Python repr
    assert item_texts({"choices": ["one", "two"]}, ["choices[]"]) == ["one", "two"]
    assert item_texts(ARC_ITEM, ["question.choices.text", "missing", "id.deeper"]) == []
    assert item_texts({"question.stem": "a CSV header with a dot"}, ["question.stem"]) == ["a CSV header with a dot"]
    assert item_texts({"n": 3, "ok": True, "s": None, "t": "text"}, []) == ["text"]


@pytest.mark.parametrize("path", ["a..b", "[]", "a[0]", "a.[]", ""])
def test_malformed_paths_are_refused(path):
    with pytest.raises(FieldPathError):
        parse_path(path)


def test_nested_parquet_rows_give_their_leaves(tmp_path):
    rows = [{"question": STEM, "choices": {"text": CHOICES, "label": ["A", "B", "C"]}, "answerKey": "C"}]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "arc.parquet")
    with open(tmp_path / "arc.parquet", "rb") as handle:
        assert list(iter_items(handle, "arc.parquet", ["question", "choices.text"])) == [(0, [STEM, *CHOICES])]


def test_an_item_is_checked_by_ngrams_then_whole_texts_then_not_at_all():
    config = DecontamConfig()
    long_item = item_keys(item_texts(ARC_ITEM, []), config)
    assert long_item.kind == NGRAMS and len(long_item.ngrams) == len(STEM.split()) - 12
    assert [len(words) for words in long_item.wholes] == [len(STEM.split())]       # under 26 words: also whole
    assert item_keys([STEM * 2], config).wholes == ()
    short_item = item_keys(["Mercury_1", SHORT, "CO2", "oxygen"], config)
    assert short_item.kind == WHOLE and [len(words) for words in short_item.wholes] == [10]
    assert item_keys(["What is the capital of France?", "Paris"], config).kind == TOO_SHORT
    assert item_keys([], config).kind == TOO_SHORT
    assert item_keys(["What is the capital of France?"], DecontamConfig(min_words=6)).kind == WHOLE


def test_coverage_counts_each_item_once():
    config = DecontamConfig()
    texts = [[QUESTION], [SHORT], ["too short"], [], [QUESTION, SHORT]]
    assert coverage([item_keys(item, config) for item in texts]) == {
        "items": 5, "items_ngrams": 2, "items_whole": 1, "items_too_short": 2,
        "ngrams": 2 * (len(QUESTION.split()) - 12), "whole_texts": 2 + 2 * (len(QUESTION.split()) < 26)}


def test_a_short_item_is_found_whole_inside_a_page_with_at_most_one_word_changed():
    decontaminate = Decontaminator(DecontamConfig(), index_of(SHORT))
    words = SHORT.split()
    one_changed = " ".join(words[:4] + ["blue"] + words[5:])
    for page in (SHORT, FILLER + SHORT.upper() + "? " + FILLER, f"Quiz: {SHORT}!", FILLER + one_changed + "."):
        assert decontaminate(Document("d", page, "s")) == Drop("contaminated:bench", "bench:0")
    two_changed = " ".join(words[:2] + ["any"] + words[3:7] + ["near"] + words[8:])
    one_missing = " ".join(words[:5] + words[6:])
    for page in (two_changed, one_missing, " ".join(words[:7])):
        assert isinstance(decontaminate(Document("d", FILLER + page + ". " + FILLER, "s")), Document), page
    exact = Decontaminator(DecontamConfig(changed_word=False), index_of(SHORT, config=DecontamConfig(changed_word=False)))
    assert isinstance(exact(Document("d", one_changed, "s")), Document)
    assert isinstance(exact(Document("d", SHORT, "s")), Drop)


def test_a_text_under_ten_words_must_match_exactly():
    """A 9-word answer choice with one word free matched a clean page: 8 and 9 words match only as they are."""
    assert ONE_WORD_CHANGED_FROM == 10
    decontaminate = Decontaminator(DecontamConfig(), index_of(NINE))
    words = NINE.split()
    assert isinstance(decontaminate(Document("d", FILLER + NINE + ". " + FILLER, "s")), Drop)
    one_changed = " ".join(words[:4] + ["blue"] + words[5:])
    assert isinstance(decontaminate(Document("d", FILLER + one_changed + ". " + FILLER, "s")), Document)


def test_short_items_sharing_their_first_words_are_told_apart():
    first, second = "Which of the following is an example of a chemical change", \
        "Which of the following is an example of a mixture of two gases in the air"
    decontaminate = Decontaminator(DecontamConfig(ngram=20), index_of(first, second, config=DecontamConfig(ngram=20)))
    assert decontaminate(Document("d", FILLER + second + ". " + FILLER, "s")).detail == "bench:1"
    assert decontaminate(Document("d", first + ". " + second, "s")).detail == "bench:0, bench:1"
    many = FILLER + (second + ". ") * 3000                  # a page repeating a shared anchor stays cheap
    assert decontaminate(Document("d", many, "s")).detail == "bench:1"


def test_cut_mode_removes_a_whole_match():
    decontaminate = Decontaminator(DecontamConfig(mode="cut"), index_of(SHORT))
    doc = decontaminate(Document("d", "Before the quiz.\n" + SHORT + "?\nAfter the quiz.", "s"))
    assert doc.text == "Before the quiz.\n\nAfter the quiz." and doc.annotations["contamination"] == ["bench:0"]


def test_planted_items_of_every_length_at_or_over_the_floor_are_found():
    """Random items of 1-40 words, planted verbatim in random text: found exactly when they reach the floor."""
    rng = random.Random(7)
    vocabulary = [f"w{number}" for number in range(5000)]
    items = [" ".join(rng.choices(vocabulary, k=length)) for length in range(1, 41) for _ in range(5)]
    config = DecontamConfig()
    decontaminate = Decontaminator(config, index_of(*items))
    for number, item in enumerate(items):
        page = " ".join(rng.choices(vocabulary, k=50)) + "\n" + item + "\n" + " ".join(rng.choices(vocabulary, k=50))
        result = decontaminate(Document("d", page, "s"))
        if len(item.split()) >= config.min_words:
            assert isinstance(result, Drop) and f"bench:{number}" in result.detail
        elif isinstance(result, Drop):
            assert f"bench:{number}" not in result.detail


def test_index_keeps_whole_texts_beside_the_ngrams():
    index = BenchmarkIndex.build([(0, 0, item_keys([QUESTION], DecontamConfig())),
                                  (1, 0, item_keys([SHORT], DecontamConfig()))], ["a", "b"], DecontamConfig())
    assert len(index.ngrams.hashes) == len(QUESTION.split()) - 12 and len(index.whole) == 1
    assert index.names == ["a", "b"] and index.nbytes > 0


def test_jsonl_items_keep_their_leaf_order():
    line = json.dumps(ARC_ITEM).encode() + b"\n"
    assert list(iter_items(io.BytesIO(line), "arc.jsonl", ["question.stem", "answerKey"])) == [(0, [STEM, "C"])]


PASSAGE = ("Photosynthesis is the process by which green plants and some other organisms use sunlight to "
           "synthesize foods from carbon dioxide and water, releasing oxygen as a by-product of the reaction.")


def index_of_items(items, config=DecontamConfig()):
    return BenchmarkIndex.build([(0, number, item_keys(item_texts(item, []), config))
                                 for number, item in enumerate(items)], ["b"], config)



def test_the_short_question_of_an_item_with_a_passage_is_checked():
    """A reading-comprehension item (SciQ, SQuAD, BoolQ: a long passage and a short question): the passage
    gives n-grams, and the 10-word question is matched whole as well."""
    decontaminate = Decontaminator(DecontamConfig(), index_of_items([{"support": PASSAGE, "question": SHORT,
                                                               "correct_answer": "carbon dioxide"}]))
    quiz_page = FILLER + "Quiz time! " + SHORT + "? Answer: carbon dioxide. " + FILLER
    assert isinstance(decontaminate(Document("d", quiz_page, "s")), Drop)


def test_typographic_apostrophes_do_not_hide_an_item():
    """Web pages (WordPress's wptexturize, word processors) print ' as U+2019, which NFKC keeps: quotes are
    folded on both sides, whichever side has the typographic ones."""
    question = ("Tom's sister bakes twelve loaves of bread every morning for the village baker's shop. "
                "His apprentice sells nine of them before noon, and the store owner's cousin buys the rest of the "
                "loaves. How many remain?")                  # 36 words, an apostrophe in every 13-word window
    decontaminate = Decontaminator(DecontamConfig(), index_of_items([{"question": question}]))
    assert isinstance(decontaminate(Document("d", FILLER + question + " " + FILLER, "s")), Drop)
    curly = question.replace("'", "\u2019")
    assert isinstance(decontaminate(Document("d", FILLER + curly + " " + FILLER, "s")), Drop)
    from_curly = Decontaminator(DecontamConfig(), index_of_items([{"question": "\u201c" + curly + "\u201d"}]))
    assert isinstance(from_curly(Document("d", FILLER + question + " " + FILLER, "s")), Drop)


def test_cut_mode_removes_the_matched_words_and_only_them():
    """The cut is made in the original text, token by token, counting each token's words as the index
    does: NFKC splits some tokens ("don´t" -> "don ́t"), which would otherwise shift the cut."""
    config = DecontamConfig(mode="cut")
    decontaminate = Decontaminator(config, index_of_items([{"q": SHORT}], config))
    text = "I don´t know, rock´n´roll fans.\n" + SHORT + "?\nAfter the quiz we went home."
    expected = "I don´t know, rock´n´roll fans.\n\nAfter the quiz we went home."
    assert decontaminate(Document("d", text, "s")).text == expected
