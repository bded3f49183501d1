"""The named-entity option: a real spaCy pipeline (an entity ruler saved to a temp dir, so no
model is downloaded) adds PERSON and LOCATION; a model that is not installed is a clear error."""
import pytest

from corpus.document import Document
from filters.pii.ner_model import NerModelError, check_ner_model
from filters.pii.pii_filter import PiiConfig, PiiFilter

spacy = pytest.importorskip("spacy", reason="spaCy is not installed (pip install spacy)")


@pytest.fixture(scope="module")
def ruler_model(tmp_path_factory):
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([
        {"label": "PERSON", "pattern": [{"LOWER": "ada"}, {"LOWER": "lovelace"}]},
        {"label": "GPE", "pattern": "London"},
    ])
    path = tmp_path_factory.mktemp("spacy") / "ner"
    nlp.to_disk(path)
    return str(path)


def test_a_ner_model_adds_people_and_places_far_from_any_candidate(ruler_model):
    text = ("Ada Lovelace wrote the first program. " + "She worked with numbers and engines. " * 20 +
            "Later she lived in London; write to ada@example.com.")
    doc = PiiFilter(PiiConfig(ner_model=ruler_model))(Document("d", text, "s", annotations={"lang": "en"}))
    assert doc.text.startswith("<PERSON> wrote the first program.")
    assert doc.text.endswith("Later she lived in <LOCATION>; write to <EMAIL_ADDRESS>.")
    assert {entity: n for entity, n in doc.annotations["pii"].items() if n} == \
        {"PERSON": 1, "LOCATION": 1, "EMAIL_ADDRESS": 1}


def test_without_the_option_names_stay():
    doc = PiiFilter(PiiConfig())(Document("d", "Ada Lovelace lived in London.", "s", annotations={"lang": "en"}))
    assert doc.text == "Ada Lovelace lived in London."


def test_a_model_that_is_not_installed_is_an_error_not_a_download():
    with pytest.raises(NerModelError, match="never downloads"):
        check_ner_model("xx_no_such_model_sm")
    check_ner_model("")
