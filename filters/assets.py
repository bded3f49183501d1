"""`tokenmill assets fetch`: download the public block and word lists, pinned by checksum.

The lists (LDNOOBW word lists, UT1 blocklists for a few categories, datatrove's
URL word lists) are fetched at fixed commits and each file's sha256 must match
`assets_manifest.json`, so a list that changed upstream is refused rather than
used silently. Files are written under a temporary name and renamed, so a
half-finished download never looks complete. Where the network does not allow
it, the command says so and exits non-zero; the pipeline never downloads.
"""
from __future__ import annotations

import hashlib
import json
import os
import urllib.error
import urllib.request

MANIFEST = os.path.join(os.path.dirname(__file__), "assets_manifest.json")
DEFAULT_CACHE = os.path.join(os.path.expanduser("~"), ".cache", "tokenmill", "assets")
UPSTREAM = "https://raw.githubusercontent.com/"
TIMEOUT_SECONDS = 30


class AssetError(RuntimeError):
    pass


def manifest() -> list:
    with open(MANIFEST, encoding="utf-8") as handle:
        return json.load(handle)["files"]


def fetch(destination: str = DEFAULT_CACHE, mirror: str = "") -> list:
    """Download every file not already present with the right checksum; return their paths.

    `mirror` replaces the upstream host (an internal mirror of the same paths);
    the checksums still apply.
    """
    paths = []
    for entry in manifest():
        path = os.path.join(destination, entry["path"])
        if not _has_checksum(path, entry["sha256"]):
            url = entry["url"].replace(UPSTREAM, mirror.rstrip("/") + "/") if mirror else entry["url"]
            _download(url, entry["sha256"], path)
        paths.append(path)
    return paths


def config_lines(destination: str = DEFAULT_CACHE) -> list:
    """The config settings that use the fetched lists."""
    return [f"url_filter.lists=['{os.path.join(destination, 'ut1')}']",
            f"url_filter.banned_words={os.path.join(destination, 'datatrove', 'banned_words.txt')}",
            f"url_filter.soft_banned_words={os.path.join(destination, 'datatrove', 'soft_banned_words.txt')}",
            f"url_filter.banned_subwords={os.path.join(destination, 'datatrove', 'banned_subwords.txt')}",
            f"unsafe_words.lists={os.path.join(destination, 'ldnoobw')}"]


def _has_checksum(path: str, sha256: str) -> bool:
    if not os.path.exists(path):
        return False
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest() == sha256


def _download(url: str, sha256: str, path: str) -> None:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            data = response.read()
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise AssetError(f"cannot download {url}: {reason}") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        raise AssetError(f"{url} has sha256 {digest[:12]}..., expected {sha256[:12]}...; "
                         "refusing a list that differs from the pinned one")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = path + ".inprogress"
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)
