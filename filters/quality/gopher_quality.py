"""Gopher quality rules (Rae et al. 2021, MassiveText, appendix A1.1)."""
from __future__ import annotations

from dataclasses import dataclass, field
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
    """Word-level rules run only for languages written with spaces; stop words only for English."""
    if view.spaced:
        words = view.words
        count = len(words)
        if count < config.min_words:
            return Drop("gopher_too_few_words", f"{count} < {config.min_words}")
        if count > config.max_words:
            return Drop("gopher_too_many_words", f"{count} > {config.max_words}")
        mean = view.word_chars / count
        if not config.min_mean_word_length <= mean <= config.max_mean_word_length:
            return Drop("gopher_mean_word_length", f"{mean:.2f}")
        symbols = view.text.count("#") + view.text.count("...") + view.text.count("…")
        if symbols / count > config.max_symbol_word_ratio:
            return Drop("gopher_symbol_word_ratio", f"{symbols / count:.3f}")
        # str.isalpha settles most words in C; only the rest are looked at letter by letter
        alpha = count - sum(1 for word in words if not word.isalpha()
                            and not any(char.isalpha() for char in word))
        if alpha / count < config.min_alpha_words_ratio:
            return Drop("gopher_alpha_words_ratio", f"{alpha / count:.3f}")
        if view.lang in config.stop_word_languages:
            present = sum(1 for word in set(view.lower_words) if word in ENGLISH_STOP_WORDS)
            if present < config.min_stop_words:
                return Drop("gopher_stop_words", f"{present} < {config.min_stop_words}")
    return _line_rules(view, config)


def _line_rules(view: TextView, config: GopherQualityConfig) -> Optional[Drop]:
    lines = view.lines
    if not lines:
        return Drop("gopher_no_lines")
    bullets = sum(1 for line in lines if line.startswith(BULLETS)) / len(lines)
    if bullets > config.max_bullet_lines_ratio:
        return Drop("gopher_bullet_lines_ratio", f"{bullets:.3f}")
    ellipses = sum(1 for line in lines if line.endswith(ELLIPSES)) / len(lines)
    if ellipses > config.max_ellipsis_lines_ratio:
        return Drop("gopher_ellipsis_lines_ratio", f"{ellipses:.3f}")
    return None
