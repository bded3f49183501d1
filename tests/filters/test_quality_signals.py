"""The quality stage computes every rule's signal, stores them, and they re-apply to the same decisions."""
import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.document import Document, Drop
from filters.quality.c4_lines import C4Config
from filters.quality.fineweb_lines import FineWebConfig
from filters.quality.gopher_quality import GopherQualityConfig
from filters.quality.gopher_repetition import GopherRepetitionConfig
from filters.quality.quality_filter import QualityConfig, QualityFilter, apply_thresholds
from tests.filters.test_quality_rules import VOCAB

REPETITION_NAMES = {"gopher_dup_line_fraction", "gopher_dup_line_char_fraction", "gopher_dup_paragraph_fraction",
                    "gopher_dup_paragraph_char_fraction", *(f"gopher_top_{n}gram_char_fraction" for n in (2, 3, 4)),
                    *(f"gopher_dup_{n}gram_char_fraction" for n in range(5, 11))}
GOPHER_QUALITY_NAMES = {"gopher_words", "gopher_mean_word_length", "gopher_symbol_word_ratio",
                        "gopher_alpha_words_ratio", "gopher_stop_words", "gopher_lines", "gopher_bullet_lines_ratio",
                        "gopher_ellipsis_lines_ratio"}
C4_NAMES = {"c4_lorem_ipsum_line", "c4_curly_bracket_line", "c4_lines_removed", "c4_sentences"}
FINEWEB_NAMES = {"fineweb_lines", "fineweb_line_punct_ratio", "fineweb_short_line_ratio",
                 "fineweb_dup_line_char_ratio", "fineweb_list_ratio"}
ALL_NAMES = REPETITION_NAMES | GOPHER_QUALITY_NAMES | C4_NAMES | FINEWEB_NAMES


def _run(text: str, config: QualityConfig = QualityConfig(), lang: str = "en"):
    doc = Document("d", text, "web", annotations={"lang": lang})
    return doc, QualityFilter(config)(doc)


def test_a_document_failing_the_first_rule_still_gets_every_signal():
    line = "The same sentence about the river and the plain comes back here again."
    doc, result = _run("\n".join([line] * 30))
    assert isinstance(result, Drop) and result.reason == "gopher_dup_line_fraction"
    signals = doc.annotations["quality"]
    assert set(signals) == ALL_NAMES
    assert signals["gopher_dup_line_fraction"] == 29 / 30 and signals["gopher_words"] == 13 * 30
    assert signals["fineweb_line_punct_ratio"] == 1.0 and signals["c4_sentences"] == 30
    assert signals["c4_lorem_ipsum_line"] is None and signals["gopher_stop_words"] == 2      # "the", "and"


def test_signals_exist_only_where_their_rules_apply():
    doc, _ = _run("東京の天気は晴れです。\n明日も晴れるでしょう。", lang="ja")
    signals = doc.annotations["quality"]
    assert not set(signals) & {"gopher_words", "gopher_top_2gram_char_fraction", *C4_NAMES, "fineweb_list_ratio"}
    assert signals["gopher_lines"] == 2 and signals["fineweb_line_punct_ratio"] == 1.0
    off = QualityConfig(c4=C4Config(enabled=False), gopher_repetition=GopherRepetitionConfig(enabled=False))
    doc, _ = _run("Some text.", off)
    assert set(doc.annotations["quality"]) == GOPHER_QUALITY_NAMES | FINEWEB_NAMES


_lines = st.lists(st.lists(st.sampled_from(VOCAB + ["the", "and", "#", "...", "{x}", "lorem ipsum", "•", "to"]),
                           min_size=1, max_size=14).map(" ".join)
                  .flatmap(lambda line: st.sampled_from([line, line + ".", line + "!", "• " + line, line + "…"])),
                  min_size=1, max_size=40)
_fraction = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def _configs(draw):
    """Any thresholds (the n of the n-gram rules stay those whose signals were stored)."""
    return QualityConfig(
        gopher_repetition=GopherRepetitionConfig(
            max_dup_line_fraction=draw(_fraction), max_dup_paragraph_char_fraction=draw(_fraction),
            max_top_ngram_char_fraction={2: draw(_fraction), 3: 0.18, 4: draw(_fraction)},
            max_dup_ngram_char_fraction={n: draw(_fraction) for n in range(5, 11)}),
        gopher_quality=GopherQualityConfig(min_words=draw(st.integers(0, 120)), min_stop_words=draw(st.integers(0, 3)),
                                           max_symbol_word_ratio=draw(_fraction),
                                           max_ellipsis_lines_ratio=draw(_fraction)),
        c4=C4Config(min_sentences=draw(st.integers(0, 8))),
        fineweb=FineWebConfig(min_line_punct_ratio=draw(_fraction), max_short_line_ratio=draw(_fraction),
                              max_newline_word_ratio=draw(_fraction)))


@settings(max_examples=300, deadline=None)
@given(lines=_lines, paragraph_every=st.integers(1, 6), config=_configs())
def test_stored_signals_reapply_to_the_decision_of_a_run_with_the_new_thresholds(lines, paragraph_every, config):
    text = "".join(line + ("\n\n" if i % paragraph_every == 0 else "\n") for i, line in enumerate(lines)).strip()
    stored, _ = _run(text)                       # a run with the default thresholds stored these
    _, rerun = _run(text, config)                # a run with the new thresholds decides this
    again = apply_thresholds(stored.annotations["quality"], config)
    assert (again.reason, again.detail) == (rerun.reason, rerun.detail) if isinstance(rerun, Drop) else again is None


def test_stored_signals_do_not_depend_on_the_thresholds():
    text = "\n".join(f"{' '.join(VOCAB[i:i + 9])}." for i in range(0, 40, 3))
    strict = QualityConfig(gopher_quality=dataclasses.replace(GopherQualityConfig(), min_words=10_000))
    assert _run(text)[0].annotations["quality"] == _run(text, strict)[0].annotations["quality"]


@given(word=st.text(max_size=12) | st.text(alphabet=st.characters(max_codepoint=127), max_size=12))
@settings(max_examples=500, deadline=None)
def test_has_letter_is_any_character_alphabetic(word):
    from filters.quality.gopher_quality import has_letter
    assert has_letter(word) == any(char.isalpha() for char in word)
