"""A small on-disk cache of derived data, keyed by everything the data is computed from.

For results that take seconds to derive in every process and are the same
for the same inputs (numba caches its machine code the same way). The key is
a sha256 of the inputs, so a stale entry is never read; any failure to read
or write (a read-only home, a corrupt file) means computing again, never an
error. The folder is $TOKENMILL_CACHE_DIR, else $XDG_CACHE_HOME/tokenmill,
else ~/.cache/tokenmill.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile


def cache_dir() -> str:
    if os.environ.get("TOKENMILL_CACHE_DIR"):
        return os.environ["TOKENMILL_CACHE_DIR"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "tokenmill")


def cache_key(*inputs) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def cached_json(kind: str, key: str, compute):
    """`compute()`'s JSON-able result, read from the cache when an entry for `key` exists."""
    path = os.path.join(cache_dir(), kind, f"{key}.json")
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)["value"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    value = compute()
    _write(path, value)
    return value


def _write(path: str, value) -> None:
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"value": value}, out, ensure_ascii=False)
        os.replace(temporary, path)          # atomic: a reader sees the whole entry or none
    except OSError:
        pass
