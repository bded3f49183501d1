"""Unicode NFC, no control characters, tidy whitespace, and length bounds."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Union

from corpus.document import Document, Drop

_KEEP = {"\n", "\t"}
# Control characters (Unicode category Cc is exactly U+0000-001F and U+007F-009F)
# except newline and tab, mapped to nothing.
_CONTROL_TABLE = {cp: None for cp in [*range(0x20), *range(0x7F, 0xA0)] if chr(cp) not in _KEEP}
_CONTROL_TABLE.update({ord("\r"): "\n", 0x2028: "\n", 0x2029: "\n", 0x85: "\n", ord("\t"): " "})
_SPACES = re.compile(r"[^\S\n]+")          # whitespace other than newline
_SPACE_AROUND_NEWLINE = re.compile(r" ?\n ?")
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class NormalizeConfig:
    min_chars: int = 50
    max_chars: int = 1_000_000


def normalize_text(text: str) -> str:
    """NFC; "\\r\\n", "\\r" and Unicode line separators to "\\n"; other controls removed;
    runs of spaces collapsed; at most one blank line between paragraphs."""
    text = text.replace("\r\n", "\n").translate(_CONTROL_TABLE)
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text)
    text = _SPACE_AROUND_NEWLINE.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


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
