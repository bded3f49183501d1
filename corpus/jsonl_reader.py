"""JSON Lines (plain, .gz, .zst) to Documents, one per non-blank line.

Each line is parsed on its own: whatever a line raises (malformed JSON, a
number past Python's digit limit, nesting too deep for the parser) is an error
row for that line, and reading goes on. A line cut by damage to the compressed
stream is counted once, as that damage; so are lines that do not parse in what
a damaged member decoded before the damage (`Decoded.is_suspect`: the damage may
have led the decoder astray before it failed).
"""
from __future__ import annotations

import json
from typing import BinaryIO, Iterator, Union

from corpus.compression import Decoded
from corpus.document import Document, ErrorRecord
from corpus.formats import UTF8_BOM, looks_like
from corpus.read_errors import damage_error, exception_error, read_error, unrecognised_file
from corpus.record_fields import FieldMap, record_to_document

_SNIFF_BYTES = 4096
# Read line by line, each line an error if it is no record: a file that shows no other
# format's signature (a file of text or stray bytes gives one error per line, never silence).
_READABLE = ("jsonl", "text", "binary data", "empty")


def read_jsonl(raw: BinaryIO, name: str, source: str, fields: FieldMap,
               max_record_bytes: int) -> Iterator[Union[Document, ErrorRecord]]:
    decoded = Decoded(raw)
    head = decoded.peek(_SNIFF_BYTES)
    if looks_like(head) not in _READABLE:
        yield unrecognised_file(source, name, looks_like(head), "jsonl")
        return
    line_number = 0
    for number, stream in enumerate(decoded.segments()):
        position = decoded.output_offset
        if number == 0 and head.startswith(UTF8_BOM):
            position += len(stream.read(len(UTF8_BOM)))
        while True:
            line = stream.readline(max_record_bytes + 1)
            if not line:
                break
            start, position = position, position + len(line)
            line_number += 1
            location = f"{name}:{line_number}"
            complete = line.endswith(b"\n") or (len(line) <= max_record_bytes and decoded.damage is None)
            if len(line) > max_record_bytes and not line.endswith(b"\n"):
                complete = _skip_rest_of_line(stream) or decoded.damage is None
                if complete:
                    yield read_error(source, location, "record_too_large",
                                     f"line longer than {max_record_bytes} bytes")
            elif complete and line.strip():
                item = parse_line(line, fields, source, name, line_number)
                if not (isinstance(item, ErrorRecord) and decoded.is_suspect(start)):
                    yield item
        if decoded.damage is not None:      # it stands for the line it cut, if any
            yield damage_error(source, name, decoded.codec_name, decoded.damage)


def parse_line(line: bytes, fields: FieldMap, source: str, name: str, line_number: int):
    location = f"{name}:{line_number}"
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        return read_error(source, location, "invalid_utf8", str(error))
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        return read_error(source, location, "malformed_json", str(error))
    except Exception as error:  # noqa: BLE001 - RecursionError, the int digit limit, MemoryError...
        return exception_error(source, location, error)
    try:
        return record_to_document(record, fields, source, name, line_number, location)
    except Exception as error:  # noqa: BLE001 - a record's fields must never stop the file
        return exception_error(source, location, error)


def _skip_rest_of_line(stream: BinaryIO) -> bool:
    """Skip to the end of the line; False when the stream ended first (the line has no end)."""
    while True:
        chunk = stream.readline(1 << 20)
        if not chunk:
            return False
        if chunk.endswith(b"\n"):
            return True
