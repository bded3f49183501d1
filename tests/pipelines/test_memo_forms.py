"""The forms a per-document stage's results are kept in (pipelines/memo_forms.py): a stored result applied
to the same document gives what running the stage gives."""
import copy

import pytest

from corpus.cache_codec import decode_text
from corpus.document import Document, Drop
from filters.unsafe_words import ANNOTATIONS, HITS_BY_LIST, UnsafeWordsConfig, UnsafeWordsFilter, word_lists_from_tree
from pipelines.config import load_config
from pipelines.memo_forms import MEMO_FORMS, TextAndLanguage, WholeDocument, memo_form, parses_as

KEY = b"k" * 64
UNSAFE = TextAndLanguage(ANNOTATIONS)
WORDS = {"en": b"gravel\nhot tea\nrope\n"}


def _unsafe_words() -> UnsafeWordsFilter:
    return UnsafeWordsFilter(UnsafeWordsConfig(lists="lists", min_hits=2), word_lists_from_tree(WORDS))


def _docs() -> list:
    return [Document("clean", "A quiet valley with tomatoes and sunshine.", "web", annotations={"lang": "en"}),
            Document("one", "The gravel road was icy on the way down.", "web", annotations={"lang": "en"}),
            Document("two", "Gravel, a rope and hot tea for the climb.", "web", annotations={"lang": "en"}),
            Document("unlabelled", "More gravel and more rope here.", "web")]


@pytest.mark.parametrize("form", [UNSAFE, WholeDocument()])
def test_a_stored_result_applied_to_the_document_gives_what_the_stage_gives(form):
    stage = _unsafe_words()
    outcomes = []
    for doc in _docs():
        ran, looked_up = copy.deepcopy(doc), copy.deepcopy(doc)
        result, stored = form.run(stage, ran)
        assert stored is not None and parses_as(form, stored)
        applied = form.apply(looked_up, decode_text(stored))
        assert applied == result and looked_up.annotations == ran.annotations and looked_up.text == ran.text
        outcomes.append(result.reason if isinstance(result, Drop) else result.annotations["unsafe_word_hits"])
    assert outcomes == [0, 1, "unsafe_words", "unsafe_words"]     # the fixture does keep and drop


def test_text_and_language_name_a_result_by_those_two_alone():
    doc = _docs()[1]
    same = Document("another id", doc.text, "other", url="https://x.example/", meta={"file": "f"},
                    annotations={"lang": "en", "lang_score": 0.5})
    assert TextAndLanguage.digest(KEY, doc) == TextAndLanguage.digest(KEY, same)
    assert TextAndLanguage.digest(KEY, doc) != TextAndLanguage.digest(KEY, Document("x", doc.text, "web",
                                                                                     annotations={"lang": "fr"}))
    assert TextAndLanguage.digest(KEY, doc) != TextAndLanguage.digest(b"j" * 64, doc)


def test_a_result_that_does_more_than_add_annotations_is_not_kept():
    def rewrites(doc):
        doc.text = doc.text.upper()
        return doc

    def forgets(doc):
        del doc.annotations["lang"]
        return doc

    for stage in (rewrites, forgets):
        result, stored = UNSAFE.run(stage, _docs()[0])
        assert isinstance(result, Document) and stored is None


def test_a_document_arriving_with_an_annotation_the_stage_writes_is_computed_not_kept():
    """The reviewer's case: a plugin before unsafe words sets unsafe_word_hits_by_list, and the stage writes
    the same value over it. A stored result would not hold that value, and a later run whose plugin set
    another would keep the other (the cold run's value is the stage's)."""
    doc = _docs()[0]
    doc.annotations[HITS_BY_LIST] = {"en": 7}
    assert not UNSAFE.usable(doc)
    result, stored = UNSAFE.run(_unsafe_words(), doc)
    assert stored is None and result.annotations[HITS_BY_LIST] == {"en": 0}     # the stage's own value
    assert UNSAFE.usable(_docs()[0]) and WholeDocument().usable(doc)


@pytest.mark.parametrize("value, parses", [
    ({"added": {"unsafe_word_hits": 1}, "drop": None}, True),
    ({"added": {}, "drop": ["unsafe_words", "gravel, rope"]}, True),
    ({"added": {}, "drop": ["unsafe_words"]}, False),
    ({"added": {}}, False),
    ({"kept": {}, "text": None}, False),
])
def test_a_text_and_language_result_parses_only_in_its_shape(value, parses):
    from corpus.cache_codec import encode_text
    assert parses_as(UNSAFE, encode_text(value)) is parses


def test_unsafe_words_results_are_kept_only_where_there_are_lists(tmp_path):
    without = load_config(inputs=["x.jsonl"], output=str(tmp_path / "out"))
    with_lists = load_config(inputs=["x.jsonl"], output=str(tmp_path / "out"),
                             overrides=[f"unsafe_words.lists={tmp_path}"])
    assert memo_form(without, "unsafe_words") is None
    assert memo_form(with_lists, "unsafe_words") is MEMO_FORMS["unsafe_words"]
    assert MEMO_FORMS["unsafe_words"].writes == frozenset(ANNOTATIONS)
    assert isinstance(memo_form(without, "pii"), WholeDocument) and memo_form(without, "quality") is None
