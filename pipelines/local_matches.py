"""What a local --input pattern matches that Beam's listing leaves out without a word.

Beam lists a local pattern by walking the directory before its first glob character and matching each
path with its own regular expression (FileSystem.translate_pattern). Three kinds of file never come out
of that, and their records would be lost with no error:

- symbolic links to nothing (a git-annex or DVC file not fetched): listed here with size 0, so that each
  is its own unopenable_file error;
- names holding a backslash: Beam's `*` and `?` never match one (a Windows separator to it), where the
  shell's glob takes it as a character of the name;
- files below a symbolic link to a directory: Beam's walk does not follow links.

The walk here follows links, but never into a directory it is already inside (a link back up the path,
`loop -> .` or `up -> ..`), so a link cycle ends; a directory reached by two paths (a link beside the
real one) is walked under both, and a file found under both is added once. It goes no deeper than the
pattern can match (any depth only with `**`). Paths are matched by Beam's own expression, with `*` and
`?` allowed to match a backslash; otherwise Beam's semantics hold (`?` may match a `/`, `**/` needs a
directory), not the shell's. Links to files are listed by Beam itself, each as a file of its own.
"""
from __future__ import annotations

import os
import re

from apache_beam.io.filesystem import FileMetadata, FileSystem

from pipelines.input_names import pattern_root

_GLOB_CHARACTERS = "*?["


def beam_skips(pattern: str, listed: list) -> list:
    """FileMetadata of what `pattern` (local) matches beyond `listed` (Beam's own listing of it)."""
    pattern = os.path.abspath(pattern)
    if not any(char in pattern for char in _GLOB_CHARACTERS):
        return [FileMetadata(pattern, 0)] if _dangling(pattern) else []
    matches = re.compile(FileSystem.translate_pattern(pattern).replace("[^/\\\\]", "[^/]")).match
    seen = {os.path.realpath(metadata.path) for metadata in listed}
    found = []
    for path in _walk(pattern):
        if not matches(path):
            continue
        if _dangling(path):
            found.append(FileMetadata(path, 0))
            continue
        real = os.path.realpath(path)
        if real not in seen and os.path.isfile(path):
            seen.add(real)
            found.append(FileMetadata(path, os.path.getsize(path)))
    return found


def _dangling(path: str) -> bool:
    return os.path.islink(path) and not os.path.exists(path)


def _walk(pattern: str):
    """Every file path below the pattern's root, links followed except into a directory the path is already
    inside, no deeper than the pattern reaches."""
    root = pattern_root(pattern)
    rest = pattern[len(root):]
    deepest = None if "**" in rest else rest.count("/")
    pending = [(root.rstrip("/") or "/", 0, frozenset())]
    while pending:
        directory, depth, above = pending.pop()
        real = os.path.realpath(directory)
        if real in above:           # a link back into its own path: a cycle
            continue
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            continue
        for name in names:
            path = os.path.join(directory, name)
            if os.path.isdir(path):
                if deepest is None or depth < deepest:
                    pending.append((path, depth + 1, above | {real}))
            else:
                yield path
