"""`tokenmill plan OUT --budget 1T`: a new budget plan for a finished output, without running the pipeline.

A plan is a function of the manifest and the plan settings only, so any budget, weights, epoch cap or
host count can be planned again from `manifest.json` in a second. Settings not given are the run's own
(`config.plans` in the manifest), so `tokenmill plan OUT --budget 2T` rewrites the run's 2T plan byte
for byte. The plan goes to OUT/plans/<name>.json, where `PlanLoader(OUT, name, ...)` reads it like the
run's plans. An existing plan of that name with other contents is replaced only with --replace: a
training job's saved state names its plan by checksum and would be refused over a changed one.
The plan is listed in the manifest's `files` (size and checksum), as the run's own plans are, so
`tokenmill inspect validate` checks it. One command writes one plan: `--budget` given twice is a
usage error.
No Beam: this runs on a training machine, and OUT may be a local path or gs://, s3://.
"""
from __future__ import annotations

import argparse
import io
import json
import math
import posixpath
import sys
from dataclasses import fields

from tokenization.budgets import parse_budget
from tokenization.inspect_cli import render_plan
from tokenization.manifest import MANIFEST_FILE, PLANS_DIR, file_entry
from tokenization.plans import build_plan, plan_bytes
from tokenization.settings import PlansConfig, plans_problems
from tokenization.storage import Location, locate
from tokenmill.usage import UsageError

EXIT_OK = 0


class PlanError(UsageError):
    """A usage problem of `tokenmill plan`: one line on stderr and exit 2 (beam_runner), nothing written."""


class _Once(argparse.Action):
    """An option given at most once: `--budget 1T --budget 2T` would otherwise plan 2T alone, silently.
    One command writes one plan (its --weights, --hosts, --replace and --json are that plan's)."""

    def __call__(self, parser, namespace, value, option_string=None):
        if getattr(namespace, self.dest) is not None:
            parser.error(f"{option_string} given twice ({getattr(namespace, self.dest)}, {value}): one plan per "
                         "command; run `tokenmill plan` once per budget")
        setattr(namespace, self.dest, value)


def build_parser(parser_class=argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser = parser_class(prog="tokenmill plan", description="Write a new budget plan from a finished "
                          "output's manifest, without running the pipeline.")
    parser.add_argument("path", metavar="OUT", help="a finished run's output directory (local, gs://, s3://)")
    parser.add_argument("--budget", required=True, metavar="[NAME=]SIZE", action=_Once,
                        help="tokens to plan for: 1T, 500B, 20M; NAME=SIZE names the plan (default: SIZE); "
                             "one plan per command")
    parser.add_argument("--weights", default=None, metavar="SOURCE=W,...",
                        help="source weights (default: the run's plans.weights, else unique tokens)")
    parser.add_argument("--epoch-cap", type=float, default=None, help="most epochs of any source")
    parser.add_argument("--hosts", type=int, default=None, help="data-parallel hosts the plan is split across")
    parser.add_argument("--seed", type=int, default=None, help="seed of the shard and row orders")
    parser.add_argument("--replace", action="store_true", help="replace an existing plan of that name")
    parser.add_argument("--json", action="store_true", help="print the plan (without its order) as JSON")
    return parser


def replan(root: str, budget_text: str, weights: str | None = None, epoch_cap: float | None = None,
           hosts: int | None = None, seed: int | None = None, replace: bool = False) -> tuple:
    """Check everything, then write the plan: (plan, path written or None when the same plan was there)."""
    location = _finished_output(root)
    manifest = _readable_manifest(location, root)
    try:
        budget = parse_budget(budget_text)
    except ValueError as error:
        raise PlanError(str(error)) from None
    settings = _settings(manifest, budget_text, weights, epoch_cap, hosts, seed)
    plan = build_plan(manifest, budget, settings.settings())
    data, name = plan_bytes(plan), f"{budget.name}.json"
    existing = location.read_bytes(PLANS_DIR, name) if location.exists(PLANS_DIR, name) else None
    if existing not in (None, data) and not replace:
        raise PlanError(f"{location.path(PLANS_DIR, name)} exists with other contents; name the new plan "
                        f"(--budget {budget.name}-new={budget_text.partition('=')[2] or budget_text}) "
                        "or give --replace")
    written = _write(location, f"{PLANS_DIR}/{name}", data) if existing != data else None
    _list_in_manifest(location, manifest, f"{PLANS_DIR}/{name}", data)
    return plan, written


def _list_in_manifest(location: Location, manifest: dict, relative: str, data: bytes) -> None:
    """The plan joins the manifest's `files`, so that `tokenmill inspect validate` checks its size and
    checksum like the run's own plans. The plan is written first: a kill between the two leaves a plan
    the manifest does not list (the command run again lists it), never a listed plan that is missing."""
    entry = file_entry(relative, io.BytesIO(data))
    files = [item for item in manifest.get("files", []) if (item if isinstance(item, str) else item["path"]) != relative]
    if entry in manifest.get("files", []):
        return
    manifest["files"] = sorted([*files, entry], key=lambda item: item if isinstance(item, str) else item["path"])
    _write(location, MANIFEST_FILE, json.dumps(manifest, indent=1, sort_keys=True).encode())


def _finished_output(root: str) -> Location:
    try:
        location = locate(root)
        if location.exists(MANIFEST_FILE):
            return location
    except (OSError, ValueError) as error:      # pyarrow's errors of a bad URI are ValueErrors
        raise PlanError(f"cannot read {root}: {str(error).splitlines()[0]}") from None
    raise PlanError(f"no {MANIFEST_FILE} in {root}: not a finished tokenmill output")


def _readable_manifest(location: Location, root: str) -> dict:
    """The manifest, with the parts a plan reads checked: a damaged one costs one line, not a traceback."""
    where = f"{root}/{MANIFEST_FILE}"
    try:
        manifest = location.read_json(MANIFEST_FILE)
    except (ValueError, UnicodeDecodeError) as error:       # JSONDecodeError is a ValueError
        raise PlanError(f"{where} is damaged: not JSON ({str(error).splitlines()[0][:120]})") from None
    problem = _manifest_problem(manifest)
    if problem:
        raise PlanError(f"{where} is damaged: {problem}")
    return manifest


def _manifest_problem(manifest) -> str | None:
    if not isinstance(manifest, dict):
        return "not a JSON object"
    seq_len = manifest.get("seq_len")
    if isinstance(seq_len, bool) or not isinstance(seq_len, int) or seq_len < 1:
        return f"seq_len must be a positive integer, got {seq_len!r}"
    shards = manifest.get("shards")
    if not isinstance(shards, list) or not all(
            isinstance(shard, dict) and isinstance(shard.get("path"), str) and isinstance(shard.get("source"), str)
            and isinstance(shard.get("rows"), int) and not isinstance(shard.get("rows"), bool)
            and shard["rows"] >= 0 for shard in shards):
        return "shards must be a list of {path, source, rows} entries"
    files = manifest.get("files", [])
    if not isinstance(files, list) or not all(
            isinstance(item, str) or (isinstance(item, dict) and isinstance(item.get("path"), str)) for item in files):
        return "files must be a list of paths or {path, ...} entries"
    for name in ("config", "sources", "tokenizer"):
        if manifest.get(name) is not None and not isinstance(manifest[name], dict):
            return f"{name} must be a JSON object, got {type(manifest[name]).__name__}"
    plans = (manifest.get("config") or {}).get("plans")
    if plans is not None and not isinstance(plans, dict):
        return f"config.plans must be a JSON object, got {type(plans).__name__}"
    return None


def _settings(manifest: dict, budget: str, weights, epoch_cap, hosts, seed) -> PlansConfig:
    """The run's recorded plan settings, with what the command line gives instead."""
    recorded = (manifest.get("config") or {}).get("plans") or {}
    known = {spec.name for spec in fields(PlansConfig)}
    config = PlansConfig(**{key: value for key, value in recorded.items() if key in known})
    config.budgets = [budget]
    if epoch_cap is not None and not math.isfinite(epoch_cap):
        raise PlanError(f"--epoch-cap must be a finite number, got {epoch_cap}")
    for name, value in (("epoch_cap", epoch_cap), ("hosts", hosts), ("seed", seed)):
        if value is not None:
            setattr(config, name, value)
    if weights is not None:
        config.weights = _weights(weights, sorted(manifest.get("sources") or {}))
    problems = plans_problems(config)
    if problems:
        raise PlanError(problems[0].replace("plans.epoch_cap", "--epoch-cap").replace("plans.hosts", "--hosts"))
    return config


def _weights(text: str, sources: list) -> dict:
    weights = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        source, sep, value = item.partition("=")
        if not sep:
            raise PlanError(f"--weights wants SOURCE=WEIGHT items, got {item!r}")
        if source not in sources:
            raise PlanError(f"--weights names {source!r}, which is not a source of this output "
                            f"(there are: {', '.join(sources) or 'none'})")
        if source in weights:
            raise PlanError(f"--weights names {source!r} twice: give each source once")
        try:
            weights[source] = float(value)
        except ValueError:
            raise PlanError(f"--weights: {value!r} is not a number") from None
        if not (math.isfinite(weights[source]) and weights[source] >= 0):
            raise PlanError(f"--weights: {source}'s weight must be a finite non-negative number, got {value}")
    if not sum(weights.values()) > 0:
        raise PlanError("--weights must give at least one source a positive weight")
    return weights


def _write(location: Location, relative: str, data: bytes) -> str:
    """Under a temporary name, then moved into place: a reader never sees half a plan or manifest."""
    final = location.path(relative)
    temporary = final + ".inprogress"
    location.filesystem.create_dir(posixpath.dirname(final), recursive=True)
    with location.filesystem.open_output_stream(temporary) as handle:
        handle.write(data)
    if location.exists(relative):
        location.filesystem.delete_file(final)
    location.filesystem.move(temporary, final)
    return final


def main(argv: list, parser_class=argparse.ArgumentParser) -> int:
    args = build_parser(parser_class).parse_args(argv)
    plan, written = replan(args.path, args.budget, args.weights, args.epoch_cap, args.hosts, args.seed,
                           args.replace)
    if args.json:
        print(json.dumps({key: value for key, value in plan.items() if key != "order"}, indent=1,
                         sort_keys=True))
    else:
        from rich.console import Console
        render_plan(Console(file=sys.stdout, highlight=False, soft_wrap=True), plan)
    where = f"{args.path}/{PLANS_DIR}/{plan['budget']}.json"
    print(f"plan written to {where}" if written else f"{where} already holds this plan: unchanged",
          file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
