"""The tokenizer engine check of a run with a given model: on the launcher, before the pipeline is built.

A faster engine encodes the run only where it gives SentencePiece's ids on the
run's own text (tokenization/engines.py). With a given model that text is read
here, from the input files: the first records of each source, files in name
order, extracted and normalised as the run's first stages do, up to
ENGINE_CHECK_BYTES in all. The decision is then a fixed value of the job, so
no document waits in the pipeline for a sample to be complete, and every
runner and worker count gets the same engine. A model the run trains is
checked inside the pipeline instead, on the training sample (pipelines/tokenize.py).
"""
from __future__ import annotations

import logging

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from corpus.document import Document, RawPage, text_bytes
from corpus.html_extract import HtmlExtractor
from corpus.normalize import Normalizer
from pipelines.config import RunConfig
from pipelines.read import field_map, file_items
from tokenization.engines import EngineChoice, choose_engine, needs_check

# The run's own text on which a faster engine must give SentencePiece's ids.
ENGINE_CHECK_BYTES = 1_000_000
_LOG = logging.getLogger(__name__)


def engine_for_given_model(config: RunConfig, files: list, model: bytes) -> EngineChoice:
    """The engine that encodes this run, with a warning when it is not the one asked for."""
    requested = config.tokenize.engine
    sample = input_text_sample(config, files, ENGINE_CHECK_BYTES) if needs_check(requested) else []
    choice = choose_engine(requested, model, sample)
    warn_on_fallback(choice)
    return choice


def warn_on_fallback(choice: EngineChoice) -> None:
    if choice.note and needs_check(choice.requested):
        _LOG.warning("tokenize.engine %s: using SentencePiece, since %s", choice.requested, choice.note)


def input_text_sample(config: RunConfig, files: list, limit_bytes: int) -> list:
    """Texts of the first documents of each source (the budget shared equally), in (source, name) order."""
    by_source = {}
    for spec in sorted(files, key=lambda spec: (spec.source, spec.name)):
        by_source.setdefault(spec.source, []).append(spec)
    texts = []
    for specs in by_source.values():
        texts += _first_texts(config, specs, limit_bytes // len(by_source))
    return texts


def _first_texts(config: RunConfig, specs: list, limit_bytes: int) -> list:
    extract = HtmlExtractor(config.extract) if config.extract.enabled else None
    normalize = Normalizer(config.normalize) if config.normalize.enabled else None
    fields, texts, size = field_map(config.read), [], 0
    for spec in specs:
        for item in _items(spec, config, fields):
            doc = _prepared(item, extract, normalize)
            if doc is not None:
                texts.append(doc.text)
                size += text_bytes(doc.text)
                if size >= limit_bytes:
                    return texts
    return texts


def _prepared(item, extract, normalize) -> Document | None:
    """The document as the run's extract and normalize stages leave it, or None where they drop it."""
    if not isinstance(item, (RawPage, Document)):
        return None                 # a read error: the run reports it
    try:
        doc = extract(item) if extract is not None else item
        doc = normalize(doc) if normalize is not None and isinstance(doc, Document) else doc
    except Exception:  # noqa: BLE001 - the stage turns the same failure into an error row
        return None
    return doc if isinstance(doc, Document) else None


def _items(spec, config: RunConfig, fields):
    """A file's items; a file that cannot be read gives what it gave so far (the run reports it)."""
    try:
        with FileSystems.open(spec.path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
            yield from file_items(handle, spec, config.read, fields)
    except Exception:  # noqa: BLE001 - the read step turns the same failure into an error row
        return
