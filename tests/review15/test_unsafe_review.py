"""Review of issue 15 (word lists): inflection rules that make other real words, and the page rule."""
import pytest

from corpus.document import Document, Drop
from filters.inflections import inflected_forms
from filters.quality.quality_filter import QualityConfig, QualityFilter
from filters.unsafe_words import LanguageWordList, UnsafeWordsConfig, UnsafeWordsFilter

# (listed LDNOOBW entry, language, a form the rule makes that is a common clean word of that language)
REAL_WORDS_MADE = [
    ("battere", "it", "batteri"),      # to beat -> bacteria (a verb's infinitive given a noun plural)
    ("tette", "it", "tetti"),          # tits -> roofs
    ("balle", "it", "balli"),          # balls (lies) -> dances
    ("monta", "it", "monte"),          # mating -> mountain, and every Monte ... place name
    ("baiser", "fr", "baisers"),       # the verb -> kisses (the noun)
    ("gerbe", "fr", "gerbes"),         # -> sheaves, wreaths
    ("pot", "nl", "poten"),            # a wrong plural of pot (potten) that is 'legs, paws'
    ("sex", "en", "sexes"),            # 'differences between the sexes'
]


@pytest.mark.parametrize("entry, lang, clean_word", REAL_WORDS_MADE)
def test_an_inflection_rule_does_not_make_another_common_word(entry, lang, clean_word):
    """filters/inflections.py: 'a rule that makes another real word would drop clean pages'. These do.
    Found by generating every form of the real LDNOOBW lists (../shared/data/unsafe/ldnoobw) and reading
    the list; several also hit lingua's clean web sentences ('Hij heeft roze poten.', 'Monte Titano')."""
    assert clean_word not in inflected_forms(entry, lang)


def _filter(entries: dict) -> UnsafeWordsFilter:
    lists = {lang: LanguageWordList(words, spaced=True, lang=lang, inflect=True) for lang, words in entries.items()}
    return UnsafeWordsFilter(UnsafeWordsConfig(also_check=[]), lists)


def test_a_short_clean_sentence_is_not_dropped_for_one_made_form():
    """With max_hit_ratio 0.05, one hit in a text of 20 words or fewer drops it; the made forms above make
    such hits in clean text. 26 of 7,002 lingua web sentences (en fr es pt it nl de) go with the new
    default, 0 with the old one."""
    unsafe = _filter({"nl": ["pot"], "it": ["battere"], "en": ["sex"]})
    for text, lang in (("Hij heeft roze poten.", "nl"), ("I batteri sono ovunque.", "it"),
                       ("Differences between the sexes", "en")):
        assert isinstance(unsafe(Document("d", text, "s", annotations={"lang": lang})), Document), text


def test_the_page_rule_changes_what_the_default_pipeline_drops():
    """docs/filters.md sells max_hit_ratio as 'one hit in a text of under 20 words drops it, a long page
    still needs three'. But quality runs before unsafe_words and gopher drops every text under 50
    whitespace words; at 50 words or more the ratio needs 3 hits, which is min_hits. So after the default
    quality stage the rule never changes a decision (for languages written with spaces). The measured gain
    (tweet recall 0.07 -> 0.69) is for quality.enabled=false only. This test looks for one document that
    passes the default quality filter and is dropped only because of the ratio: there is none."""
    unsafe_words = ["heck"]
    with_ratio = _filter({"en": unsafe_words})
    without = UnsafeWordsFilter(UnsafeWordsConfig(also_check=[], max_hit_ratio=0.0), with_ratio.lists)
    quality = QualityFilter(QualityConfig())
    sentences = ["The river carried silt from the mountains down to the plain.",
                 "Farmers had learned over centuries to plant after each flood.",
                 "Their fields were rich because the water returned every spring.",
                 "In the town, merchants bought grain at the autumn market.",
                 "Children walked to the school by the old bridge.",
                 "Their teacher told them stories about the first settlers.",
                 "Nobody remembered exactly when the mill was built.",
                 "Everyone agreed it was older than the church on the hill."]
    extras = "green quiet narrow distant wooden ancient busy gentle broad shallow cold bright".split()
    changed, passed = [], 0
    for hits in (1, 2):
        for padding in range(len(extras) + 1):
            lines = list(sentences)
            lines[0] = "The " + " ".join(extras[:padding]) + " river carried silt from the mountains down to the plain."
            lines[2] = "Their fields were rich, " + " ".join(["heck"] * hits) + ", because the water returned every spring."
            text = "\n".join(lines)
            doc = lambda: Document("d", text, "s", annotations={"lang": "en"})
            if isinstance(quality(doc()), Drop):
                continue
            passed += 1
            if isinstance(with_ratio(doc()), Drop) != isinstance(without(doc()), Drop):
                changed.append((hits, len(text.split())))
    assert passed > 10
    assert changed, "the ratio rule is a no-op after the default quality stage"
