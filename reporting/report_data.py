"""report.json: everything a team wants to know about a finished run, from the files it wrote.

Inputs are the JSON files a run writes (counts, profiles, manifest, plans,
near-dedup) and the runner's counters; the result is one plain dict. Reading
and writing are left to the caller, so this works on any filesystem.
"""
from __future__ import annotations

REPORT_VERSION = "1"
# The order documents pass the stages in (pipelines/curate.py).
STAGE_ORDER = ("read", "extract", "normalize", "url_filter", "language", "quality", "unsafe_words",
               "unsafe_classifier", "exact_dedup", "near_dedup", "pii", "decontaminate")


def build_report(counts: dict, profiles: dict, manifest: dict | None, plans: dict, counters: dict,
                 run: dict) -> dict:
    """`counters`: name -> value of the tokenmill metrics; `run`: output, input files and bytes, created."""
    kept_profile = profiles.get("kept", {})
    return {
        "report_version": REPORT_VERSION,
        "run": run,
        "sources": counts.get("sources", {}),
        "funnel": funnel(counts, counters, kept_profile, stage_order(manifest)),
        "stage_seconds": {name[len("time_us."):]: round(value / 1e6, 3)
                          for name, value in sorted(counters.items()) if name.startswith("time_us.")},
        "languages": {point: profiles.get(point, {}).get("languages", {}) for point in ("identified", "kept")},
        "lengths": {point: profiles.get(point, {}).get("length_bins", {}) for point in ("normalized", "kept")},
        "dup_cluster_sizes": kept_profile.get("cluster_sizes", {}),
        "quality_rules": drops_of_stage(counts, "quality"),
        "pii": kept_profile.get("pii", {}),
        "decontamination": (manifest or {}).get("decontamination", {}),
        "tokens": _tokens(manifest),
        "plans": {name: plan_summary(plan) for name, plan in plans.items()},
        "totals": _totals(counts, kept_profile, manifest, run),
    }


def stage_order(manifest: dict | None) -> tuple:
    """STAGE_ORDER with the run's plugins (recorded in the manifest's config) each right after the stage it
    follows, several after one stage in the order given: the order the run applied them in."""
    plugins = ((manifest or {}).get("config") or {}).get("plugins") or []
    order = []
    for stage in STAGE_ORDER:
        order.append(stage)
        order += [plugin["name"] for plugin in plugins if plugin.get("after") == stage]
    return tuple(order)


def funnel(counts: dict, counters: dict, kept_profile: dict, order: tuple = STAGE_ORDER) -> list:
    """Documents (and text bytes where measured) left after each stage of `order`, all sources together."""
    sources = counts.get("sources", {}).values()
    left = sum(entry["read"] for entry in sources)
    rows = [{"stage": "input", "documents": left, "text_bytes": None}]
    for stage in order:
        removed = sum(count for entry in sources for key, count in entry["drops"].items()
                      if key.split(".")[0] == stage)
        removed += sum(count for entry in sources for key, count in entry["error_types"].items()
                       if key.split(".")[0] == stage)
        measured = counters.get(f"bytes_out.{stage}")
        if removed or measured is not None:
            left -= removed
            rows.append({"stage": stage, "documents": left, "text_bytes": measured})
    rows.append({"stage": "kept", "documents": sum(entry["kept"] for entry in sources),
                 "text_bytes": kept_profile.get("text_bytes")})
    return rows


def drops_of_stage(counts: dict, stage: str) -> dict:
    hits: dict = {}
    for entry in counts.get("sources", {}).values():
        for key, count in entry["drops"].items():
            name, _, reason = key.partition(".")
            if name == stage:
                hits[reason] = hits.get(reason, 0) + count
    return dict(sorted(hits.items(), key=lambda item: (-item[1], item[0])))


def plans_by_size(plans: dict) -> dict:
    """Smallest budget first (JSON keeps no order, so whoever draws them sorts)."""
    return dict(sorted(plans.items(), key=lambda item: (item[1]["target_tokens"], item[0])))


def plan_summary(plan: dict) -> dict:
    return {key: plan[key] for key in ("target_tokens", "sequences_needed", "sequences_planned", "satisfiable",
                                       "shortfall_tokens", "epoch_cap", "statement")} | {
        "sources": {source: {key: entry[key] for key in ("unique_tokens", "weight", "epochs", "capped",
                                                         "shortfall_tokens")}
                    for source, entry in plan["sources"].items()}}


def _tokens(manifest: dict | None) -> dict:
    if not manifest:
        return {}
    return {source: {key: entry.get(key, 0) for key in ("tokens", "rows", "documents", "shards",
                                                          "pad_tokens", "tail_tokens", "text_bytes")}
            for source, entry in sorted(manifest["sources"].items())}


def _totals(counts: dict, kept_profile: dict, manifest: dict | None, run: dict) -> dict:
    sources = counts.get("sources", {}).values()
    return {"input_bytes": run.get("input_bytes"),
            "documents_read": sum(entry["read"] for entry in sources),
            "documents_kept": sum(entry["kept"] for entry in sources),
            "text_bytes_kept": kept_profile.get("text_bytes", 0),
            "tokens": (manifest or {}).get("totals", {}).get("tokens", 0)}
