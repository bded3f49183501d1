"""The units that flow through a run: raw pages, documents, drops and errors."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Optional

import xxhash


def stable_id(source: str, name: str, position: int) -> str:
    """An id derived only from where the record is, never from arrival order or from its content.

    `name` is the file's path below the root of its input pattern (the same
    under any spelling of the pattern), `position` the record's offset (archives),
    line (JSONL) or row (Parquet): unique within a source by construction. 80 bits
    of xxh3-128 keep collisions out of reach for tens of billions of documents
    while staying short enough to read.
    """
    locator = f"{source}\x00{name}\x00{position}"
    digest = xxhash.xxh3_128_hexdigest(locator.encode("utf-8", "surrogatepass"))
    return f"{source}/{digest[:20]}"


def text_bytes(text: str) -> int:
    """The text's length in UTF-8, a lone surrogate as three bytes: an ASCII text's is its length, which
    str.isascii tells without a pass over the text (the stages count every kept text's bytes)."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


class TextSizes:
    """text_bytes of the texts met since the last clear, each text measured once: the stages that see one
    batch in turn keep most texts as they are, and a filter's kept text is the very str it was given. A
    text is known by its identity and held here until the clear, so its id cannot be another text's."""

    def __init__(self):
        self._sizes: dict = {}

    def clear(self) -> None:
        self._sizes = {}

    def __len__(self) -> int:
        """How many texts it holds."""
        return len(self._sizes)

    def of(self, text: str) -> int:
        if text.isascii():              # its length, known without a pass: nothing to remember
            return len(text)
        found = self._sizes.get(id(text))
        if found is not None and found[0] is text:
            return found[1]
        size = text_bytes(text)
        self._sizes[id(text)] = (text, size)
        return size


@dataclass
class Document:
    id: str
    text: str
    source: str
    url: Optional[str] = None
    meta: dict = field(default_factory=dict)
    annotations: dict = field(default_factory=dict)


@dataclass
class RawPage:
    """An archive record before extraction: the HTTP payload and what describes it."""
    id: str
    source: str
    url: Optional[str]
    body: bytes
    content_type: str
    charset: Optional[str]
    meta: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Drop:
    """What a stage returns instead of a document when it removes it."""
    reason: str
    detail: str = ""


@dataclass
class Rejected:
    """One row of rejected/: a document a stage removed on purpose, whole, as it entered that stage."""
    id: str
    url: Optional[str]
    source: str
    stage: str
    reason: str
    text: str                   # the whole text, or its first characters with write.rejected_text=excerpt
    detail: str = ""
    text_chars: int = 0         # characters of the whole text, whether or not `text` is cut
    annotations: dict = field(default_factory=dict)   # what the stages found, the dropping one included


@dataclass
class ErrorRecord:
    """One row of errors/: an input that could not be read or processed."""
    source: str
    location: str
    stage: str
    error_type: str
    message: str


REJECTED_TEXT_MODES = ("whole", "excerpt")


def rejected_row(item: Any, stage: str, drop: Drop, annotations: dict | None = None) -> Rejected:
    """Describe a dropped Document or RawPage for rejected/ (a raw page has no text yet).

    `annotations`: what the dropping stage found (default: the item's own), so that a row says which
    values crossed which threshold."""
    text = item.text if isinstance(item, Document) else ""
    return Rejected(
        id=item.id, url=item.url, source=item.source, stage=stage, reason=drop.reason, text=text,
        detail=drop.detail, text_chars=len(text),
        annotations=dict(getattr(item, "annotations", {}) if annotations is None else annotations))


def cut_rejected_text(rejected: Rejected, chars: int) -> Rejected:
    """write.rejected_text=excerpt: keep the first `chars` characters (text_chars still says how many there were)."""
    if len(rejected.text) <= chars:
        return rejected
    return dataclasses.replace(rejected, text=rejected.text[:chars])
