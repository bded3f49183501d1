"""Detections that overlap become one placeholder; then every placeholder replaces its span.

Presidio resolves overlaps by keeping one detection, so a card or NHS match
that took part of a phone number left the rest of that number in the text
(`<CREDIT_CARD>-3119 x365`). Here overlapping detections are merged: the
placeholder covers all of them, and is typed by the best of them (highest
score, then longest, then earliest). No number is ever partly redacted by two
detections that disagree about where it ends.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    entity: str
    score: float


def resolve_overlaps(spans: list) -> list:
    """Disjoint spans, in order: each the union of a group of overlapping detections."""
    merged, group = [], []
    for span in sorted(spans):
        if group and span.start >= max(member.end for member in group):
            merged.append(_union(group))
            group = []
        group.append(span)
    return merged + [_union(group)] if group else merged


def _union(group: list) -> Span:
    best = min(group, key=lambda s: (-s.score, -(s.end - s.start), s.start, s.entity))
    return Span(group[0].start, max(member.end for member in group), best.entity, best.score)


def redact(text: str, spans: list, placeholder: str = "<{entity}>") -> str:
    pieces, position = [], 0
    for span in spans:
        pieces += [text[position:span.start], placeholder.format(entity=span.entity)]
        position = span.end
    return "".join(pieces) + text[position:]
