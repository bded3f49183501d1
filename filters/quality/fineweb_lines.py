"""FineWeb's line-level quality rules (Penedo et al. 2024, FineWebQualityFilter)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from corpus.document import Drop
from filters.quality.gopher_repetition import duplicate_fractions
from filters.quality.text_view import TERMINAL_PUNCTUATION, TextView
from tokenmill.option_checks import OptionChecks


@dataclass(frozen=True)
class FineWebConfig:
    enabled: bool = True
    min_line_punct_ratio: float = 0.12
    short_line_length: int = 30
    max_short_line_ratio: float = 0.67
    max_dup_line_char_ratio: float = 0.01
    max_newline_word_ratio: float = 0.3

    def problems(self, where: str = "quality.fineweb") -> list:
        check = OptionChecks(self, where)
        for name in ("min_line_punct_ratio", "max_short_line_ratio", "max_dup_line_char_ratio"):
            check.fraction(name)
        check.at_least("short_line_length", 0)
        check.at_least("max_newline_word_ratio", 0)
        return check.problems


def fineweb_lines(view: TextView, config: FineWebConfig) -> Optional[Drop]:
    lines = view.lines
    if not lines:
        return Drop("fineweb_no_lines")
    punct = sum(1 for line in lines if line.endswith(TERMINAL_PUNCTUATION)) / len(lines)
    if punct < config.min_line_punct_ratio:
        return Drop("fineweb_line_punct_ratio", f"{punct:.3f}")
    short = sum(1 for line in lines if len(line) <= config.short_line_length) / len(lines)
    if short >= config.max_short_line_ratio:
        return Drop("fineweb_short_line_ratio", f"{short:.3f}")
    _, dup_chars = duplicate_fractions(lines)
    if dup_chars > config.max_dup_line_char_ratio:
        return Drop("fineweb_dup_line_char_ratio", f"{dup_chars:.3f}")
    if view.spaced and view.words:
        ratio = view.text.count("\n") / len(view.words)
        if ratio > config.max_newline_word_ratio:
            return Drop("fineweb_list_ratio", f"{ratio:.3f}")
    return None
