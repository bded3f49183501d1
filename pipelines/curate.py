"""The curation pipeline: read, per-document stages, dedup, PII, decontamination, write.

Per-document stages are listed in order in `stage_factories`; dedup, PII and
decontamination follow in `build_curation`. Everything that leaves a stage is written and counted, so every
read record ends in exactly one of documents/, rejected/ or errors/.
"""
from __future__ import annotations

from functools import partial

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from corpus.document import cut_rejected_text
from corpus.html_extract import HtmlExtractor, refuse_raw_pages
from corpus.normalize import Normalizer
from filters.quality.quality_filter import QualityFilter
from filters.unsafe_classifier import UnsafeClassifierFilter
from corpus.parquet_rows import (DOCUMENT_SCHEMA, ERROR_SCHEMA, REJECTED_SCHEMA, document_row,
                                 error_row_dict, rejected_row_dict, sort_key_document,
                                 sort_key_error, sort_key_rejected)
from pipelines.accounting import COUNTS_FILE, CountOutcomes
from pipelines.config import RunConfig
from pipelines.decontam import BuildBenchmarkIndex, Decontaminate
from pipelines.dedup import ExactDedup, NearDedup
from pipelines.json_output import WriteJson
from pipelines.manifest import WritePlansAndManifest
from pipelines.profile import PROFILE_FILE, ProfileDocuments, WriteProfiles
from pipelines.read import ReadInputs
from pipelines.stage import ERRORS, REJECTED, ApplyStage, BatchDocuments, Unbatch
from pipelines.stage_builders import BUILDERS, WorkerBuild, build_here
from pipelines.staging import Staging, side_files_by_stage
from pipelines.tokenize import TokenizeDocuments
from pipelines.write import WriteShardedParquet
from reporting.dataset_card import CARD_FILE
from tokenization.manifest import MANIFEST_FILE, PLANS_DIR, TOKENIZER_DIR, TOKENS_DIR

# Replaced by a run, once everything is checked. The manifest goes first: without it the directory
# reads as incomplete.
OUTPUT_PATHS = (MANIFEST_FILE, CARD_FILE, "documents", "rejected", "errors", "stats", TOKENS_DIR, PLANS_DIR, TOKENIZER_DIR,
                "report")
NEAR_DEDUP_FILE = "near_dedup.json"
# Where the report looks at the documents: text as it enters the filters, languages as identified.
PROFILE_POINTS = {"normalize": "normalized", "language": "identified"}


def stage_factories(config: RunConfig, staging: Staging | None = None) -> list:
    """(name, factory) for each enabled per-document stage, in pipeline order.

    Cheap stages first: URL checks need no text, language ID is needed by the
    quality and unsafe rules that follow it. Factories run on the workers, so
    models and lists load once per worker, not into the pickled pipeline; a
    stage with side files fetches them from `staging`. Without a staging (a
    benchmark or notebook building stages in this process), they are read here.
    """
    candidates = [
        ("extract", config.extract.enabled, partial(HtmlExtractor, config.extract)),
        ("normalize", config.normalize.enabled, partial(Normalizer, config.normalize)),
        ("url_filter", config.url_filter.enabled, None),
        ("language", config.language.enabled, None),
        ("quality", config.quality.enabled, partial(QualityFilter, config.quality)),
        ("unsafe_words", config.unsafe_words.enabled, None),
        ("unsafe_classifier", config.unsafe_classifier.enabled,
         partial(UnsafeClassifierFilter, config.unsafe_classifier)),
    ]
    return [(name, factory or side_file_stage(config, name, staging))
            for name, enabled, factory in candidates if enabled]


def side_file_stage(config: RunConfig, name: str, staging: Staging | None):
    """The factory of a stage that reads side files (pipelines/stage_builders.py)."""
    assert name in BUILDERS, name
    files = side_files_by_stage(config).get(name, [])
    if staging is None:
        return partial(build_here, name, getattr(config, name), files)
    return WorkerBuild(name, getattr(config, name), staging.select(files))


def configuration_warnings(config: RunConfig) -> list:
    """Stages that are on but have nothing to filter with: said at start, not silently passed."""
    warnings = []
    url = config.url_filter
    if url.enabled and not (url.lists or url.banned_words or url.soft_banned_words or url.banned_subwords):
        warnings.append("url_filter is on but has no lists: every URL passes "
                        "(set url_filter.lists, or run `tokenmill assets fetch`)")
    if config.decontaminate.enabled and not config.decontaminate.benchmarks:
        warnings.append("decontaminate is on but has no benchmark files: nothing is checked "
                        "(set decontaminate.benchmarks to NAME=PATH entries)")
    if config.unsafe_words.enabled and not config.unsafe_words.lists:
        warnings.append("unsafe_words is on but has no word lists: every document passes "
                        "(set unsafe_words.lists, or run `tokenmill assets fetch`)")
    return warnings


def build_curation(pipeline: beam.Pipeline, config: RunConfig, files: list, staging: Staging) -> None:
    """`staging`: where workers find the side files (the given tokenizer among them)."""
    read = pipeline | "Read" >> ReadInputs(files, config.read)
    batches, rejected, errors = read.items | "Batch" >> BatchDocuments(), [], [read[ERRORS]]
    written = []        # paths of every file written: the manifest waits for all of them

    def route(out):
        """Keep the stage's documents flowing; collect what it rejected and failed on."""
        rejected.append(out[REJECTED])
        errors.append(out[ERRORS])
        return out.kept

    if not config.extract.enabled:
        batches = route(batches | "NoExtraction" >> ApplyStage("extract", lambda: refuse_raw_pages))
    profiles = {}
    for name, factory in stage_factories(config, staging):
        batches = route(batches | name >> ApplyStage(name, factory))
        if name in PROFILE_POINTS:
            profiles[PROFILE_POINTS[name]] = (batches | f"Unbatch_{name}" >> Unbatch()
                                              | f"Profile_{name}" >> ProfileDocuments())
    items = _deduplicate(config, batches | "Unbatch" >> Unbatch(), rejected, written)
    batches = items | "BatchDeduplicated" >> BatchDocuments()
    if config.pii.enabled:
        batches = route(batches | "pii" >> ApplyStage("pii", side_file_stage(config, "pii", staging)))
    checked = []        # how each benchmark's items are checked, for the manifest
    if config.decontaminate.enabled and config.decontaminate.benchmarks:
        staged = staging.select(side_files_by_stage(config)["decontaminate"])
        benchmarks = pipeline | "BenchmarkIndex" >> BuildBenchmarkIndex(config.decontaminate, staged)
        batches = route(batches | "Decontaminate" >> Decontaminate(config.decontaminate, benchmarks["index"]))
        checked.append(benchmarks["coverage"])
    items = batches | "UnbatchKept" >> Unbatch()
    profiles["kept"] = items | "Profile_kept" >> ProfileDocuments(progress_kind="kept")
    written.append(profiles | "WriteProfiles" >> WriteProfiles(FileSystems.join(config.output, "stats",
                                                                                 PROFILE_FILE)))
    all_rejected = rejected | "AllRejected" >> beam.Flatten() if rejected else (
        pipeline | "NoRejected" >> beam.Create([]))
    if config.write.rejected_text == "excerpt":
        all_rejected = all_rejected | "RejectedExcerpts" >> beam.Map(cut_rejected_text,
                                                                     config.write.rejected_excerpt_chars)
    all_errors = errors | "AllErrors" >> beam.Flatten()
    written += _write_outputs(config, items, all_rejected, all_errors)
    funnel = {"read": (read.items, read[ERRORS]) | "AllRead" >> beam.Flatten(), "kept": items,
              "rejected": all_rejected, "errors": all_errors} | "Accounting" >> CountOutcomes(
                  spec.source for spec in files)
    written.append(funnel | "WriteCounts" >> WriteJson(FileSystems.join(config.output, "stats", COUNTS_FILE)))
    _tokenize_and_finish(pipeline, config, items, funnel, written, staging, checked)


def _tokenize_and_finish(pipeline, config: RunConfig, items, funnel, written: list, staging: Staging,
                         decontamination: list) -> None:
    """Token shards and plans when tokenization is on; the manifest always, after every other file."""
    if config.tokenize.enabled:
        given = staging.select(side_files_by_stage(config)["tokenize"])
        tokenized = items | "Tokenize" >> TokenizeDocuments(config.output, config.tokenize,
                                                            next(iter(given.values()), None))
        written.append(tokenized.pop("tokenizer_file"))
    else:
        tokenized = {name: pipeline | f"No_{name}" >> beam.Create([])
                     for name in ("shards", "tokenizer", "languages", "layout")}
    decontamination = decontamination[0] if decontamination else pipeline | "NoBenchmarks" >> beam.Create([])
    {**tokenized, "funnel": funnel, "written": written | "AllWritten" >> beam.Flatten(),
     "decontamination": decontamination} | (
        "PlansAndManifest" >> WritePlansAndManifest(config.output, config.plans, config.recorded(),
                                                    config.tokenize.seq_len, with_plans=config.tokenize.enabled))


def _deduplicate(config: RunConfig, items, rejected: list, written: list):
    """After the filters, so that less is shuffled; before PII, so placeholders merge nothing."""
    if config.exact_dedup.enabled:
        items, dropped = items | "exact_dedup" >> ExactDedup(config.exact_dedup.by_url)
        rejected.append(dropped)
    if config.near_dedup.enabled:
        items, dropped, report = items | "near_dedup" >> NearDedup(config.near_dedup)
        rejected.append(dropped)
        written.append(report | "WriteNearDedupReport" >> WriteJson(
            FileSystems.join(config.output, "stats", NEAR_DEDUP_FILE)))
    return items


def document_size(doc) -> int:
    """About the bytes a document takes in a shard: its text and a fixed allowance for the rest."""
    return len(doc.text) + 256


def row_size(row) -> int:
    return sum(len(value) for value in vars(row).values() if isinstance(value, str)) + 64


def _write_outputs(config: RunConfig, documents, rejected, errors) -> list:
    """The paths written, as three PCollections."""
    out, shards = config.output, config.write
    size = {"shard_size": shards.shard_mb << 20}
    write_documents = WriteShardedParquet(
        FileSystems.join(out, "documents"), "documents", shards.document_shards, DOCUMENT_SCHEMA,
        document_row, sort_key_document, shard_key=lambda doc: doc.id, size_of=document_size, **size)
    write_rejected = WriteShardedParquet(
        FileSystems.join(out, "rejected"), "rejected", shards.rejected_shards, REJECTED_SCHEMA,
        rejected_row_dict, sort_key_rejected, shard_key=lambda row: row.id, size_of=row_size, **size)
    write_errors = WriteShardedParquet(
        FileSystems.join(out, "errors"), "errors", shards.error_shards, ERROR_SCHEMA,
        error_row_dict, sort_key_error, shard_key=lambda row: row.location, size_of=row_size, **size)
    return [documents | "WriteDocuments" >> write_documents,
            rejected | "WriteRejected" >> write_rejected,
            errors | "WriteErrors" >> write_errors]
