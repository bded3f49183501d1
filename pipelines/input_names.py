"""How an input file is named in ids, meta.file and error locations: below the root of its pattern.

A pattern's root is its directories before the first glob character, made
absolute and normal. A file's name is its path below that root, so the same
files get the same names (and ids) whether the pattern is spelled relative or
absolute, from any working directory. When two patterns of one source give two
files the same name, each of those names is prefixed with the last
directories of its pattern's root, as few as make them distinct.

Plain Python (no Beam): the config records inputs in this normal spelling too.
"""
from __future__ import annotations

import os
import re

from tokenmill.usage import UsageError

_SOURCE_PREFIX = re.compile(r"([A-Za-z0-9_.-]+)=(.+)", re.DOTALL)      # fullmatch: a path may hold a newline
_GLOB_CHARACTERS = "*?[{"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_REPEATED_SLASHES = re.compile(r"/{2,}")


def split_source(spec: str, default_source: str) -> tuple:
    """"cc=path/*.warc.gz" names its source; a bare pattern takes the default."""
    match = _SOURCE_PREFIX.fullmatch(spec)
    source, pattern = (match.group(1), match.group(2)) if match else (default_source, spec)
    return source, collapse_slashes(pattern)


def collapse_slashes(pattern: str) -> str:
    """`dir//*.jsonl` -> `dir/*.jsonl`: a local path means the same with one slash, and Beam's matcher
    finds nothing for the doubled one. An object-store URI keeps its spelling: there `a//b` is
    another object name than `a/b`."""
    return pattern if _SCHEME.match(pattern) else _REPEATED_SLASHES.sub("/", pattern)


def is_local(path: str) -> bool:
    """A path of this machine's filesystem, not gs://, s3:// or another scheme's."""
    return not _SCHEME.match(path)


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


def normal_spec(spec: str, default_source: str) -> str:
    """SOURCE=PATTERN with the pattern's root normalised: one spelling for every spelling."""
    source, pattern = split_source(spec, default_source)
    first_glob = min([pattern.find(c) for c in _GLOB_CHARACTERS if c in pattern] or [len(pattern)])
    cut = pattern.rfind("/", 0, first_glob) + 1
    return f"{source}={pattern_root(pattern)}{pattern[cut:]}"


class UnnameableFiles(UsageError):
    """Two input files of one source whose names are the same once written as UTF-8 text."""


def file_names(sources: dict, roots: dict) -> dict:
    """path -> name, for files given as path -> source and path -> root; distinct within each source,
    and valid UTF-8 (readable_name)."""
    names = {path: path[len(roots[path]):] if path.startswith(roots[path]) else path.lstrip("/")
             for path in sources}
    names = _distinct_names(sources, names, roots)
    readable = {path: readable_name(name) for path, name in names.items()}
    seen: dict = {}
    for path in sorted(readable):
        other = seen.setdefault((sources[path], readable[path]), path)
        if other != path:
            raise UnnameableFiles(f"{_bytes_of(other)} and {_bytes_of(path)} have the same name, "
                                  f"{readable[path]}, once their bytes that are not UTF-8 are escaped: "
                                  "rename one")
    return readable


def readable_name(name: str) -> str:
    """A file name as valid UTF-8 text: the bytes of a name that is not UTF-8 (which Python reads as lone
    surrogates, and which no Parquet or JSON string holds) escaped as \\xNN ("caf\\xe9.jsonl"). A
    name that is UTF-8 is itself. Its ids, meta.file and error locations use this name."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        pass
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:      # a surrogate no byte was read as (not from a file system): \udXXX
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


def _bytes_of(path: str) -> str:
    """A path as its bytes, every byte that is not printable ASCII escaped: two such paths read apart."""
    return repr(os.fsencode(path))[2:-1]


def _distinct_names(sources: dict, names: dict, roots: dict) -> dict:
    groups: dict = {}
    for path, source in sources.items():
        groups.setdefault((source, names[path]), []).append(path)
    taken = {key for key, paths in groups.items() if len(paths) == 1}
    for (source, name), paths in sorted(groups.items()):
        if len(paths) > 1:
            for path, distinct in _distinct(sorted(paths), name, roots,
                                            {n for s, n in taken if s == source}).items():
                names[path] = distinct
                taken.add((source, distinct))
    return names


def _distinct(paths: list, name: str, roots: dict, taken: set) -> dict:
    """Prefix `name` with the fewest last directories of each root that tell the files apart."""
    parts = {path: [part for part in roots[path].split("/") if part] for path in paths}
    for depth in range(1, max(len(p) for p in parts.values()) + 1):
        prefixed = {path: "/".join(parts[path][-depth:] + [name]) for path in paths}
        if len(set(prefixed.values())) == len(paths) and not set(prefixed.values()) & taken:
            return prefixed
    return {path: path.lstrip("/") for path in paths}
