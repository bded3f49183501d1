"""Overlapping detections resolved, then replaced by typed placeholders."""
from __future__ import annotations

import bisect
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    entity: str
    score: float


def resolve_overlaps(spans: list) -> list:
    """Keep the best of overlapping spans: higher score first, then longer, then earlier.

    Chosen spans are kept sorted by start, so each candidate is checked
    against its two neighbours only: O(n log n), not O(n^2)."""
    starts, chosen = [], []
    for span in sorted(spans, key=lambda s: (-s.score, -(s.end - s.start), s.start, s.entity)):
        position = bisect.bisect_left(starts, span.start)
        before = chosen[position - 1] if position else None
        after = chosen[position] if position < len(chosen) else None
        if (before is None or before.end <= span.start) and (after is None or span.end <= after.start):
            starts.insert(position, span.start)
            chosen.insert(position, span)
    return chosen


def redact(text: str, spans: list, placeholder: str = "<{entity}>") -> str:
    pieces, position = [], 0
    for span in spans:
        pieces += [text[position:span.start], placeholder.format(entity=span.entity)]
        position = span.end
    return "".join(pieces) + text[position:]
