"""manifest.json: every shard, the tokenizer, totals per source and language, config, funnel.

Written last, so its presence means the run finished; `inspect validate`
checks that the shards agree with it.
"""
from __future__ import annotations

import importlib.metadata
import json
import os

import xxhash

MANIFEST_VERSION = "1"
# The layout of documents/ and rejected/ (corpus/parquet_rows.py): "1" stored meta and annotations as
# JSON strings, "2" as typed structs. Here, not in corpus/: a training node imports this module alone.
DOCUMENTS_FORMAT = "2"
# Where a run puts what this package reads back, relative to the output directory.
MANIFEST_FILE = "manifest.json"
TOKENS_DIR = "tokens"
PLANS_DIR = "plans"
TOKENIZER_DIR = "tokenizer"
TOKENIZER_PATH = f"{TOKENIZER_DIR}/tokenizer.model"
SHARD_COUNTS = ("rows", "tokens", "documents", "pad_tokens", "tail_tokens", "tail_documents")


def file_entry(path: str, stream) -> dict:
    """What the manifest records of one output file: its path, size and xxh3-128 checksum."""
    digest, size = xxhash.xxh3_128(), 0
    while True:
        chunk = stream.read(1 << 20)
        if not chunk:
            break
        digest.update(chunk)
        size += len(chunk)
    return {"path": path, "bytes": size, "xxh3_128": digest.hexdigest()}


def read_manifest(root: str) -> dict:
    with open(os.path.join(root, MANIFEST_FILE), encoding="utf-8") as handle:
        return json.load(handle)


def shards_by_source(manifest: dict) -> dict:
    """source -> its shard entries in index order (the order of their zero-padded names): shard 0, 1, ...
    concatenated are the source's documents."""
    shards: dict = {}
    for shard in sorted(manifest["shards"], key=lambda entry: entry["path"]):
        shards.setdefault(shard["source"], []).append(shard)
    return shards


def build_manifest(shards: list, tokenizer: dict | None, layout: dict, languages: list,
                   config: dict, config_hash: str, funnel: dict) -> dict:
    """`layout`: seq_len, token_dtype, tail, framing ids. `languages`: (source, lang, docs, bytes, tokens)."""
    shards = sorted(shards, key=lambda shard: shard["path"])
    return {
        "manifest_version": MANIFEST_VERSION,
        "documents_format": DOCUMENTS_FORMAT,
        **layout,
        "tokenizer": tokenizer,
        "shards": shards,
        "sources": _totals_by_source(shards, languages),
        "totals": {key: sum(shard[key] for shard in shards) for key in SHARD_COUNTS}
        | {"shards": len(shards)},
        "config": config,
        "config_hash": config_hash,
        "funnel": funnel,
        "tokenmill_version": tokenmill_version(),
    }


def tokenmill_version() -> str:
    try:
        return importlib.metadata.version("tokenmill")
    except importlib.metadata.PackageNotFoundError:     # run from a source tree that was never installed
        return "unknown"


def _totals_by_source(shards: list, languages: list) -> dict:
    sources: dict = {}
    for shard in shards:
        entry = sources.setdefault(shard["source"], {key: 0 for key in SHARD_COUNTS} | {"shards": 0})
        entry["shards"] += 1
        for key in SHARD_COUNTS:
            entry[key] += shard[key]
    for source, lang, docs, text_bytes, tokens in sorted(languages):
        entry = sources.setdefault(source, {key: 0 for key in SHARD_COUNTS} | {"shards": 0})
        entry.setdefault("languages", {})[lang] = {"documents": docs, "text_bytes": text_bytes,
                                                   "tokens_encoded": tokens}
        entry["text_bytes"] = entry.get("text_bytes", 0) + text_bytes
        entry["tokens_encoded"] = entry.get("tokens_encoded", 0) + tokens
    return sources
