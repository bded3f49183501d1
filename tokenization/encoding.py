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
    """One uint32 array per text, framed. Numpy output skips building a Python list per document."""
    head = 1 if framing.bos_id >= 0 else 0
    tail = 1 if framing.eos_id >= 0 else 0
    framed = []
    for ids in processor.encode_as_numpy(list(texts), num_threads=1):   # Beam spreads work over cores
        out = np.empty(len(ids) + head + tail, dtype=np.uint32)
        out[head:len(out) - tail] = ids
        if head:
            out[0] = framing.bos_id
        if tail:
            out[-1] = framing.eos_id
        framed.append(out)
    return framed


def decode_ids(processor: spm.SentencePieceProcessor, ids, framing: Framing) -> str:
    """Text of one document's ids, with its framing ids removed."""
    ids = [int(token) for token in ids]
    if ids and framing.bos_id >= 0 and ids[0] == framing.bos_id:
        ids = ids[1:]
    if ids and framing.eos_id >= 0 and ids[-1] == framing.eos_id:
        ids = ids[:-1]
    return processor.decode(ids)
