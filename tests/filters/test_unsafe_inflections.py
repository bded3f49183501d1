"""Inflected forms of listed words: never another common word, and only in their own language's documents."""
import pytest

from beam_runner import main
from corpus.document import Document, Drop
from filters.inflections import another_words_form, inflected_forms
from filters.unsafe_words import LanguageWordList, UnsafeWordsConfig, UnsafeWordsFilter
from tests.fixtures import write_jsonl

# (listed LDNOOBW entry, language, a form a suffix rule makes that is a common clean word of that language)
REAL_WORDS_MADE = [
    ("battere", "it", "batteri"),      # to beat -> bacteria (a verb's infinitive given a noun plural)
    ("tette", "it", "tetti"),          # tits -> roofs
    ("balle", "it", "balli"),          # balls (lies) -> dances
    ("monta", "it", "monte"),          # mating -> mountain, and every Monte ... place name
    ("baiser", "fr", "baisers"),       # the verb -> kisses (the noun)
    ("gerbe", "fr", "gerbes"),         # -> sheaves, wreaths
    ("pot", "nl", "poten"),            # a wrong plural of pot (potten) that is 'legs, paws'
    ("sex", "en", "sexes"),            # 'differences between the sexes'
    ("rosette", "de", "rosetten"),     # rosettes
]


@pytest.mark.parametrize("entry, lang, clean_word", REAL_WORDS_MADE)
def test_an_inflection_rule_does_not_make_another_common_word(entry, lang, clean_word):
    """Forms found by generating every form of the real LDNOOBW lists and reading them; several also hit
    lingua's clean web sentences ('Hij heeft roze poten.', 'Monte Titano')."""
    assert clean_word not in inflected_forms(entry, lang)
    assert another_words_form(clean_word, entry, lang)


def test_the_plurals_of_slurs_are_still_made():
    assert inflected_forms("bitch", "en") >= {"bitches"} and inflected_forms("puttana", "it") == {"puttane"}
    assert inflected_forms("salope", "fr") == {"salopes"} and "cabrones" in inflected_forms("cabrón", "es")


def _filter(entries: dict, **config) -> UnsafeWordsFilter:
    lists = {lang: LanguageWordList(words, spaced=True, lang=lang, inflect=True) for lang, words in entries.items()}
    return UnsafeWordsFilter(UnsafeWordsConfig(**config), lists)


def test_a_short_clean_sentence_is_not_dropped_for_one_made_form():
    unsafe = _filter({"nl": ["pot"], "it": ["battere"], "en": ["sex"]}, also_check=[], min_hits=1)
    for text, lang in (("Hij heeft roze poten.", "nl"), ("I batteri sono ovunque.", "it"),
                       ("Differences between the sexes", "en")):
        assert isinstance(unsafe(Document("d", text, "s", annotations={"lang": lang})), Document), text


def test_the_english_list_inflects_in_english_documents_only():
    """also_check: [en] applies the English list to every language, but "negros" is Spanish for "black
    ones": another language's document meets the listed entries alone."""
    unsafe = _filter({"en": ["negro", "slut"], "es": ["puta"]}, min_hits=1)
    spanish = Document("d", "Los gatos negros duermen.", "s", annotations={"lang": "es"})
    assert isinstance(unsafe(spanish), Document)
    assert isinstance(unsafe(Document("d", "Those sluts", "s", annotations={"lang": "en"})), Drop)
    assert isinstance(unsafe(Document("d", "Son putas", "s", annotations={"lang": "es"})), Drop)
    assert isinstance(unsafe(Document("d", "Hola slut", "s", annotations={"lang": "es"})), Drop)


def test_a_negative_share_rule_is_a_usage_error(tmp_path, capsys):
    corpus = write_jsonl(tmp_path / "corpus.jsonl", [{"text": "Some text."}])
    assert main(["run", "--input", str(corpus), "--output", str(tmp_path / "out"),
                 "--set", "unsafe_words.max_hit_ratio=-0.1"]) == 2
    err = capsys.readouterr().err
    assert "unsafe_words.max_hit_ratio" in err and err.count("\n") == 1
