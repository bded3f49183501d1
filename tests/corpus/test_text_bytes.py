"""text_bytes and TextSizes: a text's UTF-8 size, lone surrogates as three bytes, without encoding ASCII."""
import gc
import weakref

from hypothesis import given, strategies as st

from corpus.document import TextSizes, text_bytes

ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()))     # lone surrogates included


class _Text(str):
    """A str that a weak reference can follow (a plain str cannot be weakly referenced)."""


@given(ANY_TEXT)
def test_the_size_is_the_utf8_length(text):
    assert text_bytes(text) == len(text.encode("utf-8", "surrogatepass"))


@given(st.lists(ANY_TEXT, max_size=8))
def test_the_memo_gives_each_texts_size_again(texts):
    sizes = TextSizes()
    first = [sizes.of(text) for text in texts]
    assert first == [text_bytes(text) for text in texts]
    assert [sizes.of(text) for text in texts] == first


def test_texts_made_and_freed_one_after_another_each_get_their_own_size():
    """CPython gives a freed object's id to the next one made: a memo keyed by id alone, not holding its
    texts, would give a later text an earlier one's size."""
    sizes = TextSizes()
    for number in range(2000):
        made = "é" * (number % 37) + "x" * (number % 11)      # a new object each time, of another size
        assert sizes.of(made) == text_bytes(made)
        del made


def test_the_memo_holds_its_texts_until_cleared_and_then_lets_them_go():
    sizes, text = TextSizes(), _Text("a text é")
    held = weakref.ref(text)
    assert sizes.of(text) == 9
    del text
    gc.collect()
    assert held() is not None           # held, so its id is not another text's while it is known
    sizes.clear()
    gc.collect()
    assert held() is None
