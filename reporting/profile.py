"""A profile of the documents at one point of a run: counts, bytes, lengths, languages, PII, clusters.

Profiles are plain dicts that add up, so a Beam combiner can build them in
pieces on many workers and merge them in any order to the same result.
"""
from __future__ import annotations

import math

from corpus.document import text_bytes


def empty_profile() -> dict:
    return {"documents": 0, "text_bytes": 0, "length_bins": {}, "languages": {}, "pii": {},
            "cluster_sizes": {}}


def length_bin(chars: int) -> str:
    """Powers of two: "0" for empty, else the k with 2^k <= chars < 2^(k+1)."""
    return "0" if chars <= 0 else str(int(math.log2(chars)))


def add_document(profile: dict, doc, size: int | None = None) -> dict:
    """`size`: the text's UTF-8 bytes, when the caller has measured them already."""
    profile["documents"] += 1
    profile["text_bytes"] += text_bytes(doc.text) if size is None else size
    _bump(profile["length_bins"], length_bin(len(doc.text)))
    annotations = doc.annotations
    lang = annotations.get("lang")
    _bump(profile["languages"], "und" if lang is None else lang)     # a plugin may set None: unknown
    for entity, count in (annotations.get("pii") or {}).items():
        if count:                   # entities looked for and not found are not counted
            _bump(profile["pii"], entity, count)
    if (annotations.get("dup_cluster_size") or 0) > 1:        # clusters of one are not duplicates
        _bump(profile["cluster_sizes"], str(annotations["dup_cluster_size"]))
    return profile


def merge_profiles(profiles) -> dict:
    merged = empty_profile()
    for profile in profiles:
        merged["documents"] += profile["documents"]
        merged["text_bytes"] += profile["text_bytes"]
        for key in ("length_bins", "languages", "pii", "cluster_sizes"):
            for name, count in profile[key].items():
                _bump(merged[key], name, count)
    return sorted_profile(merged)


def sorted_profile(profile: dict) -> dict:
    """Keys in a fixed order, so the same documents always give the same JSON."""
    return {key: dict(sorted(value.items())) if isinstance(value, dict) else value
            for key, value in profile.items()}


def _bump(counts: dict, key: str, by: int = 1) -> None:
    counts[key] = counts.get(key, 0) + by
