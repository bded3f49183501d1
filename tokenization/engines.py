"""Encoding engines for a SentencePiece model: SentencePiece itself, or kitoken where it gives the same ids.

An engine turns a batch of texts into one flat uint32 array of ids and the
number of ids of each text. SentencePiece is the reference. kitoken (PyPI,
Rust) reads the same `.model` file and, on the BPE models measured (Llama 2,
Mistral v1 and v2, and models trained the Gemma way), gives exactly
SentencePiece's ids 1.7-2.8x faster on one core (bench/tokenizer_engine.py).
It is not trusted blindly: `choose_engine` compares both on a sample of the
run's own text and on fixed probes, and any difference, or a model kitoken
cannot load, means SentencePiece, with a note saying why.

gigatoken was measured too and is not offered: it reads control pieces such as
"<s>" written in the text as the control token, where SentencePiece encodes
the characters, and it loads BPE models only (docs/tokenization.md).
"""
from __future__ import annotations

import array
from dataclasses import dataclass

import numpy as np

from tokenization.sentencepiece_model import processor_from_bytes

SENTENCEPIECE, KITOKEN, AUTO = "sentencepiece", "kitoken", "auto"
KITOKEN_SLICE_CHARS = 64_000
assert array.array("I").itemsize == 4 and array.array("q").itemsize == 8, "uint32 and int64 arrays"
ENGINES = (AUTO, SENTENCEPIECE, KITOKEN)

# Besides the run's own text: what a re-implementation of SentencePiece most often gets wrong.
PROBES = ("", " ", "   ", " lead", "trail ", "a  b", "\t\ttab", "\n", "\n\n x\n", "\r\n", "1234567890",
          "12 345 6.789", "<s></s><unk><pad><bos><eos>", "\u2581 \u2581\u2581", "ｆｕｌｌ １２３ ①", "e\u0301 ß",
          "\u200b\u00a0\u3000\ufeff", "\x00\x7f", "🙂👍🏽 漢字 日本語 한국어 العربية", "a" * 3000, " " * 300,
          "\U0010ffff\ue000 𝔘𝔫𝔦",
          # PII's placeholders: the check samples the text before the PII stage writes them
          "mail <EMAIL_ADDRESS>, call <PHONE_NUMBER> or <PERSON> at <IP_ADDRESS>")


class _SentencePieceEncoder:
    def __init__(self, model: bytes):
        self._processor = processor_from_bytes(model)

    def encode(self, texts: list) -> tuple:
        arrays = self._processor.encode_as_numpy(texts, num_threads=1)   # Beam spreads work over cores
        return _flatten_arrays(arrays)


class _KitokenEncoder:
    def __init__(self, model: bytes):
        from kitoken import Kitoken
        self._encoder = Kitoken.from_sentencepiece(model)

    def encode(self, texts: list) -> tuple:
        """kitoken returns a Python list of ints per text: about 40 bytes per id while they live, so the
        batch goes in slices of KITOKEN_SLICE_CHARS, each copied into one uint32 buffer at once."""
        ids, lengths = array.array("I"), array.array("q")
        for part in _slices(texts, KITOKEN_SLICE_CHARS):
            lists = self._encoder.encode_all(part, False)   # False: "<s>" in the text is text, as in SentencePiece
            lengths.extend(map(len, lists))
            for one in lists:
                ids.extend(one)
        return np.frombuffer(ids, np.uint32), np.frombuffer(lengths, np.int64)


def _slices(texts: list, chars: int):
    """Consecutive runs of `texts` of at least `chars` characters each (the last may be shorter)."""
    start = size = 0
    for end, text in enumerate(texts, 1):
        size += len(text)
        if size >= chars:
            yield texts[start:end]
            start, size = end, 0
    if start < len(texts):
        yield texts[start:]


_ENCODERS = {SENTENCEPIECE: _SentencePieceEncoder, KITOKEN: _KitokenEncoder}


def _flatten_arrays(arrays: list) -> tuple:
    lengths = np.fromiter(map(len, arrays), dtype=np.int64, count=len(arrays))
    flat = np.concatenate(arrays).astype(np.uint32, copy=False) if arrays else np.zeros(0, np.uint32)
    return flat, lengths


def make_encoder(name: str, model: bytes):
    """An object whose `encode(texts)` gives (flat uint32 ids, int64 length per text)."""
    return _ENCODERS[name](model)


_LOADED: list = []     # [(model bytes, engine name, encoder)]: the one encoder this process uses


def cached_encoder(model: bytes, name: str):
    """One encoder per model and engine per process: workers load the model once, not per batch.

    Checked by identity first (a side input hands the same object to every call).
    """
    if _LOADED and _LOADED[0][1] == name and (_LOADED[0][0] is model or _LOADED[0][0] == model):
        return _LOADED[0][2]
    _LOADED[:] = [(model, name, make_encoder(name, model))]
    return _LOADED[0][2]


@dataclass(frozen=True)
class EngineChoice:
    engine: str          # the engine that encodes the run
    requested: str
    note: str = ""       # why another engine than the one requested, or "" when it is the requested one

    def to_dict(self) -> dict:
        return {"used": self.engine, "requested": self.requested, "note": self.note}


def kitoken_installed() -> bool:
    try:
        import kitoken  # noqa: F401
    except ImportError:
        return False
    return True


def needs_check(requested: str) -> bool:
    """Whether the run must compare an engine with SentencePiece on its own text first."""
    return requested == KITOKEN or (requested == AUTO and kitoken_installed())


def choose_engine(requested: str, model: bytes, sample: list) -> EngineChoice:
    """The engine for the run: the faster one only where it gives SentencePiece's ids on every text of
    `sample` (the run's own) and every probe; SentencePiece otherwise, with a note saying why."""
    if not needs_check(requested):
        note = "kitoken is not installed" if requested == AUTO else ""
        return EngineChoice(SENTENCEPIECE, requested, note)
    texts = [*PROBES, *sample]
    try:
        candidate = cached_encoder(model, KITOKEN).encode(texts)    # the encoder the run then uses
    except Exception as error:      # any failure of the candidate means the reference engine
        return EngineChoice(SENTENCEPIECE, requested, f"kitoken failed on this model: {type(error).__name__}: "
                                                      f"{str(error).splitlines()[0][:160] if str(error) else ''}")
    reference = make_encoder(SENTENCEPIECE, model).encode(texts)
    differs = first_difference(texts, reference, candidate)
    if differs is not None:
        return EngineChoice(SENTENCEPIECE, requested, f"kitoken's ids differ from SentencePiece's on {differs}")
    return EngineChoice(KITOKEN, requested)


def first_difference(texts: list, reference: tuple, candidate: tuple) -> str | None:
    """Where two engines' (flat, lengths) first disagree, in words; None when they agree on every text."""
    if np.array_equal(reference[1], candidate[1]) and np.array_equal(reference[0], candidate[0]):
        return None
    ends_a, ends_b = np.cumsum(reference[1]), np.cumsum(candidate[1])
    for index, text in enumerate(texts):
        a = reference[0][ends_a[index] - reference[1][index]:ends_a[index]]
        b = candidate[0][ends_b[index] - candidate[1][index]:ends_b[index]]
        if not np.array_equal(a, b):
            return f"text {index} of the check ({text[:40]!r}): {a[:8].tolist()} vs {b[:8].tolist()}"
    return "the total number of ids"
