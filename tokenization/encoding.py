"""Documents to token ids: `[bos] tokens [eos]` as uint32 arrays."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sentencepiece as spm


@dataclass(frozen=True)
class Framing:
    """Which special ids surround each document; -1 means none."""
    bos_id: int = -1
    eos_id: int = -1


def encode_texts(processor: spm.SentencePieceProcessor, texts: list, framing: Framing) -> list:
    """One uint32 array per text. A list call: SentencePiece encodes it without per-call overhead."""
    prefix = [framing.bos_id] if framing.bos_id >= 0 else []
    suffix = [framing.eos_id] if framing.eos_id >= 0 else []
    return [np.array(prefix + ids + suffix, dtype=np.uint32)
            for ids in processor.encode(list(texts), num_threads=1)]


def decode_ids(processor: spm.SentencePieceProcessor, ids, framing: Framing) -> str:
    """Text of one document's ids, with its framing ids removed."""
    ids = [int(token) for token in ids]
    if ids and framing.bos_id >= 0 and ids[0] == framing.bos_id:
        ids = ids[1:]
    if ids and framing.eos_id >= 0 and ids[-1] == framing.eos_id:
        ids = ids[:-1]
    return processor.decode(ids)
