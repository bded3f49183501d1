"""What a reuse cache entry is keyed by: the input file's bytes and the configuration that produced it.

An entry for one input file is reusable only when both halves match:

- the file: its source, name (as in ids and meta.file), format, size and sha256, computed on the worker
  that reads it, through FileSystems;
- the prefix: every option of the read and of each cached stage (quality without its thresholds), the
  sha256 of each side file those stages read, the source of the code that runs them and the versions of
  the libraries that decide their results, computed once on the launcher (`prefix_key`).

A changed option, list, model, code file or input byte gives another key, so the entry is computed
again; nothing is looked up by a path or a date. A side file stands in the options by its sha256, not by
its path, so the same file spelled another way (`bench/../x`, a copy elsewhere) keys the same entry.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import unicodedata
from importlib import metadata

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from filters.quality.quality_filter import signal_options

CACHE_FORMAT = 2        # 2: each line tagged with the JSON library that wrote it (corpus/cache_codec.py)
# The code that runs the cached prefix or builds what an entry stores (reporting.profile: its profiles),
# the packages and modules whose source is hashed into the key.
PREFIX_CODE = ("corpus", "filters", "pipelines.read", "pipelines.stage", "pipelines.stage_builders", "pipelines.reuse",
               "pipelines.reuse_keys", "pipelines.reuse_stages", "reporting.profile")
# Libraries whose version can change an extracted text, a language label or a signal.
PREFIX_LIBRARIES = ("resiliparse", "fasttext-new", "fasttext-turbo", "fasttext-predict", "numpy", "numba", "pyarrow",
                    "zstandard")
_CHUNK = 1 << 20


def prefix_key(config, stage_names: list, side_file_hashes: dict) -> str:
    """sha256 of everything that decides the cached prefix's results but the input file itself.

    `stage_names`: the stages the prefix runs, in order; `side_file_hashes`: stage -> {location as the
    config gives it: sha256 of its contents} for its side files."""
    sections = config.to_dict()
    stages = [[name, signal_options(config.quality) if name == "quality"
               else by_content(sections[name], side_file_hashes.get(name, {})),
               sorted(side_file_hashes.get(name, {}).values())] for name in stage_names]
    described = {"format": CACHE_FORMAT, "read": sections["read"], "extract_enabled": config.extract.enabled,
                 "stages": stages, "code": code_digest(), "libraries": library_versions()}
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


def by_content(options, hashes: dict):
    """`options` (a config section as plain data) with each side file's location replaced by its sha256:
    a whole value, or the path after the first '=' of a `NAME=PATH` entry (how the stages parse them).
    Order and names stay, so two lists that swap their files still give different keys."""
    if isinstance(options, dict):
        return {name: by_content(value, hashes) for name, value in options.items()}
    if isinstance(options, list):
        return [by_content(value, hashes) for value in options]
    if isinstance(options, str):
        if options in hashes:
            return "sha256:" + hashes[options]
        name, sep, path = options.partition("=")
        if sep and path in hashes:
            return f"{name}=sha256:{hashes[path]}"
    return options


def code_digest(modules: tuple = PREFIX_CODE) -> str:
    """sha256 over the source files of `modules`, by their paths below the project: an edit is a new key."""
    digest = hashlib.sha256()
    for path, relative in sorted(_code_files(modules)):
        with open(path, "rb") as handle:
            digest.update(relative.encode() + b"\0" + hashlib.sha256(handle.read()).digest())
    return digest.hexdigest()


def _code_files(modules: tuple):
    """(path, path below the project) of each source file of `modules`."""
    import importlib
    for name in modules:
        module = importlib.import_module(name)
        if hasattr(module, "__path__"):          # a package: every module in it
            folder = module.__path__[0]
            paths = [os.path.join(inner, file) for inner, _, files in os.walk(folder)
                     for file in files if file.endswith(".py")]
        else:
            folder, paths = os.path.dirname(module.__file__), [module.__file__]
        project = os.path.dirname(folder)
        for path in paths:
            yield path, os.path.relpath(path, project).replace(os.sep, "/")


def library_versions(names=PREFIX_LIBRARIES) -> dict:
    """Distribution name -> its installed version, None when it is not installed; and the Python release
    and its Unicode database, since normalisation and shingling rest on NFKC, str.lower, str.isspace and
    re's \\w, which change between Python releases (the `regex` module is not used)."""
    versions = {"python": "%d.%d" % sys.version_info[:2], "unicodedata": unicodedata.unidata_version}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def file_key(prefix: str, spec) -> str:
    """The entry name for one input file (an InputFile): from the bytes read here, through FileSystems."""
    digest, size = hashlib.sha256(), 0
    with FileSystems.open(spec.path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    described = {"prefix": prefix, "source": spec.source, "name": spec.name, "format": spec.format,
                 "size": size, "sha256": digest.hexdigest()}
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:40]
