"""JSON Lines (plain, .gz, .zst) to Documents, one per non-blank line."""
from __future__ import annotations

import json
from typing import BinaryIO, Iterator, Union

from corpus.compression import decompressed
from corpus.document import Document, ErrorRecord
from corpus.read_errors import corrupt_members, is_data_error, read_error, unreadable_rest
from corpus.record_fields import FieldMap, record_to_document


def read_jsonl(raw: BinaryIO, path: str, source: str, fields: FieldMap,
               max_record_bytes: int) -> Iterator[Union[Document, ErrorRecord]]:
    line_number = 0
    stream, corruptions = decompressed(raw)
    try:
        while True:
            line = stream.readline(max_record_bytes + 1)
            if not line:
                break
            line_number += 1
            location = f"{path}:{line_number}"
            if len(line) > max_record_bytes and not line.endswith(b"\n"):
                _skip_rest_of_line(stream)
                yield read_error(source, location, "record_too_large",
                                 f"line longer than {max_record_bytes} bytes")
            elif line.strip():
                yield _parse_line(line, fields, source, location)
            yield from corrupt_members(corruptions, source, path)
    except Exception as error:  # noqa: BLE001 - classified below, bugs re-raised
        if not is_data_error(error):
            raise
        yield unreadable_rest(source, path, f":{line_number + 1}", error)
    yield from corrupt_members(corruptions, source, path)


def _parse_line(line: bytes, fields: FieldMap, source: str, location: str):
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        return read_error(source, location, "invalid_utf8", str(error))
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        return read_error(source, location, "malformed_json", str(error))
    return record_to_document(record, fields, source, location)


def _skip_rest_of_line(stream: BinaryIO) -> None:
    while True:
        chunk = stream.readline(1 << 20)
        if not chunk or chunk.endswith(b"\n"):
            return
