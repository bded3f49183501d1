"""Concatenate documents' tokens and cut them into rows of exactly `seq_len`.

Documents continue across rows. `doc_starts` keeps, per row, the offsets where
a document begins, for document-level attention masks; `doc_index` names those
documents (their index in the input) and `continued` the one, if any, that
fills the row up to its first start, so every token of a row can be traced to
its document. The tail shorter than a row is dropped or padded, and counted
either way.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TAIL_MODES = ("drop", "pad")
NO_DOCUMENT = -1


@dataclass
class PackedRows:
    tokens: np.ndarray          # (rows, seq_len)
    doc_starts: list            # one uint32 array per row
    doc_index: list             # one int64 array per row, aligned with doc_starts: which document starts there
    continued: np.ndarray       # per row, the document that began in an earlier row and goes on here, or -1
    documents: int              # documents that begin in a kept row
    tail_tokens: int            # tokens dropped with the tail (mode drop)
    tail_documents: int         # documents that began in the dropped tail
    cut_documents: int          # documents begun in a kept row whose end went with the dropped tail (0 or 1)
    pad_tokens: int             # padding added to the last row (mode pad)

    @property
    def rows(self) -> int:
        return len(self.tokens)


def pack(documents: list, seq_len: int, tail: str = "drop", pad_id: int = 0,
         dtype=np.uint32) -> PackedRows:
    """`documents` are token arrays in their final order."""
    _check_tail(tail)
    lengths = np.fromiter((len(doc) for doc in documents), dtype=np.int64, count=len(documents))
    total = int(lengths.sum())
    stream = np.empty(stream_length(total, seq_len, tail), dtype)
    if documents:
        np.concatenate(documents, out=stream[:total], casting="same_kind")
    return pack_stream(stream, lengths, seq_len, tail, pad_id)


def stream_length(tokens: int, seq_len: int, tail: str) -> int:
    """The token buffer a shard of `tokens` needs: in mode pad, room for the last row's padding."""
    return -(-tokens // seq_len) * seq_len if tail == "pad" else tokens


def pack_stream(stream: np.ndarray, lengths: np.ndarray, seq_len: int, tail: str = "drop",
                pad_id: int = 0) -> PackedRows:
    """`stream` holds the documents' tokens end to end in their final order (`lengths` each), then
    stream_length's room for padding, which is filled here; the rows are a view of it, not a copy."""
    _check_tail(tail)
    total = int(lengths.sum())
    if len(stream) != stream_length(total, seq_len, tail):
        raise ValueError(f"a stream of {len(stream)} tokens for {total} tokens and tail {tail!r}")
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])) if len(lengths) else lengths
    present = np.flatnonzero(lengths > 0)          # an empty document has no token to start a row with
    starts = starts[present]
    rows = total // seq_len if tail == "drop" else -(-total // seq_len)
    pad = rows * seq_len - total if tail == "pad" else 0
    stream[total:] = pad_id
    kept = rows * seq_len
    in_rows = int(np.searchsorted(starts, kept))
    offsets, index = _starts_per_row(starts[:in_rows], present[:in_rows], rows, seq_len)
    return PackedRows(
        tokens=stream[:kept].reshape(rows, seq_len),
        doc_starts=offsets, doc_index=index,
        continued=_continued_per_row(starts, present, rows, seq_len),
        documents=in_rows,
        tail_tokens=max(total - kept, 0),
        tail_documents=len(starts) - in_rows,
        cut_documents=int(0 < kept < total and (in_rows == len(starts) or starts[in_rows] > kept)),
        pad_tokens=pad)


def _check_tail(tail: str) -> None:
    if tail not in TAIL_MODES:
        raise ValueError(f"tail must be one of {TAIL_MODES}, got {tail!r}")


def _starts_per_row(starts: np.ndarray, index: np.ndarray, rows: int, seq_len: int) -> tuple:
    row_of = starts // seq_len
    bounds = np.searchsorted(row_of, np.arange(rows + 1))
    offsets = (starts - row_of * seq_len).astype(np.uint32)
    return ([offsets[bounds[row]:bounds[row + 1]] for row in range(rows)],
            [index[bounds[row]:bounds[row + 1]] for row in range(rows)])


def _continued_per_row(starts: np.ndarray, index: np.ndarray, rows: int, seq_len: int) -> np.ndarray:
    """The document in progress at each row's first token, unless one starts exactly there."""
    row_starts = np.arange(rows, dtype=np.int64) * seq_len
    last_begun = np.searchsorted(starts, row_starts, side="right") - 1
    continued = np.full(rows, NO_DOCUMENT, dtype=np.int64)
    carries = (last_begun >= 0) & (starts[np.maximum(last_begun, 0)] < row_starts) if len(starts) else \
        np.zeros(rows, bool)
    continued[carries] = index[last_begun[carries]]
    return continued
