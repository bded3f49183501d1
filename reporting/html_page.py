"""report/index.html: one self-contained page (charts embedded as PNG data) from report.json.

matplotlib is imported only where the charts are drawn: a run writes the page
without them first, and a process of its own draws them (pipelines/report_charts.py).
"""
from __future__ import annotations

import html

from reporting.report_data import plans_by_size

_TOTALS = ("input_bytes", "documents_read", "documents_kept", "text_bytes_kept", "tokens")


CHART_TITLES = (("funnel", "Funnel"), ("languages", "Languages as identified and kept"),
                ("lengths", "Document lengths"), ("dup_clusters", "Near-duplicate cluster sizes"),
                ("quality_rules", "Quality rules"), ("pii", "PII by entity type"), ("tokens", "Tokens per source"),
                ("plans", "Budget plans"))


# (id, title, chart): the page holds every one of them, with a "nothing to show" chart when empty.
def charts(report: dict) -> list:
    from reporting import plots
    tokens = {source: entry["tokens"] for source, entry in report["tokens"].items()}
    clusters = dict(sorted(report["dup_cluster_sizes"].items(), key=lambda item: int(item[0])))
    drawn = [plots.funnel(report["funnel"]),
             plots.paired_bars("documents per language", report["languages"]["identified"],
                               report["languages"]["kept"], ("identified", "kept")),
             plots.lengths(report["lengths"]["normalized"], report["lengths"]["kept"]),
             plots.bars("kept documents by the size of their duplicate cluster", clusters, "cluster size"),
             plots.bars("documents removed per rule", report["quality_rules"], horizontal=True),
             plots.bars("spans redacted in kept documents", report["pii"]),
             plots.bars("tokens in the shards", tokens),
             plots.plan_epochs(plans_by_size(report["plans"]))]
    return [(key, title, uri) for (key, title), uri in zip(CHART_TITLES, drawn)]


# The page a run leaves until its charts are drawn: every section is there, each saying so.
PENDING = ("<p class=\"pending\">This chart is being drawn by a background process and appears on reload within "
           "seconds. If it never does, <code>tokenmill report {output}</code> draws every chart.</p>")


def render(report: dict, with_charts: bool = True) -> str:
    """The page; with_charts=False: every chart's section holds a note that it is being drawn."""
    if with_charts:
        sections = [f'<section id="{key}"><h2>{html.escape(title)}</h2><img alt="{html.escape(title)}" '
                    f'src="{uri}"></section>' for key, title, uri in charts(report)]
    else:
        pending = PENDING.format(output=html.escape(report["run"].get("output", "OUT")))
        sections = [f'<section id="{key}"><h2>{html.escape(title)}</h2>{pending}</section>'
                    for key, title in CHART_TITLES]
    statements = "".join(f"<li>{html.escape(plan['statement'])}</li>"
                         for plan in plans_by_size(report["plans"]).values())
    return _PAGE.format(
        title=html.escape(f"tokenmill run: {report['run'].get('output', '')}"),
        totals=_table(["what", "value"], [[key.replace("_", " "), report["totals"].get(key)] for key in _TOTALS]),
        sources=_table(["source", "read", "kept", "dropped", "errors"],
                       [[name, e["read"], e["kept"], e["dropped"], e["errors"]]
                        for name, e in sorted(report["sources"].items())]),
        times=_table(["stage", "seconds (summed over workers)"], list(report["stage_seconds"].items())),
        statements=statements or "<li>no budgets planned</li>",
        decontamination=_table(["benchmark", "items", "by n-grams", "matched whole", "too short to check"],
                               [[name, e["items"], e["items_ngrams"], e["items_whole"], e["items_too_short"]]
                                for name, e in sorted(report.get("decontamination", {}).items())]),
        charts="\n".join(sections))


def _table(header: list, rows: list) -> str:
    head = "".join(f"<th>{html.escape(str(cell))}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{_cell(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _cell(value) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return html.escape(str(value))


_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 960px; color: #222; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; }}
td, th {{ padding: 0.2em 0.8em; border-bottom: 1px solid #ddd; text-align: right; }}
td:first-child, th:first-child {{ text-align: left; }}
img {{ max-width: 100%; }}
</style></head>
<body>
<h1>{title}</h1>
<h2>Totals</h2>{totals}
<h2>Accounting per source</h2>{sources}
<h2>Time per stage</h2>{times}
<h2>Budgets</h2><ul>{statements}</ul>
<h2>Decontamination: how each benchmark's items are checked</h2>{decontamination}
{charts}
</body></html>
"""
