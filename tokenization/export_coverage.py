"""How many of a source's curated documents an export holds whole, and how many `tokenize.tail: drop` cut.

With `tail: drop`, a shard's last partial row is not in the shard: the
documents that began in it are missing (`tail_documents`) and the one it
ended is shorter (`cut_documents`, 0 or 1 a shard). An output written before
`cut_documents` was recorded counts that document as cut whenever the shard
dropped tokens, which may count one a shard too many, never too few.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Coverage:
    curated: int                # documents the run tokenized for the source
    exported: int               # of them, whole in the export
    cut: int                    # missing or shortened by the dropped tails

    def line(self) -> str:
        return f"{self.exported:,} of {self.curated:,} documents exported, {self.cut:,} cut by tail=drop"

    def as_dict(self) -> dict:
        return {"documents": self.exported, "documents_curated": self.curated, "documents_cut_by_tail": self.cut}


def shortened_by_tail(entry: dict) -> int:
    """Documents of a shard that begin in its rows but end in its dropped tail."""
    return entry.get("cut_documents", int(entry["tail_tokens"] > 0 and entry["documents"] > 0))


def source_coverage(entries: list) -> Coverage:
    """The coverage of one source's shard entries (manifest rows), exporting whole documents only."""
    curated = sum(entry["documents"] + entry["tail_documents"] for entry in entries)
    shortened = sum(shortened_by_tail(entry) for entry in entries)
    missing = sum(entry["tail_documents"] for entry in entries)
    return Coverage(curated, curated - missing - shortened, missing + shortened)
