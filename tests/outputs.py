"""Read what a run wrote: documents, rejected rows, errors, counts, and the bytes of every file."""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from corpus.signal_schema import stored_dicts


def table_rows(output: Path, name: str) -> list:
    rows = []
    for path in sorted((output / name).glob("*.parquet")):
        rows.extend(pq.read_table(path).to_pylist())
    return rows


def stored_rows(output: Path, name: str) -> list:
    """Rows of documents/ or rejected/ with `meta` and `annotations` as the stages wrote them
    (corpus/signal_schema.py: from_struct): nulls left out, `extra` merged back."""
    rows = []
    for path in sorted((output / name).glob("*.parquet")):
        table = pq.read_table(path)
        decoded = {column: stored_dicts(table, column) for column in ("meta", "annotations")
                   if column in table.column_names}
        rows += [{**row, **{column: values[i] for column, values in decoded.items()}}
                 for i, row in enumerate(table.to_pylist())]
    return rows


def counts(output: Path) -> dict:
    return json.loads((output / "stats" / "counts.json").read_text())


def file_bytes(output: Path) -> dict:
    """Relative path -> bytes for every output file.

    Excluded: the input corpus; report/, which records times and the
    creation date, so it differs from run to run by design; and the stage
    results of the reuse cache (cache/stages/), kept in files named by the run
    that wrote them (the per-file entries of cache/prefix/ are compared).
    """
    return {str(path.relative_to(output)): path.read_bytes()
            for path in sorted(output.rglob("*")) if path.is_file()
            and path.relative_to(output).parts[0] not in ("corpus", "report")
            and path.relative_to(output).parts[:2] != ("cache", "stages")}
