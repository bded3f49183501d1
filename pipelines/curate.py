"""The curation pipeline: read -> extract -> normalize -> write, with rejected/ and errors/.

Stages are listed in order in `stage_factories`; later issues add theirs to
that list. Everything that leaves a stage is written and counted, so every
read record ends in exactly one of documents/, rejected/ or errors/.
"""
from __future__ import annotations

from functools import partial

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from corpus.html_extract import ExtractConfig, HtmlExtractor
from corpus.normalize import NormalizeConfig, Normalizer
from corpus.parquet_rows import (DOCUMENT_SCHEMA, ERROR_SCHEMA, REJECTED_SCHEMA, document_row,
                                 error_row_dict, rejected_row_dict, sort_key_document,
                                 sort_key_error, sort_key_rejected)
from pipelines.accounting import COUNTS_FILE, CountOutcomes
from pipelines.config import RunConfig
from pipelines.read import ReadInputs
from pipelines.stage import ERRORS, REJECTED, ApplyStage
from pipelines.write import WriteShardedParquet

OUTPUT_DIRS = ("documents", "rejected", "errors", "stats")


def _config_fields(config, cls) -> dict:
    return {name: getattr(config, name) for name in cls.__dataclass_fields__}


def stage_factories(config: RunConfig) -> list:
    """(name, factory) for each enabled per-document stage, in pipeline order."""
    stages = []
    if config.extract.enabled:
        stages.append(("extract", partial(HtmlExtractor, ExtractConfig(
            **_config_fields(config.extract, ExtractConfig)))))
    if config.normalize.enabled:
        stages.append(("normalize", partial(Normalizer, NormalizeConfig(
            **_config_fields(config.normalize, NormalizeConfig)))))
    return stages


def build_curation(pipeline: beam.Pipeline, config: RunConfig, files: list) -> None:
    read = pipeline | "Read" >> ReadInputs(files, config.read)
    items, rejected, errors = read.items, [], [read[ERRORS]]
    if not config.extract.enabled:
        items = items | "SkipRawPages" >> beam.Filter(lambda item: hasattr(item, "text"))
    for name, factory in stage_factories(config):
        out = items | name >> ApplyStage(name, factory)
        items = out.kept
        rejected.append(out[REJECTED])
        errors.append(out[ERRORS])
    all_rejected = rejected | "AllRejected" >> beam.Flatten() if rejected else (
        pipeline | "NoRejected" >> beam.Create([]))
    all_errors = errors | "AllErrors" >> beam.Flatten()
    _write_outputs(config, items, all_rejected, all_errors)
    {"read": (read.items, read[ERRORS]) | "AllRead" >> beam.Flatten(), "kept": items,
     "rejected": all_rejected, "errors": all_errors} | "Accounting" >> CountOutcomes(
        FileSystems.join(config.output, "stats", COUNTS_FILE))


def _write_outputs(config: RunConfig, documents, rejected, errors) -> None:
    out, shards = config.output, config.write
    documents | "WriteDocuments" >> WriteShardedParquet(
        FileSystems.join(out, "documents"), "documents", shards.document_shards, DOCUMENT_SCHEMA,
        document_row, sort_key_document, shard_key=lambda doc: doc.id)
    rejected | "WriteRejected" >> WriteShardedParquet(
        FileSystems.join(out, "rejected"), "rejected", shards.rejected_shards, REJECTED_SCHEMA,
        rejected_row_dict, sort_key_rejected, shard_key=lambda row: row.id)
    errors | "WriteErrors" >> WriteShardedParquet(
        FileSystems.join(out, "errors"), "errors", shards.error_shards, ERROR_SCHEMA,
        error_row_dict, sort_key_error, shard_key=lambda row: row.location)
