"""The curation pipeline: read, the stages of pipelines/stage_list.py with the plugins among them, write.

`build_curation` walks the stage list in order and applies each stage by its phase: per-document
stages (and plugins) through ApplyStage on batches, dedup stages on the whole corpus,
decontamination with its index as a side input. Everything that leaves a stage is written and
counted, so every read record ends in exactly one of documents/, rejected/ or errors/.
"""
from __future__ import annotations

from functools import partial

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from corpus.document import ErrorRecord, Rejected, cut_rejected_text
from corpus.html_extract import refuse_raw_pages
from corpus.parquet_rows import (ERROR_SCHEMA, SORT_DOCUMENT, SORT_ERROR, SORT_REJECTED, TIE_ORDER_REJECTED,
                                 RecordColumns)
from pipelines.accounting import COUNTS_FILE, CountOutcomes, parts
from pipelines.config import RunConfig
from pipelines.decontam import BuildBenchmarkIndex, Decontaminate
from pipelines.dedup import JOIN_BY_SIDE_INPUT_MAX_INPUT_BYTES, Dedup, DedupBatches, text_bytes_bound
from pipelines.input_names import normal_path
from pipelines.json_output import WriteJson
from pipelines.manifest import WritePlansAndManifest
from pipelines.memo_forms import memo_form
from pipelines.output_schemas import output_schemas
from pipelines.profile import PROFILE_FILE, ProfileBundles, WriteProfiles
from pipelines.plugins import Plugin, PluginStage, load_factory
from pipelines.reuse import PROFILES, READ, CachedPrefix, cached_stages
from pipelines.reuse_keys import prefix_key
from pipelines.reuse_signatures import SignatureCache
from pipelines.reuse_stages import ReusedStage, stage_key
from pipelines.stage import ERRORS, REJECTED, ApplyStage, BatchDocuments, Unbatch
from pipelines.stage_builders import BUILDERS, WorkerBuild, build_here
from pipelines.stage_list import AFTER_DEDUP, DEDUP, PER_DOCUMENT, SIDE_INPUT, enabled_stages
from pipelines.staging import Staging, side_files_by_stage
from pipelines.tokenize import TokenizeDocuments
from pipelines.tokenize_check import engine_for_given_model
from pipelines.write import ShardedTable, WriteShardedTables
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
    """(name, factory) for each enabled per-document stage before dedup, plugins among them, in pipeline
    order (pipelines/stage_list.py).

    Factories run on the workers, so models and lists load once per worker, not into the pickled
    pipeline; a stage with side files fetches them from `staging`. Without a staging (a benchmark or
    notebook building stages in this process), they are read here.
    """
    return [(name, stage_factory(config, stage, staging)) for name, stage in enabled_stages(config)
            if isinstance(stage, Plugin) or stage.phase == PER_DOCUMENT]


def stage_factory(config: RunConfig, stage, staging: Staging | None):
    """The worker-side factory of a per-document stage: a plugin, a stage with side files, or any other."""
    if isinstance(stage, Plugin):
        return PluginStage(stage, output_schemas(config)[0])
    if stage.side_files:
        return side_file_stage(config, stage.name, staging)
    return partial(load_factory(stage.factory), getattr(config, stage.section))


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


def build_curation(pipeline: beam.Pipeline, config: RunConfig, files: list, staging: Staging,
                   run_id: str = "run") -> None:
    """`staging`: where workers find the side files (the given tokenizer among them); `run_id` names the
    stage result files this run writes to its cache (pipelines/reuse_stages.py)."""
    read, cached = _read_and_prefix(pipeline, config, files, staging)
    rejected, errors = [read[REJECTED]], [read[ERRORS]]
    written = []        # paths of every file written: the manifest waits for all of them

    def route(out):
        """Keep the stage's documents flowing; collect what it rejected and failed on."""
        rejected.append(out[REJECTED])
        errors.append(out[ERRORS])
        return out.kept

    flow, checked = _Flow(None), []     # checked: how each benchmark is checked, for the manifest
    flow.set_batches(read["items"])
    profiles = [read[PROFILES]]     # partial profiles (point, profile): the cached prefix's, per input file
    stages = enabled_stages(config)
    together = _dedups_together(stages)
    input_bytes = sum(spec.size_bytes for spec in files)
    for name, stage in stages[len(cached):]:
        if isinstance(stage, Plugin) or stage.phase in (PER_DOCUMENT, AFTER_DEDUP):
            flow.set_batches(route(flow.batches(name) | name >> _per_document(config, name, stage, staging, run_id)))
            if name in PROFILE_POINTS:
                profiles.append(flow.batches(name) | f"Profile_{name}" >> beam.ParDo(
                    ProfileBundles(PROFILE_POINTS[name])))
        elif stage.phase == DEDUP and not (together and name == "near_dedup"):
            in_batches = _joins_in_batches(config, name, stages, text_bytes_bound(files))
            _dedup(config, name, together, in_batches, input_bytes, flow, rejected, written, run_id)
        elif stage.phase == SIDE_INPUT and config.decontaminate.benchmarks:
            staged = staging.select(side_files_by_stage(config)["decontaminate"])
            benchmarks = pipeline | "BenchmarkIndex" >> BuildBenchmarkIndex(config.decontaminate, staged)
            flow.set_batches(route(flow.batches(name) | "Decontaminate" >> Decontaminate(
                config.decontaminate, benchmarks["index"])))
            checked.append(benchmarks["coverage"])
    profiles.append(flow.batches("kept") | "Profile_kept" >> beam.ParDo(ProfileBundles("kept", progress_kind="kept")))
    points = [PROFILE_POINTS[name] for name, _ in stages if name in PROFILE_POINTS] + ["kept"]
    written.append(tuple(profiles) | "WriteProfiles" >> WriteProfiles(
        FileSystems.join(config.output, "stats", PROFILE_FILE), points))
    # The rejected rows and errors stay in their producers' PCollections: the writer and the accounting
    # size and count each where it is made, and the writer flattens them (typed, so that pipelines/coders.py
    # codes the rows; several producers' outputs are untyped and Beam would pickle them).
    if config.write.rejected_text == "excerpt":
        rejected = [part | f"RejectedExcerpts{index}" >> beam.Map(
            cut_rejected_text, config.write.rejected_excerpt_chars).with_output_types(Rejected)
            for index, part in enumerate(rejected)]
    outputs = _write_outputs(config, flow.batches("kept"), rejected, errors)
    written += outputs
    funnel = {"read": read[READ], "kept": flow.batches("kept"),
              **parts("rejected", rejected), **parts("errors", errors)} | "Accounting" >> CountOutcomes(
                  spec.source for spec in files)
    # The counts only once documents/, rejected/ and errors/ are written: a run that fails in the writers
    # must not leave balanced counts beside outputs that do not hold them.
    written.append(funnel | "WriteCounts" >> WriteJson(FileSystems.join(config.output, "stats", COUNTS_FILE),
                                                        after=outputs[0]))
    _tokenize_and_finish(pipeline, config, flow.batches("kept"), funnel, written, staging, checked, files)


def _per_document(config: RunConfig, name: str, stage, staging: Staging, run_id: str):
    """ApplyStage, or for the stages whose results are kept per document (pipelines/reuse_stages.py) the
    same with earlier results looked up."""
    factory = stage_factory(config, stage, staging)
    form = memo_form(config, name)
    if form is None:
        return ApplyStage(name, factory)
    hashes = _content_hashes(staging, side_files_by_stage(config).get(name, []))
    return ReusedStage(name, factory, stage_key(config, name, hashes), normal_path(config.output),
                       [normal_path(earlier) for earlier in config.reuse], run_id, form)


def _content_hashes(staging: Staging, side_files: list) -> dict:
    """location -> sha256 of the side files' contents: what reuse keys name them by (pipelines/reuse_keys.py)."""
    return {location: staged.sha256 for location, staged in staging.select(side_files).items()}


def _read_and_prefix(pipeline, config: RunConfig, files: list, staging: Staging) -> tuple:
    """The read and the cached per-document stages (pipelines/reuse.py), one input file at a time; and
    which of enabled_stages they ran."""
    cached = cached_stages(enabled_stages(config))
    stages = [] if config.extract.enabled else [("extract", lambda: refuse_raw_pages)]
    stages += [(name, stage_factory(config, stage, staging)) for name, stage in cached if name != "quality"]
    by_stage = side_files_by_stage(config)
    hashes = {name: _content_hashes(staging, by_stage.get(name, [])) for name, _ in cached}
    quality = config.quality if any(name == "quality" for name, _ in cached) else None
    key = prefix_key(config, [name for name, _ in stages] + (["quality"] if quality else []), hashes)
    points = {name: PROFILE_POINTS[name] for name, _ in cached if name in PROFILE_POINTS}
    prefix = pipeline | "Read" >> CachedPrefix(files, config.read, stages, quality, points, key,
                                               normal_path(config.output), [normal_path(earlier) for earlier in config.reuse])
    return prefix, cached


def _tokenize_and_finish(pipeline, config: RunConfig, kept_batches, funnel, written: list, staging: Staging,
                         decontamination: list, files: list) -> None:
    """Token shards and plans when tokenization is on; the manifest always, after every other file.
    The kept documents are encoded in the batches they arrive in (no unbatching and batching again).
    A given model's engine is chosen here, on the launcher, from the text of `files` (the inputs)."""
    if config.tokenize.enabled:
        given = next(iter(staging.select(side_files_by_stage(config)["tokenize"]).values()), None)
        engine = engine_for_given_model(config, files, staging.payload(given)) if given else None
        tokenized = kept_batches | "Tokenize" >> TokenizeDocuments(config.output, config.tokenize, given, engine)
        written.append(tokenized.pop("tokenizer_file"))
    else:
        tokenized = {name: pipeline | f"No_{name}" >> beam.Create([])
                     for name in ("shards", "tokenizer", "languages", "layout")}
    decontamination = decontamination[0] if decontamination else pipeline | "NoBenchmarks" >> beam.Create([])
    {**tokenized, "funnel": funnel, "written": written | "AllWritten" >> beam.Flatten(),
     "decontamination": decontamination} | (
        "PlansAndManifest" >> WritePlansAndManifest(config.output, config.plans, config.recorded(),
                                                    config.tokenize.seq_len, with_plans=config.tokenize.enabled))


class _Flow:
    """The documents between stages: in batches for per-document stages, one by one for the dedup
    shuffles and the profiles; converted only where the next step needs the other form."""

    def __init__(self, batches):
        self._batches, self._items = batches, None

    def batches(self, before: str):
        if self._batches is None:
            self._batches = self._items | f"Batch_{before}" >> BatchDocuments()
        return self._batches

    def items(self, before: str):
        if self._items is None:
            self._items = self._batches | f"Unbatch_{before}" >> Unbatch()
        return self._items

    def set_batches(self, batches) -> None:
        self._batches, self._items = batches, None

    def set_items(self, items) -> None:
        self._batches, self._items = None, items


def _dedups_together(stages: list) -> bool:
    """Exact and near dedup side by side (no plugin between): one transform, one join of the documents."""
    names = [name for name, _ in stages]
    return "exact_dedup" in names and names[names.index("exact_dedup") + 1:][:1] == ["near_dedup"]


def _joins_in_batches(config: RunConfig, name: str, stages: list, text_bytes: int) -> bool:
    """Whether a dedup stage leaves the documents in their batches and takes its decisions as side inputs
    (DedupBatches): for inputs up to JOIN_BY_SIDE_INPUT_MAX_INPUT_BYTES (`text_bytes`: dedup.text_bytes_bound),
    not for exact dedup by URL (it compares whole documents), and only on the ids the readers made, unique
    by construction (docs/design.md): a plugin before it may have changed them, and the shuffle's join is
    the one that copes with equal ids."""
    names = [stage_name for stage_name, _ in stages]
    plugin_before = any(isinstance(stage, Plugin) for _, stage in stages[:names.index(name)])
    by_url = name == "exact_dedup" and config.exact_dedup.by_url
    return text_bytes <= JOIN_BY_SIDE_INPUT_MAX_INPUT_BYTES and not by_url and not plugin_before


def _dedup(config: RunConfig, name: str, together: bool, in_batches: bool, input_bytes: int, flow: "_Flow",
           rejected: list, written: list, run_id: str) -> None:
    """A stage of the `dedup` phase (both, when `together`): the kept documents go on in `flow`, drops into
    `rejected`. `in_batches` (_joins_in_batches): DedupBatches, otherwise Dedup, which shuffles the
    documents to their decisions; the outputs are the same either way. Near dedup's signatures are kept
    and looked up per document (pipelines/reuse_signatures.py)."""
    exact, near = name == "exact_dedup", name == "near_dedup" or together
    label = "dedup" if together else name
    signatures = SignatureCache.for_run(config.near_dedup, normal_path(config.output),
                                        [normal_path(earlier) for earlier in config.reuse], run_id) if near else None
    near_config = config.near_dedup if near else None
    if in_batches:
        kept, dropped, report = flow.batches(name) | label >> DedupBatches(exact, near_config, input_bytes, signatures)
        flow.set_batches(kept)
    else:
        by_url = exact and config.exact_dedup.by_url
        kept, dropped, report = flow.items(name) | label >> Dedup(exact, by_url, near_config, input_bytes, signatures)
        flow.set_items(kept)
    rejected.append(dropped)
    if near:
        written.append(report | "WriteNearDedupReport" >> WriteJson(
            FileSystems.join(config.output, "stats", NEAR_DEDUP_FILE)))


def document_size(doc) -> int:
    """About the bytes a document takes in a shard: its text and a fixed allowance for the rest."""
    return len(doc.text) + 256


def row_size(row) -> int:
    return sum(len(value) for value in vars(row).values() if isinstance(value, str)) + 64


def _write_outputs(config: RunConfig, batches, rejected, errors) -> list:
    """The paths written, as one PCollection: the three outputs share one writer (one size total,
    one shuffle), so they cost the fused stages of one. `batches`: the kept documents in lists."""
    out, shards = config.output, config.write
    size = {"shard_size": shards.shard_mb << 20}
    document_schema, rejected_schema = output_schemas(config)
    tables = [
        ShardedTable(FileSystems.join(out, "documents"), "documents", shards.document_shards, document_schema,
                     RecordColumns(document_schema), SORT_DOCUMENT, shard_key=lambda doc: doc.id,
                     size_of=document_size, batched=True, **size),
        ShardedTable(FileSystems.join(out, "rejected"), "rejected", shards.rejected_shards, rejected_schema,
                     RecordColumns(rejected_schema), SORT_REJECTED, shard_key=lambda row: row.id,
                     size_of=row_size, tie_order=TIE_ORDER_REJECTED, element_type=Rejected, **size),
        ShardedTable(FileSystems.join(out, "errors"), "errors", shards.error_shards, ERROR_SCHEMA,
                     RecordColumns(ERROR_SCHEMA), SORT_ERROR, shard_key=lambda row: row.location,
                     size_of=row_size, element_type=ErrorRecord, **size)]
    return [(batches, *rejected, *errors) | "WriteOutputs" >> WriteShardedTables(tables, [1, len(rejected), len(errors)])]
