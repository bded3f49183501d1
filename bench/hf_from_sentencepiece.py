"""A Hugging Face `tokenizers` BPE built from a SentencePiece BPE model, for datatrove's DocumentTokenizer.

datatrove tokenizes with HF tokenizers, so a side-by-side needs the same
vocabulary there. Merges are recovered from the SentencePiece vocabulary: a
piece that splits into two pieces is a merge, ranked by the piece's score.
On Llama 2's model it gives the same ids as SentencePiece on the texts checked
(`python bench/hf_from_sentencepiece.py MODEL` prints the agreement).
"""
from __future__ import annotations

import os
import sys

import sentencepiece as spm
from tokenizers import Tokenizer, decoders, models, normalizers

# The 32k SentencePiece BPE model the tokenization benchmarks use on both sides.
LLAMA2 = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "tokenizers",
                                      "llama2_c", "tokenizer.model"))


def hf_tokenizer(model_path: str) -> Tokenizer:
    processor = spm.SentencePieceProcessor(model_file=model_path)
    vocab = {processor.id_to_piece(i): i for i in range(processor.vocab_size())}
    ranked = []
    for piece, index in vocab.items():
        if processor.is_control(index) or processor.is_unknown(index) or processor.is_byte(index):
            continue
        for cut in range(1, len(piece)):
            left, right = piece[:cut], piece[cut:]
            if left in vocab and right in vocab:
                ranked.append((-processor.get_score(index), vocab[left], vocab[right], left, right))
    merges = [(left, right) for *_, left, right in sorted(ranked)]
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=merges, byte_fallback=True, fuse_unk=True,
                                     unk_token=processor.id_to_piece(processor.unk_id())))
    # Llama 2 style: a dummy prefix, spaces as "▁".
    tokenizer.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    tokenizer.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
                                           decoders.Strip(" ", 1, 0)])
    return tokenizer


def agreement(model_path: str, texts: list) -> float:
    processor = spm.SentencePieceProcessor(model_file=model_path)
    tokenizer = hf_tokenizer(model_path)
    same = sum(tokenizer.encode(text).ids == processor.encode(text) for text in texts)
    return same / max(len(texts), 1)


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from real_corpus import real_text_rows
    rows = real_text_rows(1)
    print(f"same ids on {agreement(sys.argv[1], [r['text'] for r in rows]):.1%} of {len(rows)} real documents")
