"""Found by jumping to their anchors, each pattern's matches are finditer's: positions and groups."""
from hypothesis import given, settings
from hypothesis import strategies as st

from filters.anchored_search import DIGIT, matches_from_anchors, search_from_anchor
from filters.pii.checksum_recognizers import _GROUP_RUN, _IBAN_LEAD, _IBAN_START, card_spans, iban_spans
from filters.pii.phone_evidence import RUN, RUN_LEAD, runs_in
from filters.quality.c4_lines import _SENTENCE_END, _SENTENCE_MARK, count_sentences

# digits (ASCII, Arabic-Indic, fullwidth), what a run may open with or hold, extension marks, IBAN letters,
# sentence punctuation and what may close a sentence
TEXT = st.text(alphabet=st.sampled_from("0123456789\u0663\uff13+\uff0b(\uff08[]) -./#xXeEtnNDdEGBgb\u00a0\n"
                                        "!?\u3002\uff01\uff1f\"'\u201d\u2019"), max_size=60)
PATTERNS = [(RUN, DIGIT, RUN_LEAD), (_GROUP_RUN, DIGIT, 0), (_IBAN_START, DIGIT, _IBAN_LEAD),
            (_SENTENCE_END, _SENTENCE_MARK, 0)]


def spans(matches):
    return [(match.start(), match.end(), match.group()) for match in matches]


@given(text=TEXT)
@settings(max_examples=1000, deadline=None)
def test_each_pattern_finds_what_finditer_finds(text):
    for pattern, anchor, lead in PATTERNS:
        assert spans(matches_from_anchors(pattern, text, anchor, lead)) == spans(pattern.finditer(text)), \
            pattern.pattern
    assert spans(runs_in(text)) == spans(RUN.finditer(text))
    assert count_sentences(text) == len(_SENTENCE_END.findall(text))


@given(text=TEXT, position=st.integers(0, 60))
@settings(max_examples=500, deadline=None)
def test_a_search_from_any_position_is_the_patterns_own(text, position):
    for pattern, anchor, lead in PATTERNS:
        ours, theirs = search_from_anchor(pattern, text, position, anchor, lead), pattern.search(text, position)
        assert (ours and ours.span()) == (theirs and theirs.span())


def test_the_lookbehind_and_word_boundary_still_see_the_text_before_the_jump():
    # "12" right after a digit is no group of its own, "ab12" inside a word is no IBAN start, "?" after "!"
    # starts no second sentence end
    assert spans(matches_from_anchors(_GROUP_RUN, "a 3412 b", DIGIT, 0)) == [(2, 6, "3412")]
    assert list(matches_from_anchors(_IBAN_START, "xab12", DIGIT, _IBAN_LEAD)) == []
    assert list(card_spans("card 4111 1111 1111 1111 ok")) == [(5, 24)]
    assert list(iban_spans("IBAN GB82 WEST 1234 5698 7654 32 BIC")) == [(5, 32)]
    assert spans(runs_in("call +1 (555) 010-9999 x12 in 2019")) == [(5, 26, "+1 (555) 010-9999 x12"),
                                                                 (30, 34, "2019")]
    assert count_sentences("One. Two!? Three?! \u201cFour.\u201d Five") == 4
