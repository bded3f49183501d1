"""The optional spaCy model for named-entity PII must already be installed: nothing is downloaded.

`pii.ner_model` names an installed spaCy package (it must be installed on
the workers too, like any dependency) or a model directory. A directory is a
side file: the launcher reads it (gs:// works), and each worker unpacks the
same files into a local folder, since spaCy loads models only from disk.
"""
from __future__ import annotations

import os

from filters.side_files import SideFile
from tokenmill.usage import UsageError

NOT_INSTALLED = ("is not an installed spaCy package, nor a model directory; pip install its package or "
                 "give a model directory (tokenmill never downloads models)")


class NerModelError(UsageError):
    pass


def _spacy():
    try:
        import spacy
    except ImportError:
        raise NerModelError("pii.ner_model needs spaCy and the model: pip install spacy and the "
                            "model's package") from None
    return spacy


def is_installed_package(name: str) -> bool:
    return bool(name) and _spacy().util.is_package(name)


def side_files(ner_model: str) -> list:
    """The model directory, unless `ner_model` is empty or an installed package."""
    if not ner_model or is_installed_package(ner_model):
        return []
    return [SideFile("pii.ner_model", ner_model, folder=True, missing=f"spaCy model {ner_model!r} {NOT_INSTALLED}")]


def check_ner_model(name: str) -> None:
    """Raise NerModelError unless `name` is an installed spaCy package or a local model directory.

    Presidio's SpacyNlpEngine downloads a model it cannot find; this check runs first."""
    if name and not (is_installed_package(name) or os.path.isdir(name)):
        raise NerModelError(f"pii.ner_model: spaCy model {name!r} {NOT_INSTALLED}")
