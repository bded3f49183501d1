"""C4's line rules (Raffel et al. 2020), as C4 and datatrove apply them.

Lines without terminal punctuation, with too few words, mentioning javascript
or a cookie/privacy policy are removed from the text; "lorem ipsum" and curly
braces drop the whole page, as does having too few sentences left. The rules
were written for English, so by default they run only on English documents.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Union

from corpus.document import Drop
from filters.anchored_search import matches_from_anchors
from filters.quality.text_view import TERMINAL_PUNCTUATION, TextView
from tokenmill.option_checks import OptionChecks

POLICY_PHRASES = ("terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies",
                  "use cookies")
_CITATION = re.compile(r"\[\d*\]|\[edit\]|\[citation needed\]")
# A match starts only where a run of sentence punctuation starts: from inside a run it would end where the run
# ends anyway, and trying every start made a long run ("!?!?...", 1 MB) quadratic.
_SENTENCE_END = re.compile(r"(?<![.!?。！？])[.!?。！？]+(?:[\"'”’)\]]*)(?:\s|$)")
_SENTENCE_MARK = re.compile(r"[.!?。！？]")      # where a sentence end can start (filters/anchored_search.py)


@dataclass(frozen=True)
class C4Config:
    enabled: bool = True
    languages: list = field(default_factory=lambda: ["en"])
    min_words_per_line: int = 3
    max_word_length: int = 1000
    min_sentences: int = 5
    remove_citations: bool = True

    def problems(self, where: str = "quality.c4") -> list:
        check = OptionChecks(self, where)
        check.at_least("min_words_per_line", 0)
        check.at_least("max_word_length", 1)
        check.at_least("min_sentences", 0)
        return check.problems


def count_sentences(text: str) -> int:
    return sum(1 for _ in matches_from_anchors(_SENTENCE_END, text, _SENTENCE_MARK, 0))


def c4_lines(view: TextView, config: C4Config) -> Union[str, Drop, None]:
    """None: the rules do not apply; a Drop; or the text with C4's lines removed."""
    found = c4_signals(view, config)
    if found is None:
        return None
    signals, text = found
    return c4_verdict(signals, config) or text


def c4_signals(view: TextView, config: C4Config) -> Optional[tuple]:
    """(signals, the text with C4's lines removed), or None where the rules do not apply.

    Every line is looked at, also after one that drops the page, so that each count is whole."""
    if view.lang not in config.languages:
        return None
    kept, first = [], {"c4_lorem_ipsum_line": None, "c4_curly_bracket_line": None}
    for number, line in enumerate(view.lines):
        lowered = line.lower()
        for name, found in (("c4_lorem_ipsum_line", "lorem ipsum" in lowered), ("c4_curly_bracket_line", "{" in line)):
            if found and first[name] is None:
                first[name] = number
        if _keep_line(line, lowered, config):
            kept.append(_CITATION.sub("", line) if config.remove_citations else line)
    text = "\n".join(kept)
    return {**first, "c4_lines_removed": len(view.lines) - len(kept), "c4_sentences": count_sentences(text)}, text


def c4_verdict(signals: dict, config: C4Config) -> Optional[Drop]:
    """The page rule of the first line that breaks one ("lorem ipsum" first on a line with both), as C4
    reads lines in order; the signals are those lines' numbers, None where no line breaks the rule."""
    lorem, curly = signals["c4_lorem_ipsum_line"], signals["c4_curly_bracket_line"]
    if lorem is not None and (curly is None or lorem <= curly):
        return Drop("c4_lorem_ipsum")
    if curly is not None:
        return Drop("c4_curly_bracket")
    if signals["c4_sentences"] < config.min_sentences:
        return Drop("c4_too_few_sentences", f"{signals['c4_sentences']} < {config.min_sentences}")
    return None


def _keep_line(line: str, lowered: str, config: C4Config) -> bool:
    if not line.endswith(TERMINAL_PUNCTUATION) or line.endswith(("...", "…")):
        return False
    words = line.split()
    if len(words) < config.min_words_per_line:
        return False
    if max(map(len, words), default=0) > config.max_word_length:
        return False
    return "javascript" not in lowered and not any(phrase in lowered for phrase in POLICY_PHRASES)
