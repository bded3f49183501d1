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


def frame_flat(flat: np.ndarray, lengths: np.ndarray, framing: Framing) -> tuple:
    """(flat ids, length per document) of a batch -> the same with each document framed, in one pass."""
    head = 1 if framing.bos_id >= 0 else 0
    tail = 1 if framing.eos_id >= 0 else 0
    if not head and not tail:
        return flat, lengths
    framed_lengths = lengths + head + tail
    ends = np.cumsum(framed_lengths)
    out = np.empty(int(ends[-1]) if len(ends) else 0, dtype=np.uint32)
    body = np.ones(len(out), dtype=bool)
    if head:
        out[ends - framed_lengths] = framing.bos_id
        body[ends - framed_lengths] = False
    if tail:
        out[ends - 1] = framing.eos_id
        body[ends - 1] = False
    out[body] = flat
    return out, framed_lengths
