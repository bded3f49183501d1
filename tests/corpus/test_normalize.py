from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.document import Document, Drop
from corpus.normalize import NormalizeConfig, Normalizer, normalize_text


def test_nfc_controls_and_whitespace():
    assert normalize_text("Cafe\u0301") == "Café"
    assert normalize_text("a\x00b\x1bc\x7f\x85d") == "abc\nd"
    assert normalize_text("a \t  b\r\nc\rd\u2028e") == "a b\nc\nd\ne"
    assert normalize_text("  one  \n\n\n\n two \n") == "one\n\ntwo"


def test_length_bounds():
    normalizer = Normalizer(NormalizeConfig(min_chars=5, max_chars=20))
    assert normalizer(Document("d", "abc", "s")) == Drop("too_short", "3 chars")
    assert normalizer(Document("d", "x" * 21, "s")).reason == "too_long"
    assert normalizer(Document("d", "  hello  world ", "s")).text == "hello world"


def test_a_50_mb_document_is_refused_before_any_work():
    normalizer = Normalizer(NormalizeConfig())
    drop = normalizer(Document("d", "word " * 10_000_000, "s"))
    assert drop.reason == "too_long"


def test_empty_text():
    assert Normalizer(NormalizeConfig(min_chars=1))(Document("d", "", "s")).reason == "too_short"


# spaces, every kind of line break, controls, a zero-width space, a soft hyphen, a combining accent
TRICKY = st.text(alphabet=st.sampled_from("ab \n\n\t\r\x0b\x0c\x1c\x85\u2028\u2029\u00a0\u3000\x00\x7f\u200b\u00ad"
                                          "e\u0301\u00e9"), max_size=30)


@given(text=TRICKY)
@settings(max_examples=2000, deadline=None)
def test_a_text_taken_as_already_normal_is_one_the_full_normalisation_leaves_alone(text):
    from corpus.normalize import already_normal, normalized
    if already_normal(text):
        assert normalized(text) == text
    assert normalize_text(text) == normalized(text)
    assert already_normal(normalized(text)) or normalized(normalized(text)) == normalized(text)


def test_a_normal_text_is_seen_as_one_and_each_flaw_is_not():
    from corpus.normalize import already_normal
    assert already_normal("One line.\n\nA paragraph, caf\u00e9.\nLast")
    for flawed in ("two  spaces", "end \nx", "x\n start", "a\n\n\nb", " lead", "trail\n", "tab\there",
                   "cafe\u0301", "nb\u00a0sp", "ctl\x00"):
        assert not already_normal(flawed), flawed
