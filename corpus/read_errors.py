"""How a reader reports what it could not read, so that every reader says it the same way."""
from __future__ import annotations

import gzip
import zlib

from corpus.document import ErrorRecord

# Exceptions that mean "the bytes are bad", as opposed to a bug in tokenmill.
# zstandard raises ZstdError, a subclass of Exception; it is matched by name so
# that the list stays importable without it.
_DATA_ERRORS = (OSError, EOFError, zlib.error, gzip.BadGzipFile, ValueError, UnicodeError)


def is_data_error(error: BaseException) -> bool:
    return isinstance(error, _DATA_ERRORS) or type(error).__name__ == "ZstdError"


def read_error(source: str, location: str, error_type: str, message: str) -> ErrorRecord:
    return ErrorRecord(source=source, location=location, stage="read",
                       error_type=error_type, message=message[:500])


def unreadable_rest(source: str, path: str, where: str, error: BaseException) -> ErrorRecord:
    """The rest of a file from `where` on could not be read: one error stands for it."""
    return read_error(source, f"{path}{where}", "unreadable_rest_of_file",
                      f"{type(error).__name__}: {error}")


def corrupt_members(corruptions: list, source: str, path: str, base_offset: int = 0):
    """Report, once each, the corrupt gzip members the decompressor skipped so far."""
    while corruptions:
        offset, message = corruptions.pop(0)
        yield read_error(source, f"{path}@gzip:{base_offset + offset}", "corrupt_gzip_member", message)
