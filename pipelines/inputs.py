"""Turn --input patterns into the sorted list of files a run reads, before it starts."""
from __future__ import annotations

import re

from apache_beam.io.filesystems import FileSystems

from corpus.formats import FORMATS, UnknownFormat, detect_format
from pipelines.read import InputFile

_SOURCE_PREFIX = re.compile(r"^([A-Za-z0-9_.-]+)=(.+)$")


class InputError(ValueError):
    pass


def split_source(spec: str, default_source: str) -> tuple:
    """"cc=path/*.warc.gz" names its source; a bare pattern takes the default."""
    match = _SOURCE_PREFIX.match(spec)
    return (match.group(1), match.group(2)) if match else (default_source, spec)


def resolve_inputs(specs: list, default_source: str, fmt: str) -> list:
    if not specs:
        raise InputError("no input: give --input PATTERN (or SOURCE=PATTERN)")
    if fmt != "auto" and fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (auto|{'|'.join(FORMATS)})")
    files = {}
    for spec in specs:
        source, pattern = split_source(spec, default_source)
        for metadata in _match(pattern):
            try:
                file_format = detect_format(metadata.path) if fmt == "auto" else fmt
            except UnknownFormat as error:
                raise InputError(str(error)) from None
            files[metadata.path] = InputFile(source, metadata.path, file_format, metadata.size_in_bytes)
    return sorted(files.values())


def _match(pattern: str) -> list:
    try:
        results = FileSystems.match([pattern])
    except Exception as error:  # noqa: BLE001 - Beam raises its own types per filesystem
        raise InputError(f"cannot list {pattern}: {str(error).splitlines()[0]}") from None
    found = [m for m in results[0].metadata_list if not m.path.endswith("/")]
    if not found:
        raise InputError(f"no files match {pattern}")
    return found
