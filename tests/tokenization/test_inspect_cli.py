"""Every inspect command, as tables and as JSON, through the real entry point."""
import json

import pytest

from beam_runner import main


def _run(capsys, *argv):
    status = main(["inspect", *map(str, argv)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_summary_lists_sources_and_totals(tokenized_output, capsys):
    status, out, _ = _run(capsys, "summary", tokenized_output)
    assert status == 0 and "books" in out and "news" in out and "seq_len 64" in out
    status, out, _ = _run(capsys, "summary", tokenized_output, "--json")
    data = json.loads(out)
    assert data["totals"]["documents"] == 120 and data["tokenizer"]["lossless"] is True


def test_validate_passes_then_fails_with_status_one(output_copy, capsys):
    assert _run(capsys, "validate", output_copy)[0] == 0
    next((output_copy / "tokens" / "news").glob("*.arrow")).unlink()
    status, out, _ = _run(capsys, "validate", output_copy)
    assert status == 1 and "missing shard" in out and "INVALID" in out


def test_show_decodes_a_row_with_document_boundaries(tokenized_output, capsys):
    shard = sorted((tokenized_output / "tokens" / "books").glob("*.arrow"))[0]
    status, out, _ = _run(capsys, "show", shard, "--row", 0, "--decode", "--json")
    data = json.loads(out)
    assert status == 0 and len(data["tokens"]) == 64
    assert [piece["offset"] for piece in data["decoded"]][1:] == data["doc_starts"][1:]
    status, out, _ = _run(capsys, "show", shard, "--row", 0, "--decode")
    assert "── document at" in out


def test_show_of_a_shard_outside_its_output_gives_its_source_and_says_why_there_is_no_url(tokenized_output,
                                                                                         tmp_path, capsys):
    shard = sorted((tokenized_output / "tokens" / "books").glob("*.arrow"))[0]
    status, out, _ = _run(capsys, "show", shard, "--json")
    assert status == 0 and json.loads(out)["note"] is None
    assert all(doc["url"].startswith("https://books.example/") for doc in json.loads(out)["documents"])
    (tmp_path / "copied.arrow").write_bytes(shard.read_bytes())
    status, out, _ = _run(capsys, "show", tmp_path / "copied.arrow", "--json")
    data = json.loads(out)
    assert status == 0 and data["documents"]
    assert all((doc["source"], doc["url"]) == ("books", None) for doc in data["documents"])
    assert "no documents/ in" in data["note"]
    status, out, _ = _run(capsys, "show", tmp_path / "copied.arrow")
    assert "source books  url None" in out and "(no documents/ in" in out and "source None" not in out


def test_stats_counts_tokens_and_draws_a_plot(tokenized_output, tmp_path, capsys):
    plot = tmp_path / "stats.png"
    status, out, _ = _run(capsys, "stats", tokenized_output, "--json", "--plot", plot)
    data = json.loads(out)
    manifest = json.loads((tokenized_output / "manifest.json").read_text())
    assert status == 0 and data["tokens"] == manifest["totals"]["tokens"]
    assert data["documents"] == manifest["totals"]["documents"]
    assert plot.read_bytes()[:4] == b"\x89PNG"
    assert "most frequent tokens" in _run(capsys, "stats", tokenized_output)[1]


def test_plan_shows_epochs_and_shortfall(tokenized_output, capsys):
    status, out, _ = _run(capsys, "plan", tokenized_output, "--budget", "13T")
    assert status == 0 and "SHORT by" in out and "books" in out
    data = json.loads(_run(capsys, "plan", tokenized_output, "--budget", "tiny", "--json")[1])
    assert data["satisfiable"] and "order" not in data


@pytest.mark.parametrize("argv, message", [
    (["summary", "/no/such/dir"], "is not a directory"),
    (["plan", "{out}", "--budget", "99T"], "no plan '99T'"),
    (["show", "{out}/manifest.json"], "not a readable shard"),
    (["frobnicate", "{out}"], "invalid choice"),
])
def test_mistakes_are_one_line_errors(tokenized_output, capsys, argv, message):
    status, _, err = _run(capsys, *[a.format(out=tokenized_output) for a in argv])
    assert status == 2 and message in err and "Traceback" not in err


def test_validate_reports_a_plan_the_manifest_does_not_list(output_copy, capsys):
    (output_copy / "plans" / "extra.json").write_text("not a plan")
    status, out, _ = _run(capsys, "validate", output_copy)
    assert status == 1 and "plans/extra.json: plan on disk but not in the manifest's files" in out


def test_validate_reports_a_manifest_without_its_files(output_copy, capsys):
    manifest = json.loads((output_copy / "manifest.json").read_text())
    del manifest["files"]
    (output_copy / "manifest.json").write_text(json.dumps(manifest))
    status, out, _ = _run(capsys, "validate", output_copy)
    assert status == 1 and "manifest.json: no list of files, so no file's size or checksum can be checked" in out
