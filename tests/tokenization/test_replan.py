"""`tokenmill plan OUT --budget ...`: new plans from a finished run's manifest, read by the loader."""
import json
from collections import Counter

import pytest

from beam_runner import main
from tokenization.loader import PlanLoader, read_plan


def _plan(capsys, *argv):
    status = main(["plan", *map(str, argv)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_a_1t_plan_is_printed_written_and_read_by_the_loader(output_copy, capsys):
    status, out, err = _plan(capsys, output_copy, "--budget", "1T")
    assert status == 0 and err == ""
    assert "1T" in out and "SHORT by" in out and f"plan written to {output_copy}/plans/1T.json" in out
    plan = read_plan(str(output_copy), "1T")
    manifest = json.loads((output_copy / "manifest.json").read_text())
    assert plan["target_tokens"] == 10**12 and plan["seq_len"] == manifest["seq_len"] == 64
    unique = Counter()
    for shard in manifest["shards"]:
        unique[shard["source"]] += shard["rows"]
    # 1T tokens is far beyond this corpus: every source is planned at the run's epoch cap of 4.
    assert {s: e["sequences_planned"] for s, e in plan["sources"].items()} == {s: 4 * n for s, n in unique.items()}
    loader = PlanLoader(str(output_copy), "1T", batch_size=8)
    origins = [origin for batch in loader for origin in batch.origins]
    assert len(origins) == plan["sequences_planned"] // 8 * 8
    assert {epoch for _, epoch, _ in origins} == {0, 1, 2, 3}
    assert max(Counter(origins).values()) == 1


def test_the_runs_own_settings_give_the_runs_plan_byte_for_byte(output_copy, capsys):
    before = (output_copy / "plans" / "2T.json").read_bytes()
    status, out, _ = _plan(capsys, output_copy, "--budget", "2T")
    assert status == 0 and "already holds this plan: unchanged" in out
    assert (output_copy / "plans" / "2T.json").read_bytes() == before


@pytest.mark.parametrize("budget, tokens", [("2T", 2 * 10**12), ("8T", 8 * 10**12), ("13T", 13 * 10**12),
                                            ("1T", 10**12), ("half=0.5T", 5 * 10**11), ("20M", 20 * 10**6)])
def test_budgets_parse_in_every_spelling(output_copy, capsys, budget, tokens):
    status, out, _ = _plan(capsys, output_copy, "--budget", budget, "--json", "--replace")
    data = json.loads(out)
    assert status == 0 and data["target_tokens"] == tokens and data["budget"] == budget.partition("=")[0]


def test_weights_hosts_and_epoch_cap_are_followed(output_copy, capsys):
    status, out, err = _plan(capsys, output_copy, "--budget", "mix=20K", "--weights", "books=1,news=3",
                             "--hosts", "2", "--epoch-cap", "8", "--seed", "5", "--json")
    data = json.loads(out)
    assert status == 0 and "plan written to" in err
    assert data["split"]["hosts"] == 2 and data["epoch_cap"] == 8 and data["seed"] == 5
    assert data["sources"]["books"]["weight"] == pytest.approx(0.25, abs=0.01)
    assert data["sources"]["news"]["weight_given"] == 3.0
    hosts = [list(PlanLoader(str(output_copy), "mix", 4, host=host)) for host in (0, 1)]
    seen = [{o for batch in batches for o in batch.origins} for batches in hosts]
    assert seen[0] and seen[1] and not seen[0] & seen[1]


@pytest.mark.parametrize("argv, message", [
    (["/no/such/out", "--budget", "1T"], "no manifest.json in /no/such/out"),
    (["{out}", "--budget", "1X"], "budget size '1X' is not a number"),
    (["{out}", "--budget", "1T", "--weights", "books=1,wiki=2"], "'wiki', which is not a source"),
    (["{out}", "--budget", "1T", "--weights", "books=-1"], "must be a finite non-negative number"),
    (["{out}", "--budget", "1T", "--weights", "books=inf"], "must be a finite non-negative number"),
    (["{out}", "--budget", "1T", "--epoch-cap", "nan"], "--epoch-cap must be a finite number, got nan"),
    (["{out}", "--budget", "1T", "--epoch-cap", "inf"], "--epoch-cap must be a finite number, got inf"),
    (["{out}", "--budget", "1T", "--weights", "books=0"], "at least one source a positive weight"),
    (["{out}", "--budget", "1T", "--epoch-cap", "0"], "--epoch-cap must be positive"),
    (["{out}", "--budget", "1T", "--hosts", "0"], "--hosts must be at least 1"),
    (["{out}", "--budget", "2T", "--hosts", "4"], "exists with other contents"),
    (["{out}"], "--budget"),
    (["{out}", "--budget", "1T", "--frobnicate"], "unrecognized arguments"),
])
def test_mistakes_are_one_line_and_write_nothing(output_copy, capsys, argv, message):
    plans = {path.name: path.read_bytes() for path in (output_copy / "plans").iterdir()}
    status, out, err = _plan(capsys, *[a.format(out=output_copy) for a in argv])
    assert status == 2 and message in err and len(err.strip().splitlines()) == 1 and out == ""
    assert {path.name: path.read_bytes() for path in (output_copy / "plans").iterdir()} == plans


def test_every_plan_is_listed_in_the_manifest_and_validated(output_copy, capsys):
    """The run's plans and those `tokenmill plan` writes are in the manifest's files, with their checksums,
    so that `tokenmill inspect validate` notices one altered."""
    listed = lambda: {entry["path"] for entry in json.loads((output_copy / "manifest.json").read_text())["files"]}
    assert {"plans/2T.json", "plans/8T.json", "plans/13T.json"} <= listed()
    assert _plan(capsys, output_copy, "--budget", "1T")[0] == 0
    assert "plans/1T.json" in listed()
    assert main(["inspect", "validate", str(output_copy)]) == 0
    capsys.readouterr()
    assert _plan(capsys, output_copy, "--budget", "1T", "--hosts", "2", "--replace")[0] == 0
    assert main(["inspect", "validate", str(output_copy)]) == 0       # the replaced plan's entry follows it
    capsys.readouterr()
    plan = output_copy / "plans" / "1T.json"
    plan.write_bytes(plan.read_bytes().replace(b'"seed"', b'"Seed"', 1))     # the same size
    assert main(["inspect", "validate", str(output_copy)]) == 1
    assert "plans/1T.json: checksum differs from the manifest's (altered)" in capsys.readouterr().out


def test_a_repeated_budget_is_a_usage_error(output_copy, capsys):
    status, out, err = _plan(capsys, output_copy, "--budget", "1T", "--budget", "2T")
    assert status == 2 and out == ""
    assert err.strip().splitlines() == ["tokenmill plan: error: --budget given twice (1T, 2T): one plan per command; "
                                        "run `tokenmill plan` once per budget"]
    assert not (output_copy / "plans" / "1T.json").exists()


GOOD_MANIFEST = {"seq_len": 64, "shards": [{"path": "tokens/books-00000.bin", "source": "books", "rows": 3}],
                 "files": [], "sources": {"books": {}}}


@pytest.mark.parametrize("text, message", [
    (json.dumps(GOOD_MANIFEST)[:40], "manifest.json is damaged: not JSON"),
    (json.dumps({**GOOD_MANIFEST, "files": "x"}), "files must be a list"),
    (json.dumps({**GOOD_MANIFEST, "seq_len": 0}), "seq_len must be a positive integer, got 0"),
    (json.dumps({**GOOD_MANIFEST, "shards": [{"path": "a"}]}), "shards must be a list of {path, source, rows}"),
    ("[1, 2]", "manifest.json is damaged: not a JSON object"),
])
def test_a_damaged_manifest_is_one_line(tmp_path, capsys, text, message):
    """No pipeline: a hand-made manifest, damaged as a cut-short copy or a hand edit would leave it."""
    (tmp_path / "manifest.json").write_text(text)
    status, out, err = _plan(capsys, tmp_path, "--budget", "1T")
    assert status == 2 and out == "" and message in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err and not (tmp_path / "plans").exists()


def test_the_hand_made_manifest_plans(tmp_path, capsys):
    """The manifest the damaged ones start from is enough for a plan: what they fail on is the damage."""
    (tmp_path / "manifest.json").write_text(json.dumps(GOOD_MANIFEST))
    status, out, _ = _plan(capsys, tmp_path, "--budget", "1K", "--json")
    assert status == 0 and json.loads(out)["sources"]["books"]["unique_sequences"] == 3


@pytest.mark.parametrize("argv, message", [
    (["--weights", "books=1,books=2"], "--weights names 'books' twice"),
    (["--budget", "99999999999999999999999T"], "is beyond 1,000,000T tokens"),
])
def test_a_repeated_weight_and_an_absurd_budget_are_usage_errors(tmp_path, capsys, argv, message):
    (tmp_path / "manifest.json").write_text(json.dumps(GOOD_MANIFEST))
    argv = argv if "--budget" in argv else ["--budget", "1T", *argv]
    status, out, err = _plan(capsys, tmp_path, *argv)
    assert status == 2 and out == "" and message in err and len(err.strip().splitlines()) == 1


def test_budgets_are_exact_integers():
    from tokenization.budgets import parse_size
    assert parse_size("999999.999999999999T") == 999999999999999999000000 // 10**6
    assert parse_size("0.1K") == 100
