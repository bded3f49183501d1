"""The report's charts, each drawn with matplotlib into a PNG and returned as a data URI."""
from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

_BLUE, _GREEN, _ORANGE = "#4c72b0", "#55a868", "#dd8452"


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=100)
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _empty(axes, message: str = "nothing to show in this run") -> None:
    axes.text(0.5, 0.5, message, ha="center", va="center", transform=axes.transAxes, color="#777")
    axes.set_xticks([])
    axes.set_yticks([])


def funnel(rows: list) -> str:
    figure, axes = plt.subplots(figsize=(9, 3.8))
    names = [row["stage"] for row in rows]
    axes.bar(names, [row["documents"] for row in rows], color=_BLUE)
    axes.set_ylabel("documents left")
    axes.tick_params(axis="x", rotation=35)
    measured = [(i, row["text_bytes"] / 1e6) for i, row in enumerate(rows) if row["text_bytes"] is not None]
    if measured:
        twin = axes.twinx()
        twin.plot([i for i, _ in measured], [mb for _, mb in measured], "o-", color=_ORANGE)
        twin.set_ylabel("MB of text left", color=_ORANGE)
        twin.set_ylim(bottom=0)
    axes.set_title("funnel: documents and text after each stage")
    return _png(figure)


def paired_bars(title: str, before: dict, after: dict, labels=("before", "after"), top: int = 15) -> str:
    """The `top` keys by total count, each with a before and an after bar."""
    keys = sorted(set(before) | set(after), key=lambda key: -(before.get(key, 0) + after.get(key, 0)))[:top]
    return _pairs(title, keys, before, after, labels, keys)


def lengths(before: dict, after: dict) -> str:
    bins = sorted(set(before) | set(after), key=int)
    return _pairs("document lengths", bins, before, after, ("entering the filters", "kept"),
                  [_bin_label(b) for b in bins], xlabel="characters per document (from)")


def _pairs(title: str, keys: list, before: dict, after: dict, labels, ticks: list, xlabel: str = "") -> str:
    figure, axes = plt.subplots(figsize=(9, 3.8))
    if not keys:
        _empty(axes)
    else:
        positions = range(len(keys))
        axes.bar([p - 0.2 for p in positions], [before.get(k, 0) for k in keys], 0.4, label=labels[0], color=_BLUE)
        axes.bar([p + 0.2 for p in positions], [after.get(k, 0) for k in keys], 0.4, label=labels[1], color=_GREEN)
        axes.set_xticks(list(positions), ticks, rotation=35)
        axes.set_xlabel(xlabel)
        axes.legend()
    axes.set_title(title)
    return _png(figure)


def bars(title: str, counts: dict, xlabel: str = "", horizontal: bool = False) -> str:
    figure, axes = plt.subplots(figsize=(9, 3.8))
    if not counts:
        _empty(axes)
    elif horizontal:
        axes.barh(list(counts)[::-1], list(counts.values())[::-1], color=_BLUE)
    else:
        axes.bar(list(counts), list(counts.values()), color=_BLUE)
        axes.tick_params(axis="x", rotation=35)
    axes.set_xlabel(xlabel)
    axes.set_title(title)
    return _png(figure)


def plan_epochs(plans: dict) -> str:
    """Epochs per source for each budget; a hatched bar where the cap binds."""
    figure, axes = plt.subplots(figsize=(9, 3.8))
    sources = sorted({source for plan in plans.values() for source in plan["sources"]})
    if not plans or not sources:
        _empty(axes)
        return _png(figure)
    width = 0.8 / len(sources)
    for index, source in enumerate(sources):
        xs = [p + index * width for p in range(len(plans))]
        entries = [plan["sources"].get(source, {}) for plan in plans.values()]
        axes.bar(xs, [entry.get("epochs", 0) for entry in entries], width, label=source,
                 hatch=None, edgecolor=["red" if entry.get("capped") else "none" for entry in entries])
    axes.set_xticks([p + 0.4 - width / 2 for p in range(len(plans))],
                    [f"{name}\n{'met' if plan['satisfiable'] else 'SHORT'}" for name, plan in plans.items()])
    axes.set_ylabel("epochs (red edge: capped)")
    axes.legend()
    axes.set_title("budget plans: epochs per source")
    return _png(figure)


def _bin_label(key: str) -> str:
    return "0" if key == "0" else f"{2 ** int(key):,}"
