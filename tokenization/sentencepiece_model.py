"""A SentencePiece model carried as bytes: checked and described (tokenization/engines.py loads it).

Bytes rather than a path, so that a model read on the launching machine or
trained inside the pipeline reaches every worker the same way, and so that its
sha256 names exactly what encoded the shards.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass

import sentencepiece as spm

from tokenmill.usage import UsageError

# Text that a normalising model would change: double and leading spaces, tabs,
# newlines, full-width letters, a circled digit, a combining accent.
_ROUND_TRIP_PROBE = " lead  double\ttab\nline ｆｕｌｌ ① e\u0301 ß"


class TokenizerError(UsageError):
    """The tokenizer file is missing or is not a SentencePiece model."""


@dataclass(frozen=True)
class TokenizerInfo:
    sha256: str
    vocab_size: int
    bos_id: int
    eos_id: int
    pad_id: int          # -1 when the model defines none
    unk_id: int
    lossless: bool       # decode(encode(text)) == text for text a normalising model would change

    def to_dict(self) -> dict:
        return asdict(self)


def processor_from_bytes(model: bytes, where: str = "tokenizer") -> spm.SentencePieceProcessor:
    try:
        return spm.SentencePieceProcessor(model_proto=model)
    except (RuntimeError, TypeError):
        raise TokenizerError(f"{where} is not a SentencePiece model") from None


def describe(model: bytes, where: str = "tokenizer") -> TokenizerInfo:
    processor = processor_from_bytes(model, where)
    return TokenizerInfo(
        sha256=hashlib.sha256(model).hexdigest(),
        vocab_size=processor.vocab_size(),
        bos_id=processor.bos_id(), eos_id=processor.eos_id(),
        pad_id=processor.pad_id(), unk_id=processor.unk_id(),
        lossless=processor.decode(processor.encode(_ROUND_TRIP_PROBE)) == _ROUND_TRIP_PROBE)
