"""The built-in stages, in pipeline order: one list that build_curation, the config loader and the docs read.

Each entry names the stage (its counters, rejected/ rows and the `after:` of plugins), its config
section (a RunConfig field with an `enabled` switch), its factory and its phase:

- `per_document`: a callable Document -> Document | Drop, built on each worker by `factory(section)`,
  or, for a stage with side files (`side_files`), by `factory(section, contents)` from the staged
  contents of its lists and models (pipelines/stage_builders.py);
- `dedup`: a shuffle over the whole corpus (a PTransform of pipelines/dedup.py);
- `after_dedup`: per document, on the deduplicated documents (PII: placeholders must merge nothing);
- `side_input`: per document, with data the pipeline builds first (the benchmark n-gram index).

Adding a built-in stage is one entry here, its config section in RunConfig, and its module.
Plain Python, no Beam: factories are import paths, resolved where the stage is built.
"""
from __future__ import annotations

from dataclasses import dataclass

PER_DOCUMENT, DEDUP, AFTER_DEDUP, SIDE_INPUT = "per_document", "dedup", "after_dedup", "side_input"
PHASES = (PER_DOCUMENT, DEDUP, AFTER_DEDUP, SIDE_INPUT)


@dataclass(frozen=True)
class StageSpec:
    name: str
    section: str              # the RunConfig field with the stage's options
    phase: str
    factory: str              # "module:callable": the stage's factory, builder or PTransform
    side_files: bool = False  # built from staged side files (lists, models)


# Cheap stages first: URL checks need no text; language ID is needed by the quality and unsafe rules
# after it. Dedup after the filters, so that less is shuffled; PII after dedup, so that placeholders
# merge nothing; decontamination last.
STAGES = (
    StageSpec("extract", "extract", PER_DOCUMENT, "corpus.html_extract:HtmlExtractor"),
    StageSpec("normalize", "normalize", PER_DOCUMENT, "corpus.normalize:Normalizer"),
    StageSpec("url_filter", "url_filter", PER_DOCUMENT, "pipelines.stage_builders:build_url_filter", side_files=True),
    StageSpec("language", "language", PER_DOCUMENT, "pipelines.stage_builders:build_language", side_files=True),
    StageSpec("quality", "quality", PER_DOCUMENT, "filters.quality.quality_filter:QualityFilter"),
    StageSpec("unsafe_words", "unsafe_words", PER_DOCUMENT, "pipelines.stage_builders:build_unsafe_words",
              side_files=True),
    StageSpec("unsafe_classifier", "unsafe_classifier", PER_DOCUMENT,
              "filters.unsafe_classifier:UnsafeClassifierFilter"),
    StageSpec("exact_dedup", "exact_dedup", DEDUP, "pipelines.dedup:ExactDedup"),
    StageSpec("near_dedup", "near_dedup", DEDUP, "pipelines.dedup:NearDedup"),
    StageSpec("pii", "pii", AFTER_DEDUP, "pipelines.stage_builders:build_pii", side_files=True),
    StageSpec("decontaminate", "decontaminate", SIDE_INPUT, "pipelines.decontam:Decontaminate"),
)
STAGE_NAMES = tuple(stage.name for stage in STAGES)
# The run's own steps that are not stages, timed for the report since 2026-12-02 (pipelines/stage_time.py;
# the reuse cache's reads and writes since 2026-12-04);
# with tokenize (pipelines/tokenize.py), the report's times that are no stage's: a plugin of one of these
# names would have its time summed into theirs.
RUN_STEPS = ("read", "write", "near_dedup_clusters", "cache")
TIMED_STEPS = RUN_STEPS + ("tokenize",)


def enabled_stages(config) -> list:
    """The built-in stages that are on, and each plugin right after the stage it names (plugins after the
    same stage in the order given), as (name, spec or Plugin). A plugin runs at its stage's place
    whether or not that stage is on."""
    plugins = config.plugin_list()
    order = []
    for stage in STAGES:
        if getattr(config, stage.section).enabled:
            order.append((stage.name, stage))
        order += [(plugin.name, plugin) for plugin in plugins if plugin.after == stage.name]
    return order
