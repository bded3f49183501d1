"""Each quality rule with a hand-made text just inside and just outside its threshold."""
import pytest

from corpus.document import Document, Drop
from filters.quality.c4_lines import C4Config, c4_lines, count_sentences
from filters.quality.fineweb_lines import FineWebConfig, fineweb_lines
from filters.quality.gopher_quality import GopherQualityConfig, gopher_quality
from filters.quality.gopher_repetition import GopherRepetitionConfig, gopher_repetition
from filters.quality.quality_filter import QualityConfig, QualityFilter
from filters.quality.text_view import TextView

VOCAB = ("river field stone market letter garden window harbor winter meadow paper candle bridge orchard "
         "valley mirror forest saddle ladder basket rocket pillow tunnel engine ribbon pocket silver lantern "
         "marble violin cactus dragon falcon helmet island jacket kettle lemon magnet needle oyster parrot "
         "quartz rabbit salmon tomato umbrella vessel walnut yogurt zipper anchor beacon cotton dolphin").split()


def words(count: int, start: int = 0) -> str:
    """`count` distinct-enough words (no repeated n-grams for counts under the vocabulary size)."""
    return " ".join(VOCAB[(start + i) % len(VOCAB)] for i in range(count))


def english(text: str) -> TextView:
    return TextView(text, "en")


GQ = GopherQualityConfig(stop_word_languages=[])


@pytest.mark.parametrize("count, reason", [(49, "gopher_too_few_words"), (50, None)])
def test_gopher_word_count_lower_bound(count, reason):
    result = gopher_quality(english(words(count)), GQ)
    assert (result.reason if result else None) == reason


def test_gopher_word_count_upper_bound():
    config = GopherQualityConfig(max_words=60, stop_word_languages=[])
    assert gopher_quality(english(words(60)), config) is None
    assert gopher_quality(english(words(61)), config).reason == "gopher_too_many_words"


def test_gopher_mean_word_length():
    assert gopher_quality(english(" ".join(["abc"] * 50)), GQ) is None          # mean 3.0
    assert gopher_quality(english(" ".join(["ab"] * 50)), GQ).reason == "gopher_mean_word_length"
    assert gopher_quality(english(" ".join(["a" * 10] * 50)), GQ) is None      # mean 10.0
    assert gopher_quality(english(" ".join(["a" * 11] * 50)), GQ).reason == "gopher_mean_word_length"


def test_gopher_symbol_to_word_ratio():
    base = words(100)
    assert gopher_quality(english(base + " #" * 10), GQ) is None                # 10/110 < 0.1
    assert gopher_quality(english(base + " #" * 12), GQ).reason == "gopher_symbol_word_ratio"


def test_gopher_alpha_words_ratio():
    assert gopher_quality(english(words(80) + " 12" * 20), GQ) is None          # 80/100 = 0.8
    assert gopher_quality(english(words(79) + " 12" * 21), GQ).reason == "gopher_alpha_words_ratio"


def test_gopher_stop_words_only_for_english():
    config = GopherQualityConfig()
    assert gopher_quality(english(words(60)), config).reason == "gopher_stop_words"
    assert gopher_quality(english(words(60) + " the and"), config) is None
    assert gopher_quality(TextView(words(60), "de"), config) is None


def test_gopher_bullet_and_ellipsis_lines():
    ten = [words(10, i * 10) for i in range(10)]
    bullets = "\n".join(("• " if i < 9 else "") + line for i, line in enumerate(ten))
    assert gopher_quality(english(bullets), GQ) is None                         # 0.9
    assert gopher_quality(english("\n".join("• " + line for line in ten)), GQ).reason == \
        "gopher_bullet_lines_ratio"
    ellipses = "\n".join(line + ("..." if i < 3 else ".") for i, line in enumerate(ten))
    assert gopher_quality(english(ellipses), GQ) is None                        # 0.3
    ellipses = "\n".join(line + ("…" if i < 4 else ".") for i, line in enumerate(ten))
    assert gopher_quality(english(ellipses), GQ).reason == "gopher_ellipsis_lines_ratio"


def test_word_rules_do_not_fire_on_languages_without_spaces():
    text = "日本語の文章です。" * 3
    assert gopher_quality(TextView(text, "ja"), GopherQualityConfig()) is None
    assert gopher_repetition(TextView(text, "ja"), GopherRepetitionConfig()) is None


GR = GopherRepetitionConfig()


def test_gopher_duplicate_line_fraction():
    unique = [words(8, i * 8) for i in range(7)]
    ok = "\n".join(unique + unique[:3])                         # 3 of 10 lines repeat: 0.30
    bad = "\n".join(unique[:6] + unique[:4])                    # 4 of 10: 0.40
    config = GopherRepetitionConfig(max_dup_line_char_fraction=1, max_dup_paragraph_char_fraction=1,
                                    max_top_ngram_char_fraction={}, max_dup_ngram_char_fraction={})
    assert gopher_repetition(english(ok), config) is None
    assert gopher_repetition(english(bad), config).reason == "gopher_dup_line_fraction"


def test_gopher_duplicate_paragraph_char_fraction():
    paragraphs = [words(20, i * 20) for i in range(4)]
    config = GopherRepetitionConfig(max_top_ngram_char_fraction={}, max_dup_ngram_char_fraction={},
                                    max_dup_line_char_fraction=1, max_dup_line_fraction=1,
                                    max_dup_paragraph_fraction=1)
    text = "\n\n".join(paragraphs + paragraphs[:1])               # 1 of 5 paragraphs: about 0.2
    fraction = len(paragraphs[0]) / sum(len(p) for p in paragraphs + paragraphs[:1])
    assert (gopher_repetition(english(text), config) is None) == (fraction <= 0.2)
    text = "\n\n".join(paragraphs + paragraphs[:2])
    assert gopher_repetition(english(text), config).reason == "gopher_dup_paragraph_char_fraction"


def test_gopher_top_ngram_fraction():
    config = GopherRepetitionConfig(max_dup_ngram_char_fraction={})
    # "aa bb" four times among 20 distinct 4-letter words: 4 * 4 / (16 + 80) = 0.167 < 0.20
    filler = " ".join(w[:4] for w in VOCAB[:20])
    assert gopher_repetition(english("aa bb cc aa bb dd aa bb ee aa bb " + filler), config) is None
    heavy = "aa bb cc aa bb dd aa bb ee aa bb ff aa bb gg aa bb " + " ".join(w[:4] for w in VOCAB[:10])
    assert gopher_repetition(english(heavy), config).reason == "gopher_top_2gram_char_fraction"


def test_gopher_duplicated_ngram_fraction():
    config = GopherRepetitionConfig(max_top_ngram_char_fraction={})
    phrase = words(5)
    fresh = words(40, 5)
    assert gopher_repetition(english(f"{phrase} {fresh}"), config) is None
    text = f"{phrase} {words(20, 5)} {phrase} {phrase} {phrase} {words(10, 30)}"
    assert gopher_repetition(english(text), config).reason == "gopher_dup_5gram_char_fraction"


def test_duplicated_ngram_pruning_gives_the_same_answer_as_computing_every_n():
    from filters.quality.gopher_kernels import dup_ngram_char_fraction
    from filters.quality.gopher_repetition import word_arrays
    text = (words(12) + " ") * 3 + words(30, 12)
    ids, lengths = word_arrays(english(text).lower_words)
    fractions = [dup_ngram_char_fraction(ids, lengths, n, int(lengths.sum()))
                 for n in range(5, 11)]
    assert fractions == sorted(fractions, reverse=True)       # the monotony the pruning relies on


C4 = C4Config()


def test_c4_removes_lines_and_counts_sentences():
    lines = [words(6, i * 6) + "." for i in range(5)]
    text = "\n".join(["Menu", "Enable javascript to see this page.", "We use cookies. Read our cookie policy.",
                      *lines, "Share on"])
    assert c4_lines(english(text), C4) == "\n".join(lines)
    assert c4_lines(english("\n".join(lines[:4])), C4) == Drop("c4_too_few_sentences", "4 < 5")
    assert count_sentences("One. Two! Three? Four。") == 4


def test_c4_page_level_drops_and_language_scope():
    lines = [words(6, i * 6) + "." for i in range(6)]
    assert c4_lines(english("\n".join(lines + ["Lorem ipsum dolor sit amet."])), C4).reason == "c4_lorem_ipsum"
    assert c4_lines(english("\n".join(lines + ["function f() { return 1; }."])), C4).reason == \
        "c4_curly_bracket"
    assert c4_lines(TextView("\n".join(lines[:2]), "de"), C4) is None


def test_c4_minimum_words_per_line():
    assert c4_lines(english("Too short.\n" + "\n".join(words(6, i) + "." for i in range(5))), C4).count("\n") == 4


FW = FineWebConfig()


def test_fineweb_line_punctuation_ratio():
    lines = [words(8, i * 8) for i in range(25)]
    punctuated = "\n".join(line + ("." if i < 3 else "") for i, line in enumerate(lines))   # 0.12
    assert fineweb_lines(english(punctuated), FW) is None
    sparse = "\n".join(line + ("." if i < 2 else "") for i, line in enumerate(lines))       # 0.08
    assert fineweb_lines(english(sparse), FW).reason == "fineweb_line_punct_ratio"


def test_fineweb_short_line_ratio():
    long_line = words(10) + "."
    short = "Short line."
    mostly_short = "\n".join([short] * 2 + [long_line] * 1)                 # 0.667 >= 0.67? no: 0.6667
    assert fineweb_lines(english(mostly_short), FineWebConfig(max_dup_line_char_ratio=1)) is None
    assert fineweb_lines(english("\n".join([short] * 7 + [long_line] * 3)),
                         FineWebConfig(max_dup_line_char_ratio=1)).reason == "fineweb_short_line_ratio"


def test_fineweb_duplicate_line_chars_and_list_ratio():
    lines = [words(10, i * 10) + "." for i in range(5)]
    assert fineweb_lines(english("\n".join(lines + lines[:1])), FW).reason == "fineweb_dup_line_char_ratio"
    listy = "\n".join(words(3, i * 3) + "." for i in range(12))              # 11 newlines / 36 words
    assert fineweb_lines(english(listy), FineWebConfig(max_short_line_ratio=1.1)).reason == "fineweb_list_ratio"
    assert fineweb_lines(TextView(listy, "ja"), FineWebConfig(max_short_line_ratio=1.1)) is None


@pytest.mark.parametrize("text", ["", "...!!!", "🙂🙂🙂 🎉🎉", "a\n\n\n\nb", "x" * 100_000,
                                  "Mixed Кириллица 漢字 العربية", "\n".join(["same line"] * 1000)])
def test_whole_filter_never_crashes(text):
    for lang in ("en", "ja", None):
        result = QualityFilter(QualityConfig())(Document("d", text, "s", annotations={"lang": lang}))
        assert isinstance(result, (Document, Drop))


@pytest.mark.parametrize("text", ["\n".join(["One two three " + "!?" * 495 + "x."] * 300),
                                  "\n".join(["One two " + "." * 990 + "\"x."] * 300), "word. " * 200_000])
def test_c4_lines_take_linear_time(text):
    # Runs of sentence punctuation in kept lines made C4's sentence count quadratic in each run: 1 MB of such
    # lines (each word under C4's 1,000-character limit) took 14 s.
    import time
    start = time.perf_counter()
    c4_lines(TextView(text, "en"), C4Config())
    assert time.perf_counter() - start < 1
    assert count_sentences("Ends here.. And here?! Not here!x") == 2
