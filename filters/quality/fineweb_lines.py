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
    return fineweb_verdict(fineweb_signals(view, config), config)


def fineweb_signals(view: TextView, config: FineWebConfig) -> dict:
    """Every value the rules compare; the ratios only when there are lines, the list ratio only for
    languages written with spaces."""
    lines = view.lines
    signals = {"fineweb_lines": len(lines)}
    if not lines:
        return signals
    signals["fineweb_line_punct_ratio"] = sum(1 for line in lines if line.endswith(TERMINAL_PUNCTUATION)) / len(lines)
    signals["fineweb_short_line_ratio"] = sum(1 for line in lines if len(line) <= config.short_line_length) / len(lines)
    signals["fineweb_dup_line_char_ratio"] = duplicate_fractions(lines)[1]
    if view.spaced and view.words:
        signals["fineweb_list_ratio"] = view.text.count("\n") / len(view.words)
    return signals


def fineweb_verdict(signals: dict, config: FineWebConfig) -> Optional[Drop]:
    if not signals["fineweb_lines"]:
        return Drop("fineweb_no_lines")
    for name, fails in (("fineweb_line_punct_ratio", lambda value: value < config.min_line_punct_ratio),
                        ("fineweb_short_line_ratio", lambda value: value >= config.max_short_line_ratio),
                        ("fineweb_dup_line_char_ratio", lambda value: value > config.max_dup_line_char_ratio),
                        ("fineweb_list_ratio", lambda value: value > config.max_newline_word_ratio)):
        if name in signals and fails(signals[name]):
            return Drop(name, f"{signals[name]:.3f}")
    return None
