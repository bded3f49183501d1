"""The documents/ and rejected/ schemas of a run: typed structs whose config-named fields come from the
stages' own code (the quality signals, the PII entities, the word lists of unsafe_words.also_check)."""
from __future__ import annotations

from corpus.parquet_rows import document_schema, rejected_schema
from corpus.signal_schema import ConfigFields
from filters.pii.pii_filter import entities_for
from filters.quality.quality_filter import signal_types
from filters.unsafe_words import hit_list_names


def config_fields(config) -> ConfigFields:
    """What a RunConfig names: every field exists whether its stage is on or not (then null)."""
    return ConfigFields(quality=signal_types(config.quality), pii=entities_for(config.pii, "en"),
                        unsafe_lists=hit_list_names(config.unsafe_words))


def output_schemas(config) -> tuple:
    """(documents/ schema, rejected/ schema) of a RunConfig."""
    fields = config_fields(config)
    return document_schema(fields), rejected_schema(fields)
