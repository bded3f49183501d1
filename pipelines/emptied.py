"""A source that a stage emptied: every document that reached the stage was dropped (or failed) there.

A run that keeps nothing of a source is almost always a mistake (a language
label the model never predicts, a threshold on the wrong scale), and an exit
status of 0 would hide it. Computed from stats/counts.json: the documents
that reach a stage are those the stages before it kept.
"""
from __future__ import annotations

# Every stage that can drop or fail a document, in pipeline order (pipelines/curate.py).
STAGE_ORDER = ("read", "extract", "normalize", "url_filter", "language", "quality", "unsafe_words",
               "unsafe_classifier", "exact_dedup", "near_dedup", "pii", "decontaminate")


def _by_stage(counts: dict) -> dict:
    """"stage.reason" -> n as stage -> {reason: n}."""
    stages: dict = {}
    for key, count in counts.items():
        stage, _, reason = key.partition(".")
        stages.setdefault(stage, {})[reason] = count
    return stages


def emptied_sources(report: dict) -> list:
    """One warning per source that some stage emptied, naming the stage and its main reasons."""
    warnings = []
    for source, entry in sorted(report["sources"].items()):
        drops, errors = _by_stage(entry["drops"]), _by_stage(entry["error_types"])
        order = list(STAGE_ORDER) + sorted((set(drops) | set(errors)) - set(STAGE_ORDER))
        reaching = entry["read"]
        for stage in order:
            lost = {**drops.get(stage, {}), **{f"error {kind}": n for kind, n in errors.get(stage, {}).items()}}
            left = reaching - sum(lost.values())
            if reaching > 0 and left <= 0:
                reasons = ", ".join(f"{reason} {count}" for reason, count in
                                    sorted(lost.items(), key=lambda item: (-item[1], item[0]))[:3])
                warnings.append(f"source {source}: {stage} dropped every document that reached it "
                                f"({reaching}; {reasons})")
                break
            reaching = left
    return warnings
