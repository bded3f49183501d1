"""Turn --input patterns into the sorted list of files a run reads, before it starts."""
from __future__ import annotations

import io
import re

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from corpus.compression import sniff_decompressed
from corpus.formats import FORMATS, UnknownFormat, detect_format, sniff_format
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
            earlier = files.get(metadata.path)
            if earlier is not None and earlier.source != source:
                # Reading it twice would double its documents; keeping one source silently loses the other.
                raise InputError(f"{metadata.path} matches the inputs of two sources, "
                                 f"{earlier.source} and {source}")
            file_format = _format_of(metadata.path) if fmt == "auto" else fmt
            files[metadata.path] = InputFile(source, metadata.path, file_format, metadata.size_in_bytes)
    return sorted(files.values())


def _format_of(path: str) -> str:
    """By the name; when the name does not tell (a bare .zst), by the first bytes."""
    try:
        return detect_format(path)
    except UnknownFormat as error:
        try:
            with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
                sniffed = sniff_format(sniff_decompressed(io.BufferedReader(handle, 1 << 20), 64))
        except OSError:
            sniffed = None
        if sniffed is None:
            raise InputError(str(error)) from None
        return sniffed


def _match(pattern: str) -> list:
    try:
        results = FileSystems.match([pattern])
    except Exception as error:  # noqa: BLE001 - Beam raises its own types per filesystem
        raise InputError(f"cannot list {pattern}: {str(error).splitlines()[0]}") from None
    found = [m for m in results[0].metadata_list if not m.path.endswith("/")]
    if not found:
        raise InputError(f"no files match {pattern}")
    return found
