"""The one list of built-in stages is what the config, the builders and the docs say."""
import re
from dataclasses import fields
from pathlib import Path

import apache_beam as beam

from pipelines.config import RunConfig
from pipelines.plugins import load_factory
from pipelines.stage_builders import BUILDERS
from pipelines.stage_list import DEDUP, PHASES, STAGE_NAMES, STAGES

DOCS = Path(__file__).parents[2] / "docs"


def test_every_stage_has_its_config_section_a_known_phase_and_an_importable_factory():
    sections = {spec.name for spec in fields(RunConfig)}
    for stage in STAGES:
        assert stage.section in sections and hasattr(getattr(RunConfig(), stage.section), "enabled"), stage
        assert stage.phase in PHASES and callable(load_factory(stage.factory)), stage
    assert len(set(STAGE_NAMES)) == len(STAGE_NAMES)


def test_the_stages_with_side_files_are_built_by_their_listed_builders_and_dedup_by_its_transforms():
    assert {stage.name for stage in STAGES if stage.side_files} == set(BUILDERS)
    assert all(load_factory(stage.factory) is BUILDERS[stage.name] for stage in STAGES if stage.side_files)
    dedups = [stage for stage in STAGES if stage.phase == DEDUP]
    # the two curate._dedup knows, each a PTransform of pipelines/dedup.py
    assert [stage.name for stage in dedups] == ["exact_dedup", "near_dedup"]
    assert all(issubclass(load_factory(stage.factory), beam.PTransform) for stage in dedups)


def test_the_design_page_and_the_plugin_page_give_the_list_in_its_order():
    design = (DOCS / "design.md").read_text()
    sentence = design[design.index("The order is one list"):].split(". Each entry")[0]
    assert tuple(re.findall(r"`(\w+)`", sentence)) == STAGE_NAMES
    plugins = (DOCS / "plugins.md").read_text()
    bullet = plugins[plugins.index("- `after`:"):].split("the list is")[0]
    assert tuple(re.findall(r"`(\w+)`", bullet))[1:] == STAGE_NAMES
