"""The last step of a run: budget plans, the dataset card, then manifest.json, each written atomically.

The manifest comes last, so that its presence means every shard and plan
before it was written; `tokenmill inspect validate` says "incomplete" without it.
"""
from __future__ import annotations

import io

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from pipelines.atomic_files import write_atomically
from pipelines.json_output import write_json_atomically
from reporting.dataset_card import CARD_FILE, TOKENS_CARD_FILE, dataset_card, tokens_card
from tokenization.budgets import parse_budgets
from tokenization.manifest import MANIFEST_FILE, PLANS_DIR, build_manifest, file_entry
from tokenization.plans import build_plan, plan_bytes
from tokenization.settings import PlansConfig

def _finish(_, output: str, plans: PlansConfig, recorded: dict, with_plans: bool, shards: list, tokenizer,
            layouts: list, languages: list, funnel: dict, written: list, decontamination: list, seq_len: int):
    layout = layouts[0] if layouts else {"seq_len": seq_len}
    manifest = build_manifest(shards, tokenizer, layout, languages, recorded["config"],
                              recorded["config_hash"], funnel)
    if decontamination:
        manifest["decontamination"] = decontamination[0]
    # Plans read the shards and counts, never `files`: built first, they are listed there like the cards.
    written_here = {name: card.encode() for name, card in _cards(manifest).items()}
    for budget in parse_budgets(plans.budgets) if with_plans else []:
        written_here[f"{PLANS_DIR}/{budget.name}.json"] = plan_bytes(build_plan(manifest, budget, plans.settings()))
    entries = [file_entry(name, io.BytesIO(data)) for name, data in written_here.items()]
    manifest["files"] = sorted([*written, *entries], key=lambda entry: entry["path"])
    for name, data in written_here.items():
        write_atomically(FileSystems.join(output, *name.split("/")), lambda handle, data=data: handle.write(data))
    write_json_atomically(FileSystems.join(output, MANIFEST_FILE), manifest)
    yield manifest["totals"]


def _cards(manifest: dict) -> dict:
    """Relative path -> text of each dataset card: the output root's, and the token shards' when there are any."""
    cards = {CARD_FILE: dataset_card(manifest)}
    if manifest["shards"]:
        cards[TOKENS_CARD_FILE] = tokens_card(manifest)
    return cards


def _relative(path: str, output: str) -> str:
    return path[len(output):].lstrip("/\\") if path.startswith(output) else path


def _describe(path: str, output: str) -> dict:
    """Size and checksum of a file just written, read back where it was written (in parallel).

    `path` is where it was written, or its path below `output`."""
    relative = _relative(path, output)
    with FileSystems.open(FileSystems.join(output, relative),
                          compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        return file_entry(relative, handle)


class WritePlansAndManifest(beam.PTransform):
    """Takes the dict TokenizeDocuments returns, the accounting report ("funnel"), the paths of
    every other file written ("written") and how each benchmark was checked ("decontamination",
    empty without one): it runs only once they all exist."""

    def __init__(self, output: str, plans: PlansConfig, recorded: dict, seq_len: int, with_plans: bool = True):
        super().__init__()
        self._output, self._plans, self._recorded, self._seq_len = output, plans, recorded, seq_len
        self._with_plans = with_plans

    def expand(self, parts):
        side = beam.pvalue
        written = parts["written"] | "DescribeFiles" >> beam.Map(_describe, self._output)
        return (parts["funnel"].pipeline | "Once" >> beam.Impulse()
                | "Finish" >> beam.FlatMap(
                    _finish, self._output, self._plans, self._recorded, self._with_plans,
                    side.AsList(parts["shards"]), side.AsSingleton(parts["tokenizer"], default_value=None),
                    side.AsList(parts["layout"]), side.AsList(parts["languages"]),
                    side.AsSingleton(parts["funnel"]), side.AsList(written),
                    side.AsList(parts["decontamination"]), self._seq_len))
