"""Gopher quality rules (Rae et al. 2021, MassiveText, appendix A1.1)."""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import repeat
from typing import Optional

from corpus.document import Drop
from filters.quality.text_view import BULLETS, ELLIPSES, TextView
from tokenmill.option_checks import OptionChecks

ENGLISH_STOP_WORDS = ("the", "be", "to", "of", "and", "that", "have", "with")


@dataclass(frozen=True)
class GopherQualityConfig:
    enabled: bool = True
    min_words: int = 50
    max_words: int = 100_000
    min_mean_word_length: float = 3.0
    max_mean_word_length: float = 10.0
    max_symbol_word_ratio: float = 0.1
    max_bullet_lines_ratio: float = 0.9
    max_ellipsis_lines_ratio: float = 0.3
    min_alpha_words_ratio: float = 0.8
    min_stop_words: int = 2
    stop_word_languages: list = field(default_factory=lambda: ["en"])

    def problems(self, where: str = "quality.gopher_quality") -> list:
        check = OptionChecks(self, where)
        check.at_least("min_words", 0)
        check.at_least("max_words", max(1, self.min_words))
        check.at_least("min_mean_word_length", 0)
        check.at_least("max_mean_word_length", self.min_mean_word_length)
        for name in ("max_symbol_word_ratio", "max_bullet_lines_ratio", "max_ellipsis_lines_ratio",
                     "min_alpha_words_ratio"):
            check.fraction(name)
        check.at_least("min_stop_words", 0)
        return check.problems


def gopher_quality(view: TextView, config: GopherQualityConfig) -> Optional[Drop]:
    return quality_verdict(quality_signals(view, config), config)


def has_letter(word: str) -> bool:
    """Whether any character of the word is a letter (str.isalpha). An ASCII character is a letter exactly
    when it has case, so an ASCII word is settled by two C calls instead of a loop over its characters
    (words that are not all letters are mostly ASCII: "2019", "word,", "-")."""
    if word.isascii():
        return word.lower() != word.upper()
    return any(char.isalpha() for char in word)


def quality_signals(view: TextView, config: GopherQualityConfig) -> dict:
    """Every value the rules compare. Word values exist only for languages written with spaces (and
    some words); the stop-word count only for the config's stop-word languages; line ratios only
    when there are lines."""
    signals = {}
    if view.spaced:
        words = view.words
        count = signals["gopher_words"] = len(words)
        if count:
            signals["gopher_mean_word_length"] = view.word_chars / count
            symbols = view.text.count("#") + view.text.count("...") + view.text.count("…")
            signals["gopher_symbol_word_ratio"] = symbols / count
            alpha = count - sum(1 for word in words if not word.isalpha() and not has_letter(word))
            signals["gopher_alpha_words_ratio"] = alpha / count
        if view.lang in config.stop_word_languages:
            signals["gopher_stop_words"] = sum(1 for word in set(view.lower_words) if word in ENGLISH_STOP_WORDS)
    lines = view.lines
    signals["gopher_lines"] = len(lines)
    if lines:
        signals["gopher_bullet_lines_ratio"] = sum(map(str.startswith, lines, repeat(BULLETS))) / len(lines)
        signals["gopher_ellipsis_lines_ratio"] = sum(map(str.endswith, lines, repeat(ELLIPSES))) / len(lines)
    return signals


def quality_verdict(signals: dict, config: GopherQualityConfig) -> Optional[Drop]:
    """The first failing rule in Gopher's order: word rules, then line rules."""
    count = signals.get("gopher_words")
    if count is not None:           # a language written with spaces
        if count < config.min_words:
            return Drop("gopher_too_few_words", f"{count} < {config.min_words}")
        if count > config.max_words:
            return Drop("gopher_too_many_words", f"{count} > {config.max_words}")
        if not count:               # min_words 0 and no words: nothing to take a ratio of
            return None if signals["gopher_lines"] else Drop("gopher_no_lines")
        mean = signals["gopher_mean_word_length"]
        if not config.min_mean_word_length <= mean <= config.max_mean_word_length:
            return Drop("gopher_mean_word_length", f"{mean:.2f}")
        for name, low, high in (("gopher_symbol_word_ratio", None, config.max_symbol_word_ratio),
                                ("gopher_alpha_words_ratio", config.min_alpha_words_ratio, None)):
            drop = _outside(name, signals[name], low, high)
            if drop:
                return drop
        present = signals.get("gopher_stop_words")
        if present is not None and present < config.min_stop_words:
            return Drop("gopher_stop_words", f"{present} < {config.min_stop_words}")
    if not signals["gopher_lines"]:
        return Drop("gopher_no_lines")
    return (_outside("gopher_bullet_lines_ratio", signals["gopher_bullet_lines_ratio"], None,
                     config.max_bullet_lines_ratio)
            or _outside("gopher_ellipsis_lines_ratio", signals["gopher_ellipsis_lines_ratio"], None,
                        config.max_ellipsis_lines_ratio))


def _outside(name: str, value: float, low, high) -> Optional[Drop]:
    if (low is not None and value < low) or (high is not None and value > high):
        return Drop(name, f"{value:.3f}")
    return None
