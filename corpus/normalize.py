"""Unicode NFC, no control characters, tidy whitespace, and length bounds."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Union

from corpus.document import Document, Drop
from tokenmill.option_checks import OptionChecks

# Control characters (Unicode category Cc is U+0000-001F and U+007F-009F) that
# str.splitlines() and str.split() do not already treat as line breaks or spaces.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]+")


@dataclass(frozen=True)
class NormalizeConfig:
    enabled: bool = True
    min_chars: int = 50
    max_chars: int = 1_000_000

    def problems(self, where: str = "normalize") -> list:
        check = OptionChecks(self, where)
        check.at_least("min_chars", 0)
        check.at_least("max_chars", max(1, self.min_chars))
        return check.problems


def normalize_text(text: str) -> str:
    """NFC; every line break to "\\n"; control characters removed; each line's
    whitespace collapsed to single spaces and trimmed; at most one blank line
    between paragraphs.

    Built on str.splitlines/split/join, which run in C: one regex pass per
    rule ran at under 10 MB/s of text, this at several times that.
    """
    return text if already_normal(text) else normalized(text)


def normalized(text: str) -> str:
    """normalize_text's result, worked out line by line (what already_normal spares a normal text)."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    lines, blank_before, removed = [], False, False
    for line in text.splitlines():
        if not line.isprintable():
            line, count = _CONTROLS.subn("", line)
            removed = removed or count > 0
        line = " ".join(line.split())
        if not line:
            blank_before = True
            continue
        if blank_before and lines:
            lines.append("")
        lines.append(line)
        blank_before = False
    result = "\n".join(lines)
    # a removed control can leave a combining mark beside the letter it belongs to ("a\x00\u0301")
    return unicodedata.normalize("NFC", result) if removed else result


def already_normal(text: str) -> bool:
    """True only for a text normalize_text leaves as it is (the text of many inputs already is), checked in C
    at about half the cost of normalising it. Besides "\n", every character is printable: no control
    character, no whitespace but the space, and so no line break splitlines would see but "\n". Then
    each line is its words joined by single spaces, and blank lines stand alone between paragraphs. A
    text this refuses may still be normal (a zero-width space is not printable): normalize_text decides."""
    return ("  " not in text and " \n" not in text and "\n " not in text and "\n\n\n" not in text
            and not text.startswith((" ", "\n")) and not text.endswith((" ", "\n"))
            and unicodedata.is_normalized("NFC", text) and text.replace("\n", "").isprintable())


class Normalizer:
    def __init__(self, config: NormalizeConfig):
        self.config = config

    def __call__(self, doc: Document) -> Union[Document, Drop]:
        # Measure the raw length first: normalising 50 MB only to drop it wastes a core.
        if len(doc.text) > 4 * self.config.max_chars:
            return Drop("too_long", f"{len(doc.text)} chars before normalisation")
        text = normalize_text(doc.text)
        if len(text) < self.config.min_chars:
            return Drop("too_short", f"{len(text)} chars")
        if len(text) > self.config.max_chars:
            return Drop("too_long", f"{len(text)} chars")
        doc.text = text
        return doc
