"""Budget plans: how one tokenized corpus feeds a training budget.

A plan says how many sequences the budget needs, how many each source gives
(by weight: default its share of unique tokens), how many epochs that takes,
and, where the epoch cap binds, the shortfall in plain words. Its `order`
lists per source the (shard, epoch, first position, count) entries in a seeded
order; the loader reads them and interleaves sources with `blend.Blend`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from tokenization.budgets import Budget
from tokenization.manifest import shards_by_source
from tokenization.ordering import seeded_order

PLAN_VERSION = "1"


@dataclass
class PlanSettings:
    epoch_cap: float = 4.0        # Muennighoff et al. 2023: up to ~4 epochs of repetition costs little
    weights: dict = field(default_factory=dict)   # source -> weight; default: unique tokens
    seed: int = 0
    hosts: int = 1                # data-parallel hosts the plan is split across


def build_plan(manifest: dict, budget: Budget, settings: PlanSettings) -> dict:
    seq_len = manifest["seq_len"]
    needed = -(-budget.tokens // seq_len)
    shards = {source: [(entry["path"], entry["rows"]) for entry in entries]
              for source, entries in shards_by_source(manifest).items()}
    unique = {source: sum(rows for _, rows in items) for source, items in shards.items()}
    wanted = _apportion(needed, _weights(unique, settings.weights))
    sources, order = {}, {}
    for source in sorted(unique):
        cap = int(settings.epoch_cap * unique[source])
        planned = min(wanted[source], cap)
        sources[source] = _source_entry(unique[source], wanted[source], planned, seq_len,
                                        settings.weights.get(source), wanted, needed)
        order[source] = _source_order(shards[source], planned, settings.seed, source)
    planned_total = sum(entry["sequences_planned"] for entry in sources.values())
    hosts = max(1, settings.hosts)
    return {
        "plan_version": PLAN_VERSION, "budget": budget.name, "target_tokens": budget.tokens,
        "seq_len": seq_len, "sequences_needed": needed, "sequences_planned": planned_total,
        "tokens_planned": planned_total * seq_len, "satisfiable": planned_total >= needed,
        "shortfall_tokens": max(0, needed - planned_total) * seq_len,
        "epoch_cap": settings.epoch_cap, "seed": settings.seed,
        "tokenizer_sha256": (manifest.get("tokenizer") or {}).get("sha256"),
        "statement": _statement(budget, needed, planned_total, sources, settings.epoch_cap, seq_len),
        "sources": sources, "order": order,
        "split": {"hosts": hosts, "sequences_per_host": planned_total // hosts,
                  "sequences_unused": planned_total % hosts},
    }


def plan_bytes(plan: dict) -> bytes:
    """A plan as written to plans/<name>.json: the same plan always gives the same bytes (the loader's
    saved states name the plan by their sha256)."""
    return json.dumps(plan, indent=1, sort_keys=True).encode()


def _weights(unique: dict, given: dict) -> dict:
    if not given:
        return dict(unique)
    return {source: float(given.get(source, 0.0)) for source in unique}


def _apportion(total: int, weights: dict) -> dict:
    """Largest-remainder split of `total` by weight: the parts add up exactly."""
    weight_sum = sum(weights.values())
    if weight_sum <= 0:
        return {source: 0 for source in weights}
    exact = {source: total * weight / weight_sum for source, weight in weights.items()}
    parts = {source: int(value) for source, value in exact.items()}
    by_remainder = sorted(weights, key=lambda source: (-(exact[source] - parts[source]), source))
    for source in by_remainder[:total - sum(parts.values())]:
        parts[source] += 1
    return parts


def _source_entry(unique: int, wanted: int, planned: int, seq_len: int, given_weight,
                  wanted_all: dict, needed: int) -> dict:
    return {
        "unique_sequences": unique, "unique_tokens": unique * seq_len,
        "weight": round(wanted / needed, 6) if needed else 0.0,
        "weight_given": given_weight,
        "sequences_wanted": wanted, "sequences_planned": planned,
        "epochs": round(planned / unique, 4) if unique else 0.0,
        "epochs_wanted": round(wanted / unique, 4) if unique else None,
        "capped": planned < wanted,
        "shortfall_tokens": (wanted - planned) * seq_len,
    }


def _source_order(shards: list, planned: int, seed: int, source: str) -> list:
    """Whole epochs over every shard, then part of one more, each epoch in its own seeded order."""
    rows = dict(shards)
    total = sum(rows.values())
    entries, epoch, left = [], 0, planned
    while left > 0 and total > 0:
        for path in seeded_order([path for path, count in shards if count], seed, source, epoch):
            take = min(rows[path], left)
            entries.append([path, epoch, 0, take])
            left -= take
            if not left:
                break
        epoch += 1
    return entries


def _statement(budget: Budget, needed: int, planned: int, sources: dict, cap: float, seq_len: int) -> str:
    if not sources or all(entry["unique_sequences"] == 0 for entry in sources.values()):
        return f"{budget.name}: the corpus holds no tokens, so nothing can be planned."
    if planned >= needed:
        return (f"{budget.name}: satisfiable: {needed:,} sequences of {seq_len:,} tokens, "
                f"at most {max(e['epochs'] for e in sources.values()):g} epochs of any source.")
    short = (needed - planned) * seq_len
    capped = ", ".join(f"{name} would need {entry['epochs_wanted']:,.1f} epochs"
                       for name, entry in sources.items() if entry["capped"])
    return (f"{budget.name}: SHORT by {short:,} tokens ({short / (needed * seq_len):.2%} of the budget). "
            f"With at most {cap:g} epochs per source the corpus gives {planned * seq_len:,} of "
            f"{needed * seq_len:,} tokens; {capped}. More unique data is needed.")
