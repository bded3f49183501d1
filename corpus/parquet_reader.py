"""Parquet files to Documents, one per row, read a batch at a time."""
from __future__ import annotations

from typing import BinaryIO, Iterator, Union

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.document import Document, ErrorRecord
from corpus.formats import looks_like
from corpus.read_errors import exception_error, read_error, unrecognised_file
from corpus.record_fields import FieldMap, record_to_document

BATCH_ROWS = 1024
PARQUET_MAGIC = b"PAR1"


def read_parquet(raw: BinaryIO, name: str, source: str, fields: FieldMap
                 ) -> Iterator[Union[Document, ErrorRecord]]:
    """`name` is the file's name in ids, meta and error locations. An empty file has no rows."""
    head = raw.read(4096)
    if not head:
        return
    if not head.startswith(PARQUET_MAGIC):
        yield unrecognised_file(source, name, looks_like(head), "parquet")
        return
    raw.seek(0)
    try:
        parquet = pq.ParquetFile(raw)
    except Exception as error:  # noqa: BLE001 - pyarrow raises several types for a damaged footer
        yield read_error(source, name, "unreadable_parquet", f"{type(error).__name__}: {error}")
        return
    names = set(parquet.schema_arrow.names)
    top_level = {path.split(".")[0] for path in fields.text}
    if not names & top_level:
        yield read_error(source, name, "wrong_schema",
                         f"no text column {'/'.join(fields.text)} among {sorted(names)[:20]}")
        return
    wanted = sorted(names & {p.split(".")[0] for group in (fields.text, fields.id, fields.url,
                                                            fields.date, fields.keep_meta)
                              for p in group})
    row = 0
    try:
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=wanted):
            for record in batch.to_pylist():
                yield _row_document(record, fields, source, name, row)
                row += 1
    except (pa.ArrowException, OSError, ValueError) as error:
        yield read_error(source, f"{name}#row={row}", "unreadable_rest_of_file",
                         f"{type(error).__name__}: {error}")


def _row_document(record: dict, fields: FieldMap, source: str, name: str, row: int):
    location = f"{name}#row={row}"
    try:
        return record_to_document(record, fields, source, name, row, location)
    except Exception as error:  # noqa: BLE001 - a row's fields must never stop the file
        return exception_error(source, location, error)
