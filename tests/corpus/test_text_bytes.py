"""text_bytes and TextSizes: a text's UTF-8 size, lone surrogates as three bytes, without encoding ASCII."""
from hypothesis import given, strategies as st

from corpus.document import TextSizes, text_bytes

ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()))     # lone surrogates included


@given(ANY_TEXT)
def test_the_size_is_the_utf8_length(text):
    assert text_bytes(text) == len(text.encode("utf-8", "surrogatepass"))


@given(st.lists(ANY_TEXT, max_size=8))
def test_the_memo_gives_each_texts_size_while_it_lives_and_after_a_clear(texts):
    sizes = TextSizes()
    first = [sizes.of(text) for text in texts]
    assert first == [text_bytes(text) for text in texts]
    assert [sizes.of(text) for text in texts] == first
    sizes.clear()
    assert [sizes.of("".join([text])) for text in texts] == first


def test_an_equal_text_that_is_another_object_is_measured_as_itself():
    sizes = TextSizes()
    ascii_text, wide = "abc" * 10, "é\ud800" * 10
    assert sizes.of(ascii_text) == 30 and sizes.of(wide) == 50
    assert sizes.of("".join(["é\ud800"] * 10)) == 50
