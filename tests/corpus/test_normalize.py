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
