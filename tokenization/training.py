"""Train a SentencePiece model on a deterministic sample of the curated text, Gemma-style.

Gemma's settings: BPE, byte fallback (no unknown tokens), digits split one by
one, whitespace kept exactly (no dummy prefix, no collapsing) and the
`identity` normaliser, so decoding gives back the text byte for byte.
Training is deterministic for a fixed thread count only (measured: 1 and 2
threads give different models), so the thread count is part of the config.
"""
from __future__ import annotations

import bisect
import io
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate
from typing import Iterable

import sentencepiece as spm
import xxhash

from tokenization.sentencepiece_model import TokenizerError
from tokenmill.usage import FoundInTheRun


class VocabularyTooSmall(TokenizerError, FoundInTheRun):
    """tokenize.vocab_size cannot cover the kept text's characters: known only once the filters have run."""

# Gemma's special ids.
PAD_ID, EOS_ID, BOS_ID, UNK_ID = 0, 1, 2, 3
MAX_VOCAB = 256_000
# SentencePiece skips longer sentences; lines are fed one by one, long ones cut.
_MAX_LINE_BYTES = 1 << 16


@dataclass(frozen=True)
class TrainingSettings:
    vocab_size: int = 32_000
    threads: int = 4
    character_coverage: float = 0.9999
    sample_bytes: int = 20_000_000


def sample_key(doc_id: str) -> int:
    """Documents with the smallest keys form the sample: no runner or bundle order can change it."""
    return xxhash.xxh3_64_intdigest(doc_id.encode("utf-8", "surrogatepass"))


def take_sample(keyed_texts: Iterable, sample_bytes: int) -> list:
    """(key, id, text) items -> the smallest-key items whose texts fit `sample_bytes`, in key order.

    The cut is a prefix of the key order, so applying it to part of the data
    first and to the union later gives the same result (what a Beam combiner needs).
    """
    chosen, used = [], 0
    for item in sorted(keyed_texts, key=lambda item: (item[0], item[1])):
        size = len(item[2].encode("utf-8", "surrogatepass"))
        if used + size > sample_bytes:
            break
        chosen.append(item)
        used += size
    return chosen


def sample_prefix(texts: list, sample_bytes: int) -> list:
    """The first texts of a sample that fit `sample_bytes`: by take_sample's rule, the smaller sample itself."""
    chosen, used = [], 0
    for text in texts:
        used += len(text.encode("utf-8", "surrogatepass"))
        if used > sample_bytes:
            break
        chosen.append(text)
    return chosen


def _training_lines(texts: Iterable[str]):
    for text in texts:
        for line in text.split("\n"):
            while line:
                yield line[:_MAX_LINE_BYTES // 4]
                line = line[_MAX_LINE_BYTES // 4:]


# Pieces every model holds besides characters and merges: 256 bytes, 4 specials, "\n".
_META_PIECES = 256 + 4 + 1
_MIN_COVERAGE = 0.98


def character_coverage_for(lines: list, settings: TrainingSettings) -> float:
    """The configured coverage, lowered when its characters alone would not fit the vocabulary.

    Multilingual text needs thousands of characters for 0.9999 coverage;
    SentencePiece then refuses a small vocabulary. Byte fallback encodes the
    rarest characters anyway, so keep at most half the free vocabulary for
    characters and leave the rest to merges.
    """
    counts = Counter()
    for line in lines:
        counts.update(line)
    frequencies = sorted(counts.values(), reverse=True)
    allowed = max(1, (settings.vocab_size - _META_PIECES) // 2)
    total = sum(frequencies)
    needed = bisect.bisect_left(list(accumulate(frequencies)), settings.character_coverage * total) + 1
    if needed <= allowed or not total:
        return settings.character_coverage
    coverage = sum(frequencies[:allowed - 1]) / total
    if coverage < _MIN_COVERAGE:     # SentencePiece's floor
        fits = bisect.bisect_left(list(accumulate(frequencies)), _MIN_COVERAGE * total) + 1
        raise VocabularyTooSmall(f"tokenize.vocab_size {settings.vocab_size:,} is too small for this text: "
                             f"{fits:,} characters cover 98% of it; use at least {2 * fits + _META_PIECES:,}")
    return coverage


def train_model(texts: Iterable[str], settings: TrainingSettings) -> bytes:
    """The serialized model. A sample too small for the vocabulary gives a smaller one."""
    if not 300 <= settings.vocab_size <= MAX_VOCAB:
        raise TokenizerError(f"tokenize.vocab_size must be between 300 and {MAX_VOCAB:,}, "
                             f"got {settings.vocab_size}")
    lines = list(_training_lines(texts))
    if not lines:
        raise TokenizerError("no text to train a tokenizer on (no document survived the filters)")
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=model, model_type="bpe",
        vocab_size=settings.vocab_size, hard_vocab_limit=False,
        byte_fallback=True, split_digits=True, allow_whitespace_only_pieces=True,
        remove_extra_whitespaces=False, add_dummy_prefix=False, normalization_rule_name="identity",
        user_defined_symbols=["\n"], character_coverage=character_coverage_for(lines, settings),
        pad_id=PAD_ID, eos_id=EOS_ID, bos_id=BOS_ID, unk_id=UNK_ID,
        max_sentence_length=_MAX_LINE_BYTES, num_threads=settings.threads, minloglevel=2)
    return model.getvalue()
