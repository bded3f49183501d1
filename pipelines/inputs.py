"""Turn --input patterns into the sorted list of files a run reads, before it starts.

Each file also gets its name (pipelines/input_names.py): its path below the
root of its pattern, the same under any spelling of the pattern.
"""
from __future__ import annotations

import os

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from corpus.compression import decompressed_head
from corpus.formats import FORMATS, UnknownFormat, detect_format, looks_like, sniff_format
from pipelines.filesystem_checks import looked_at
from pipelines.input_names import file_names, is_local, normal_path, pattern_root, split_source
from pipelines.local_matches import beam_skips
from pipelines.read import InputFile
from tokenmill.usage import UsageError


class InputError(UsageError):
    pass


def resolve_inputs(specs: list, default_source: str, fmt: str) -> list:
    if not specs:
        raise InputError("no input: give --input PATTERN (or SOURCE=PATTERN)")
    if fmt != "auto" and fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (auto|{'|'.join(FORMATS)})")
    files, roots = {}, {}
    for spec in specs:
        source, pattern = split_source(spec, default_source)
        root = pattern_root(pattern)
        for metadata in _match(pattern):
            path = normal_path(metadata.path)
            earlier = files.get(path)
            if earlier is not None and earlier.source != source:
                # Reading it twice would double its documents; keeping one source silently loses the other.
                raise InputError(f"{path} matches the inputs of two sources, {earlier.source} and {source}")
            if earlier is None:
                file_format = _format_of(path) if fmt == "auto" else fmt
                files[path] = InputFile(source, path, file_format, metadata.size_in_bytes)
            if path not in roots or len(root) < len(roots[path]):   # matched twice: the widest pattern names it
                roots[path] = root
    _one_source_per_file(files)
    names = file_names({path: spec.source for path, spec in files.items()}, roots)
    return sorted(InputFile(spec.source, spec.path, spec.format, spec.size_bytes, names[path])
                  for path, spec in files.items())


def _one_source_per_file(files: dict) -> None:
    """A local file reached by two sources' patterns under two paths (a link) would be read into both, as a
    path matched by both is refused above."""
    sources: dict = {}
    for path in sorted(files):
        real = os.path.realpath(path) if is_local(path) else path
        first = sources.setdefault(real, path)
        if files[first].source != files[path].source:
            raise InputError(f"{first} and {path} are one file, matched by the inputs of two sources, "
                             f"{files[first].source} and {files[path].source}")


# Any reader gives nothing for a file that holds nothing or cannot be opened: the run reports it as one
# error (no_records, unopenable_file), so its format need not be known.
_ANY_READER = "jsonl"


def _format_of(path: str) -> str:
    """By the name; when the name does not tell (a bare .zst, Spark's part-00000), by the first bytes."""
    try:
        return detect_format(path)
    except UnknownFormat as error:
        if os.path.islink(path) and not os.path.exists(path):
            return _ANY_READER
        try:
            with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
                head = decompressed_head(handle, 64)
        except OSError:
            head = None
        if head is not None and looks_like(head) == "empty":
            return _ANY_READER
        sniffed = None if head is None else sniff_format(head)
        if sniffed is None:
            raise InputError(str(error)) from None
        return sniffed


def _match(pattern: str) -> list:
    # Beam's matcher finds nothing for a bare relative glob ("*.jsonl": no directory before the glob).
    listed = os.path.join(".", pattern) if is_local(pattern) and not os.path.isabs(pattern) else pattern
    results = looked_at(pattern, lambda: FileSystems.match([listed]), f"--input {pattern}",
                        failed=f"cannot list {pattern}")
    found = [m for m in results[0].metadata_list if not m.path.endswith("/")]
    found += beam_skips(pattern, found) if is_local(pattern) else []
    if not found:
        raise InputError(f"no files match {pattern}")
    return found
