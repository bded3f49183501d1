"""Turn --input patterns into the sorted list of files a run reads, before it starts.

Each file also gets its `name`: its path below the root of the pattern that
matched it (the directories before the first glob character). Ids, meta.file
and error locations use the name, so the same files give the same outputs
whether the pattern is spelled relative or absolute, from any working
directory. When two patterns of one source give two files the same name, each
of those names is prefixed with the last directories of its pattern's root,
as few as make them distinct.
"""
from __future__ import annotations

import os
import re

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from corpus.compression import decompressed_head
from corpus.formats import FORMATS, UnknownFormat, detect_format, sniff_format
from pipelines.read import InputFile

_SOURCE_PREFIX = re.compile(r"^([A-Za-z0-9_.-]+)=(.+)$")
_GLOB_CHARACTERS = "*?[{"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


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
    return sorted(_named(files, roots).values())


def normal_path(path: str) -> str:
    """A local path made absolute and normal (a worker in another directory opens the same file)."""
    return path if _SCHEME.match(path) else os.path.abspath(path)


def pattern_root(pattern: str) -> str:
    """The directories of a pattern before its first glob character, normalised, ending in '/'."""
    first_glob = min([pattern.find(c) for c in _GLOB_CHARACTERS if c in pattern] or [len(pattern)])
    root = pattern[:pattern.rfind("/", 0, first_glob) + 1]
    if _SCHEME.match(pattern):
        return root
    return os.path.join(os.path.abspath(root or "."), "")


def _named(files: dict, roots: dict) -> dict:
    """Each file with its name below its root; names made distinct within each source."""
    names = {path: path[len(roots[path]):] if path.startswith(roots[path]) else path.lstrip("/")
             for path in files}
    groups: dict = {}
    for path, spec in files.items():
        groups.setdefault((spec.source, names[path]), []).append(path)
    taken = {key for key, paths in groups.items() if len(paths) == 1}
    for (source, name), paths in sorted(groups.items()):
        if len(paths) > 1:
            for path, distinct in _distinct(paths, name, roots, {n for s, n in taken if s == source}).items():
                names[path] = distinct
                taken.add((source, distinct))
    return {path: InputFile(spec.source, spec.path, spec.format, spec.size_bytes, names[path])
            for path, spec in files.items()}


def _distinct(paths: list, name: str, roots: dict, taken: set) -> dict:
    """Prefix `name` with the fewest last directories of each root that tell the files apart."""
    parts = {path: [part for part in roots[path].split("/") if part] for path in paths}
    for depth in range(1, max(len(p) for p in parts.values()) + 1):
        prefixed = {path: "/".join(parts[path][-depth:] + [name]) for path in paths}
        if len(set(prefixed.values())) == len(paths) and not set(prefixed.values()) & taken:
            return prefixed
    return {path: path.lstrip("/") for path in paths}


def _format_of(path: str) -> str:
    """By the name; when the name does not tell (a bare .zst), by the first bytes."""
    try:
        return detect_format(path)
    except UnknownFormat as error:
        try:
            with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
                sniffed = sniff_format(decompressed_head(handle, 64))
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
