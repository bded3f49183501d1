"""Check a tokenized output directory against its manifest: one line per problem.

A run that was stopped leaves no manifest (it is written last) or leftover
`.inprogress` files; both read as "incomplete", never as a valid dataset.
"""
from __future__ import annotations

import hashlib
import os

import numpy as np

from tokenization.manifest import (MANIFEST_FILE, PLANS_DIR, SHARD_COUNTS, TOKENIZER_PATH, TOKENS_DIR, file_entry,
                                   read_manifest)
from tokenization.shard_format import SHARD_SUFFIX, ShardError, open_shard, token_checksum



def validate_output(root: str) -> list:
    manifest_path = os.path.join(root, MANIFEST_FILE)
    problems = [f"incomplete: {path} is left from an interrupted write" for path in _leftovers(root)]
    if not os.path.exists(manifest_path):
        return problems + [f"incomplete: no {MANIFEST_FILE} in {root} (the run did not finish)"]
    try:
        manifest = read_manifest(root)
    except (OSError, ValueError) as error:
        return problems + [f"{MANIFEST_FILE}: unreadable ({error})"]
    listed = {shard["path"] for shard in manifest["shards"]}
    for entry in manifest["shards"]:
        problems += check_shard(os.path.join(root, TOKENS_DIR, entry["path"]), entry, manifest)
    problems += [f"{path}: shard on disk but not in the manifest" for path in _shards_on_disk(root) - listed]
    files = manifest.get("files")
    if not isinstance(files, list):     # a run always lists them: without the list nothing is checksummed
        problems.append(f"{MANIFEST_FILE}: no list of files, so no file's size or checksum can be checked")
        files = []
    for entry in files:
        problems += check_file(root, entry)
    named = {entry if isinstance(entry, str) else entry.get("path") for entry in files}
    problems += [f"{path}: plan on disk but not in the manifest's files" for path in _plans_on_disk(root) - named]
    problems += _check_totals(manifest)
    problems += _check_tokenizer(root, manifest)
    return problems


def check_file(root: str, entry: dict) -> list:
    """A file the manifest lists (documents, rejected, errors, stats ...) has its size and checksum.

    An older manifest lists bare paths: those are only checked to exist."""
    name = entry if isinstance(entry, str) else entry["path"]
    path = os.path.join(root, name)
    if not os.path.exists(path):
        return [f"{name}: listed in the manifest but missing"]
    if isinstance(entry, str):
        return []
    with open(path, "rb") as handle:
        found = file_entry(name, handle)
    if found["bytes"] != entry.get("bytes"):
        return [f"{name}: {found['bytes']} bytes, the manifest says {entry.get('bytes')} (truncated or altered)"]
    if found["xxh3_128"] != entry.get("xxh3_128"):
        return [f"{name}: checksum differs from the manifest's (altered)"]
    return []


def check_shard(path: str, entry: dict, manifest: dict) -> list:
    name = entry["path"]
    if not os.path.exists(path):
        return [f"{name}: missing shard"]
    try:
        shard = open_shard(path)
    except ShardError as error:
        return [f"{name}: truncated or corrupt file ({error})"]
    meta, problems = shard.metadata, []
    for key in ("seq_len", "token_dtype", "tokenizer_sha256", "vocab_size"):
        if meta.get(key) != manifest.get(key, (manifest.get("tokenizer") or {}).get(key)):
            problems.append(f"{name}: {key} {meta.get(key)!r} differs from the manifest's")
    if shard.tokens.shape[1:] != (manifest["seq_len"],):
        problems.append(f"{name}: rows are {shard.tokens.shape[1:]} tokens, not seq_len {manifest['seq_len']}")
    for key in SHARD_COUNTS:
        if not meta.get(key) == entry.get(key):
            problems.append(f"{name}: {key} is {meta.get(key)} in the shard and {entry.get(key)} in the manifest")
    if len(shard.tokens) != entry["rows"]:
        problems.append(f"{name}: holds {len(shard.tokens)} rows, the manifest says {entry['rows']}")
    checksum = token_checksum(shard.tokens)
    if checksum != meta.get("checksum") or checksum != entry.get("checksum"):
        problems.append(f"{name}: token checksum {checksum} does not match the recorded one")
    if len(shard.tokens) and int(shard.tokens.max()) >= manifest["vocab_size"]:
        problems.append(f"{name}: token id {int(shard.tokens.max())} >= vocab size {manifest['vocab_size']}")
    return problems + _check_doc_starts(name, shard, entry)


def _check_doc_starts(name: str, shard, entry: dict) -> list:
    values, offsets = shard.doc_start_values, shard.doc_start_offsets
    if len(offsets) != len(shard.tokens) + 1:
        return [f"{name}: doc_starts has {len(offsets) - 1} rows, tokens has {len(shard.tokens)}"]
    problems = []
    if len(values) and int(values.max()) >= shard.tokens.shape[1]:
        problems.append(f"{name}: a doc_starts offset is outside its row")
    rises = np.diff(values.astype(np.int64))
    same_row = np.diff(shard.doc_start_rows()) == 0
    if np.any(rises[same_row] <= 0):
        problems.append(f"{name}: doc_starts are not strictly increasing within a row")
    if len(values) != entry["documents"]:
        problems.append(f"{name}: {len(values)} document starts, the manifest says {entry['documents']}")
    return problems


def _check_totals(manifest: dict) -> list:
    problems = []
    for key in SHARD_COUNTS:
        total = sum(shard[key] for shard in manifest["shards"])
        if manifest["totals"].get(key) != total:
            problems.append(f"{MANIFEST_FILE}: total {key} is {manifest['totals'].get(key)}, "
                            f"the shards add up to {total}")
    for source, entry in manifest["sources"].items():
        for key in SHARD_COUNTS:
            total = sum(shard[key] for shard in manifest["shards"] if shard["source"] == source)
            if entry.get(key) != total:
                problems.append(f"{MANIFEST_FILE}: source {source} {key} is {entry.get(key)}, "
                                f"its shards add up to {total}")
    return problems


def _check_tokenizer(root: str, manifest: dict) -> list:
    tokenizer = manifest.get("tokenizer")
    if not tokenizer:
        return []
    path = os.path.join(root, TOKENIZER_PATH)
    if not os.path.exists(path):
        return [f"{TOKENIZER_PATH}: missing"]
    with open(path, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    return [] if digest == tokenizer["sha256"] else [f"{TOKENIZER_PATH}: sha256 differs from the manifest's"]


def _shards_on_disk(root: str) -> set:
    base = os.path.join(root, TOKENS_DIR)
    return {os.path.relpath(os.path.join(folder, name), base).replace(os.sep, "/")
            for folder, _, names in os.walk(base) for name in names if name.endswith(SHARD_SUFFIX)}


def _plans_on_disk(root: str) -> set:
    """Every plan is listed (the run's and those `tokenmill plan` writes): one that is not was put there
    by hand or left by a `tokenmill plan` killed before it listed it."""
    base = os.path.join(root, PLANS_DIR)
    names = os.listdir(base) if os.path.isdir(base) else []
    return {f"{PLANS_DIR}/{name}" for name in names if name.endswith(".json")}


def _leftovers(root: str) -> list:
    return sorted(os.path.relpath(os.path.join(folder, name), root)
                  for folder, _, names in os.walk(root) for name in names if name.endswith(".inprogress"))
