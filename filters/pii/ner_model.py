"""The optional spaCy model for named-entity PII must already be installed: nothing is downloaded."""
from __future__ import annotations

import os


class NerModelError(ValueError):
    pass


def check_ner_model(name: str) -> None:
    """Raise NerModelError unless `name` is an installed spaCy package or a model directory.

    Presidio's SpacyNlpEngine downloads a model it cannot find; this check runs first."""
    if not name:
        return
    try:
        import spacy
    except ImportError:
        raise NerModelError(f"pii.ner_model={name!r} needs spaCy and the model: pip install spacy and the "
                            "model's package") from None
    if not (spacy.util.is_package(name) or os.path.isdir(name)):
        raise NerModelError(f"pii.ner_model: spaCy model {name!r} is not installed; pip install its package or "
                            "give a model directory (tokenmill never downloads models)")
