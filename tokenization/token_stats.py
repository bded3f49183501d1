"""Corpus statistics read back from the shards: token frequencies and document lengths."""
from __future__ import annotations

import os

import numpy as np

from tokenization.manifest import TOKENS_DIR
from tokenization.shard_format import open_shard


def document_lengths(shard) -> np.ndarray:
    """Tokens of each document that begins in the shard (up to the next start or the shard's end)."""
    seq_len = shard.tokens.shape[1]
    starts = shard.doc_start_rows().astype(np.int64) * seq_len + shard.doc_start_values
    ends = np.append(starts[1:], shard.tokens.size)
    return ends - starts


def corpus_stats(root: str, manifest: dict, top_k: int = 20) -> dict:
    counts = np.zeros(max(manifest.get("vocab_size", 0), 1), dtype=np.int64)
    lengths = []
    for entry in manifest["shards"]:
        shard = open_shard(os.path.join(root, TOKENS_DIR, entry["path"]))
        if len(shard.tokens):
            counts += np.bincount(shard.tokens.reshape(-1), minlength=len(counts))[:len(counts)]
            lengths.append(document_lengths(shard))
    lengths = np.concatenate(lengths) if lengths else np.zeros(0, np.int64)
    top = np.argsort(-counts, kind="stable")[:top_k]
    return {
        "tokens": int(counts.sum()),
        "distinct_tokens": int(np.count_nonzero(counts)),
        "top_tokens": [{"id": int(token), "count": int(counts[token])} for token in top if counts[token]],
        "documents": int(len(lengths)),
        "tokens_per_document": _summary(lengths),
        "histogram": _log_histogram(lengths),
    }


def _summary(lengths: np.ndarray) -> dict:
    if not len(lengths):
        return {}
    quantiles = np.percentile(lengths, [50, 90, 99])
    return {"mean": round(float(lengths.mean()), 1), "median": float(quantiles[0]),
            "p90": float(quantiles[1]), "p99": float(quantiles[2]), "max": int(lengths.max())}


def _log_histogram(lengths: np.ndarray) -> list:
    """Powers-of-two bins: [1, 2), [2, 4), ... as (low, high, documents)."""
    if not len(lengths):
        return []
    edges = 2 ** np.arange(0, int(np.log2(max(lengths.max(), 1))) + 2)
    counts, _ = np.histogram(lengths, bins=edges)
    return [[int(low), int(high), int(count)] for low, high, count in zip(edges[:-1], edges[1:], counts)]


def plot_stats(stats: dict, pieces: list, path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    top = stats["top_tokens"]
    left.barh([pieces[t["id"]] if pieces else str(t["id"]) for t in top][::-1],
              [t["count"] for t in top][::-1], color="#4c72b0")
    left.set_title("most frequent tokens")
    bins = stats["histogram"]
    right.bar([f"{low}" for low, _, _ in bins], [count for *_, count in bins], color="#55a868")
    right.set_title("tokens per document (bins from 2^k)")
    right.tick_params(axis="x", rotation=60)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
