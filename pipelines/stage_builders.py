"""Stages that read side files, built from their contents: on the launcher to check, on workers to run.

The same builder runs in both places, so a list, model or label that the
launcher accepts is exactly what every worker builds. On the launcher it gets
the contents it read (`check_stage`); on a worker, a `WorkerBuild` fetches
the staged copies first (pipelines/staging.py).

When the runner runs in the launcher's process (the local runner with one
worker), the stage the launcher built to check it is handed to the first
`WorkerBuild` there for the same stage, the same config section and the same
side files (by sha256), instead of being built a second time (the UT1 lists,
the language model: about 0.3 s). It is handed over once, so no two DoFn
instances, and no two runs, ever share one; a remote worker builds its own as
before.
"""
from __future__ import annotations

import atexit
import dataclasses
import hashlib
import shutil
import tempfile

from filters.language import FastTextLID, LanguageFilter
from filters.pii.pii_filter import PiiFilter
from filters.side_files import write_tree
from filters.unsafe_words import UnsafeWordsFilter, word_lists_from_tree
from filters.url_filter import UrlFilter
from pipelines.staging import SideFileError, fetch_all, read_side_files
from tokenmill.usage import UsageError


def build_url_filter(config, contents: dict):
    return UrlFilter(config, contents)


def build_unsafe_words(config, contents: dict):
    if not config.lists:
        return UnsafeWordsFilter(config)
    lists = word_lists_from_tree(contents[config.lists], config.inflections)
    if not lists:
        raise SideFileError(f"unsafe_words.lists: {config.lists} holds no word list (files named by "
                            "language code: en, fr, ...)")
    return UnsafeWordsFilter(config, lists)


def build_language(config, contents: dict):
    model = (FastTextLID.from_bytes(contents[config.model_path], config.model_path, config.engine)
             if config.model_path else None)
    return LanguageFilter(config, model)


_UNPACKED: dict = {}     # sha256 of a model directory's files -> where this process unpacked them


def build_pii(config, contents: dict):
    """A NER model directory is unpacked to a local folder (spaCy loads only from disk), once per process.
    Every entity asked for must be one the analyzer can find: a misspelt one would never be redacted."""
    given, tree = config.ner_model, contents.get(config.ner_model)
    if tree is not None:              # else no model, or an installed package
        key = hashlib.sha256(repr(sorted((name, hashlib.sha256(data).hexdigest())
                                         for name, data in tree.items())).encode()).hexdigest()
        if key not in _UNPACKED:
            _UNPACKED[key] = write_tree(tree, tempfile.mkdtemp(prefix="tokenmill-ner-"))
            atexit.register(shutil.rmtree, _UNPACKED[key], True)
        config = dataclasses.replace(config, ner_model=_UNPACKED[key])
    try:
        stage = PiiFilter(config)
    except Exception as error:  # noqa: BLE001 - spaCy's own errors: say them of the folder the user gave
        if tree is None:
            raise
        text = (str(error).strip().splitlines() or [type(error).__name__])[0].replace(config.ner_model, given)
        raise SideFileError(f"pii.ner_model: {given} does not load as a spaCy model: {text[:200]}") from None
    known = set(stage.detector.analyzer.get_supported_entities(language=stage.detector.language))
    for option in ("entities", "english_entities"):
        unknown = [entity for entity in getattr(config, option) if entity not in known]
        if unknown:
            raise UsageError(f"pii.{option}: {unknown[0]!r} is not an entity the analyzer finds "
                             f"({', '.join(sorted(known))})")
    return stage


# Stage name -> (builder, the config section it takes). Stages not listed read no side file.
BUILDERS = {"url_filter": build_url_filter, "unsafe_words": build_unsafe_words, "language": build_language,
            "pii": build_pii}


# Stage name -> (its config section, its side files' digests, the stage): the last one the launcher built
# to check it and kept for a worker in this process. At most one per stage, taken at most once.
_CHECKED: dict = {}


def _digests(staged: dict) -> tuple:
    return tuple(sorted((location, one.sha256) for location, one in staged.items()))


class WorkerBuild:
    """A stage factory for workers: fetch the stage's staged side files, then build it (or take the one the
    launcher built from the same config and files in this process)."""

    def __init__(self, stage: str, config, staged: dict):
        self._stage, self._config, self._staged = stage, config, staged

    def __call__(self):
        checked = _CHECKED.pop(self._stage, None)
        if checked is not None and checked[:2] == (self._config, _digests(self._staged)):
            return checked[2]
        return BUILDERS[self._stage](self._config, fetch_all(self._staged))


def build_here(stage: str, config, side_files: list):
    """Read the side files in this process (through FileSystems) and build: for benchmarks and notebooks."""
    return BUILDERS[stage](config, read_side_files(side_files))


def check_stage(stage: str, config, contents: dict, keep_for: dict | None = None):
    """Build the stage on the launcher from the contents read there; any failure is a usage error.
    `keep_for`: the stage's staged files (location -> StagedFile), when a worker in this process will build
    it: the stage built here is kept for that worker."""
    try:
        built = BUILDERS[stage](config, contents)
    except UsageError:
        raise
    except Exception as error:  # noqa: BLE001 - a list or model that cannot be used, whatever the cause
        text = str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
        raise SideFileError(f"{stage}: its side files cannot be used: {text}") from None
    if keep_for is not None:
        _CHECKED[stage] = (config, _digests(keep_for), built)
    return built
