"""The end-of-run summary printed to the terminal: per source, where every record went."""
from __future__ import annotations


def format_funnel(report: dict) -> str:
    lines = []
    for source, entry in sorted(report["sources"].items()):
        accounted = entry["kept"] + entry["dropped"] + entry["errors"]
        verdict = "ok" if accounted == entry["read"] else "MISMATCH"
        lines.append(f"source {source}: read {entry['read']} = kept {entry['kept']} + dropped "
                     f"{entry['dropped']} + errors {entry['errors']}  [{verdict}]")
        for reason, count in sorted(entry["drops"].items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  dropped  {count:>9,}  {reason}")
        for kind, count in sorted(entry["error_types"].items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  error    {count:>9,}  {kind}")
    if not lines:
        lines.append("no records were read")
    return "\n".join(lines)
