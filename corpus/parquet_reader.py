"""Parquet files to Documents, one per row, read a batch at a time."""
from __future__ import annotations

from typing import BinaryIO, Iterator, Union

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.document import Document, ErrorRecord
from corpus.read_errors import read_error
from corpus.record_fields import FieldMap, record_to_document

BATCH_ROWS = 1024


def read_parquet(raw: BinaryIO, path: str, source: str, fields: FieldMap
                 ) -> Iterator[Union[Document, ErrorRecord]]:
    try:
        parquet = pq.ParquetFile(raw)
    except (pa.ArrowException, OSError, ValueError) as error:
        yield read_error(source, path, "unreadable_parquet", f"{type(error).__name__}: {error}")
        return
    names = set(parquet.schema_arrow.names)
    top_level = {path.split(".")[0] for path in fields.text}
    if not names & top_level:
        yield read_error(source, path, "wrong_schema",
                         f"no text column {'/'.join(fields.text)} among {sorted(names)[:20]}")
        return
    wanted = sorted(names & {p.split(".")[0] for group in (fields.text, fields.id, fields.url,
                                                            fields.date, fields.keep_meta)
                              for p in group})
    row = 0
    try:
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=wanted):
            for record in batch.to_pylist():
                yield record_to_document(record, fields, source, f"{path}#row={row}")
                row += 1
    except (pa.ArrowException, OSError, ValueError) as error:
        yield read_error(source, f"{path}#row={row}", "unreadable_rest_of_file",
                         f"{type(error).__name__}: {error}")
