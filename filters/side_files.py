"""Side files: the lists and models a stage reads besides the documents, as contents, never paths.

A stage names its side files (`SideFile`: the option, the location as given,
file or folder); the launcher reads them through Beam's FileSystems (so
gs:// and s3:// work) and checks them by building the stage from their
contents; workers get the same bytes from where the launcher staged them
(pipelines/staging.py). Filters therefore take contents: bytes for a file,
a tree for a folder (a UT1 blocklist folder, LDNOOBW's word lists, a spaCy
model directory), a dict of relative path ("adult/domains") -> bytes.

A folder travels as one uncompressed tar whose members are sorted and carry
no times or owners, so the same files always give the same bytes and sha256.
"""
from __future__ import annotations

import io
import os
import re
import tarfile
from dataclasses import dataclass


@dataclass(frozen=True)
class SideFile:
    option: str           # the config key that names it, for messages
    location: str         # as the config gives it: a local path, gs://..., s3://...
    folder: bool = False
    members: str = ""     # a folder's files to carry: a regex their relative paths match ("" = all)
    missing: str = ""     # what to say when it does not exist (default: "OPTION: LOCATION does not exist")

    def wants(self, relative: str) -> bool:
        return not self.members or re.fullmatch(self.members, relative) is not None


def pack_tree(files: dict) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(files[name]), 0o644
            archive.addfile(info, io.BytesIO(files[name]))
    return buffer.getvalue()


def unpack_tree(data: bytes) -> dict:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
        return {member.name: archive.extractfile(member).read() for member in archive.getmembers()
                if member.isfile()}


def write_tree(files: dict, directory: str) -> str:
    """Write a tree under `directory` (for libraries that load only from disk, like spaCy)."""
    root = os.path.realpath(directory)
    for name, data in files.items():
        path = os.path.realpath(os.path.join(root, name))
        if not path.startswith(root + os.sep):
            raise ValueError(f"{name!r} would be written outside {directory}")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
    return directory


def read_local_tree(folder: str, side_file: SideFile | None = None) -> dict:
    """A local folder as a tree: for notebooks, tests and benchmarks (a run reads through FileSystems)."""
    files = {}
    for directory, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(directory, name)
            relative = os.path.relpath(path, folder).replace(os.sep, "/")
            if side_file is None or side_file.wants(relative):
                with open(path, "rb") as handle:
                    files[relative] = handle.read()
    return files


def read_local(side_files: list) -> dict:
    """location -> contents of local side files, as a stage takes them."""
    contents = {}
    for side_file in side_files:
        if side_file.folder:
            contents[side_file.location] = read_local_tree(side_file.location, side_file)
        else:
            with open(side_file.location, "rb") as handle:
                contents[side_file.location] = handle.read()
    return contents
