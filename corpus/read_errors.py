"""How a reader reports what it could not read, so that every reader says it the same way."""
from __future__ import annotations

from typing import Optional

from corpus.compression import Damage
from corpus.document import ErrorRecord


def read_error(source: str, location: str, error_type: str, message: str) -> ErrorRecord:
    return ErrorRecord(source=source, location=location, stage="read",
                       error_type=error_type, message=message[:500])


def damage_error(source: str, name: str, codec: Optional[str], damage: Damage) -> ErrorRecord:
    """One error for a damaged stretch of a compressed file (or a failed read), and what it cut."""
    return read_error(source, damage.location(name, codec), damage.error_type, damage.message)


def unrecognised_file(source: str, name: str, looks: str, expected: str) -> ErrorRecord:
    """A file that is not in the format it was read as: one error, naming what it looks like."""
    return read_error(source, name, "unrecognised_file", f"read as {expected}, but it looks like {looks}")


def not_silent(items, source: str, name: str):
    """A reader's items, or, when the file gives none (empty, or no document-bearing record in it), one
    `no_records` error for it: a file that yields nothing is a mistake to report, not silence."""
    gave = False
    for item in items:
        gave = True
        yield item
    if not gave:
        yield read_error(source, name, "no_records", "the file holds no record to read")


def exception_error(source: str, location: str, error: BaseException) -> ErrorRecord:
    """A record whose parsing raised: an error row for it, and reading goes on."""
    kinds = {RecursionError: "too_deeply_nested", MemoryError: "record_too_large",
             UnicodeError: "invalid_utf8"}
    error_type = next((name for kind, name in kinds.items() if isinstance(error, kind)), "unparsable_record")
    return read_error(source, location, error_type, f"{type(error).__name__}: {error}")
