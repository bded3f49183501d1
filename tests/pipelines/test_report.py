"""Every run writes report/report.json and a self-contained report/index.html holding every chart."""
import json
import re

from beam_runner import main
from reporting.html_page import charts

CHART_IDS = ["funnel", "languages", "lengths", "dup_clusters", "quality_rules", "pii", "tokens", "plans"]


def test_the_report_holds_the_runs_numbers(tokenized_output):
    report = json.loads((tokenized_output / "report" / "report.json").read_text())
    counts = json.loads((tokenized_output / "stats" / "counts.json").read_text())
    manifest = json.loads((tokenized_output / "manifest.json").read_text())
    assert report["sources"] == counts["sources"]
    assert report["funnel"][0]["documents"] == 120 and report["funnel"][-1]["documents"] == 120
    assert report["totals"]["tokens"] == manifest["totals"]["tokens"]
    assert report["totals"]["input_bytes"] == sum(p.stat().st_size for p in tokenized_output.parent.glob("*.jsonl"))
    assert {s: e["tokens"] for s, e in report["tokens"].items()} == {
        s: e["tokens"] for s, e in manifest["sources"].items()}
    assert report["stage_seconds"]["tokenize"] > 0
    # the run's own steps that are not per-document stages are timed too (pipelines/stage_time.py)
    assert report["stage_seconds"]["read"] > 0 and report["stage_seconds"]["write"] > 0
    assert report["stage_seconds"]["cache"] > 0         # the reuse cache's keys and entries
    assert set(report["plans"]) == {"tiny", "2T", "8T", "13T"}
    assert report["plans"]["13T"]["satisfiable"] is False


def test_the_page_is_self_contained_and_holds_every_chart(tokenized_output):
    page = (tokenized_output / "report" / "index.html").read_text()
    for chart in CHART_IDS:
        section = re.search(rf'<section id="{chart}">.*?</section>', page, re.S)
        assert section and 'src="data:image/png;base64,' in section.group(0), chart
    assert "http://" not in page and "https://" not in page            # nothing fetched when opened
    assert "13T: SHORT by" in page
    assert page.index("tiny: satisfiable") < page.index("2T: SHORT") < page.index("13T: SHORT")   # by size


def test_charts_are_drawn_even_when_a_run_has_nothing_for_them():
    empty = {"funnel": [{"stage": "input", "documents": 0, "text_bytes": None}],
             "languages": {"identified": {}, "kept": {}}, "lengths": {"normalized": {}, "kept": {}},
             "dup_cluster_sizes": {}, "quality_rules": {}, "pii": {}, "tokens": {}, "plans": {}}
    assert [key for key, _, uri in charts(empty) if uri.startswith("data:image/png")] == CHART_IDS


def test_tokenmill_report_rebuilds_the_page_from_the_json(output_copy, capsys):
    page = output_copy / "report" / "index.html"
    before = page.read_text()
    page.unlink()
    assert main(["report", str(output_copy)]) == 0
    assert page.read_text() == before
    assert main(["report", str(output_copy / "tokens")]) == 2
    assert "not the output of a finished run" in capsys.readouterr().err


def _sections_with_charts(page: str) -> list:
    return [chart for chart in CHART_IDS if re.search(
        rf'<section id="{chart}">[^§]*?src="data:image/png;base64,[^§]*?</section>', page)]


def test_a_run_leaves_the_page_without_charts_and_a_process_draws_them(output_copy, capsys):
    from pipelines.report import write_run_report
    page_path = output_copy / "report" / "index.html"
    report = json.loads((output_copy / "report" / "report.json").read_text())
    page, drawing = write_run_report(str(output_copy), {}, [], background=True)
    pending = page_path.read_text()
    assert drawing.wait(timeout=120) == 0 and page == str(page_path)
    # Until then: every section, each saying it is being drawn, and the tables already right.
    assert _sections_with_charts(pending) == [] and pending.count("is being drawn by a background process") == 8
    assert all(f'<section id="{chart}">' in pending for chart in CHART_IDS)
    assert f"tokenmill report {output_copy}" in pending
    assert f"<td>{report['totals']['tokens']:,}</td>" in pending
    charted = page_path.read_text()
    assert _sections_with_charts(charted) == CHART_IDS and "being drawn" not in charted
    assert main(["report", str(output_copy)]) == 0 and page_path.read_text() == charted   # the same page


def test_the_drawing_writes_nothing_once_a_newer_run_replaced_the_report(output_copy):
    from pipelines.report_charts import start_drawing
    report_json, page_path = output_copy / "report" / "report.json", output_copy / "report" / "index.html"
    stale = report_json.read_bytes()
    report_json.write_bytes(stale.replace(b'"input_files"', b'"input_files_x"'))
    page_path.write_text("the newer run's page")
    assert start_drawing(str(output_copy), stale).wait(timeout=120) == 1
    assert page_path.read_text() == "the newer run's page"
