"""The pieces of a text every quality rule needs, computed once per document."""
from __future__ import annotations

from functools import cached_property

# Languages written without spaces between words: word-level rules mean nothing there.
NO_SPACE_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo", "dz", "wuu", "yue"})
TERMINAL_PUNCTUATION = (".", "!", "?", '"', "'", "”", "’", "。", "！", "？", "…", "؟", "।", "॥")
BULLETS = ("•", "●", "○", "■", "□", "▪", "▫", "–", "-", "*", "·", "‣", "⁃", "◦", "➢", "→")
ELLIPSES = ("...", "…")


class TextView:
    """Lines, paragraphs and words of one document, each computed when first used."""

    def __init__(self, text: str, lang: str | None = None):
        self.text = text
        self.lang = lang

    @property
    def spaced(self) -> bool:
        return self.lang not in NO_SPACE_LANGUAGES

    @cached_property
    def lines(self) -> list:
        return [line for line in (raw.strip() for raw in self.text.split("\n")) if line]

    @cached_property
    def paragraphs(self) -> list:
        return [p for p in (raw.strip() for raw in self.text.split("\n\n")) if p]

    @cached_property
    def words(self) -> list:
        """Whitespace tokens, as Gopher counts them."""
        return self.text.split()

    @cached_property
    def lower_words(self) -> list:
        return self.text.lower().split()

    @cached_property
    def word_chars(self) -> int:
        return len("".join(self.words))
