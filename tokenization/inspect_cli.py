"""`tokenmill inspect summary|validate|show|stats|plan`: read what a run wrote.

Each command builds a plain dict (printed as is with --json) and renders it
as aligned tables for a terminal. Exit status: 0 fine, 1 problems found
(validate), 2 usage errors such as a missing directory.
"""
from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.table import Table

from tokenization import inspect_views as views

EXIT_OK, EXIT_PROBLEMS = 0, 1     # usage errors (InspectInputError): 2, by the command line


def build_parser(parser_class=argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser = parser_class(prog="tokenmill inspect", description="Inspect token shards, manifest and plans.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=parser_class)
    for name, target, text in (("summary", "DIR", "sources, shards, rows, tokens, tokenizer"),
                               ("validate", "DIR", "check every shard against the manifest"),
                               ("stats", "DIR", "token frequencies and tokens per document"),
                               ("plan", "DIR", "a budget plan as a table")):
        command = commands.add_parser(name, help=text)
        command.add_argument("path", metavar=target)
        command.add_argument("--json", action="store_true", help="print JSON instead of tables")
    show = commands.add_parser("show", help="one row of a shard")
    show.add_argument("path", metavar="SHARD")
    show.add_argument("--row", type=int, default=0)
    show.add_argument("--decode", action="store_true", help="decode with the run's tokenizer")
    show.add_argument("--tokenizer", default=None, help="model file (default: the run's tokenizer/)")
    show.add_argument("--json", action="store_true")
    commands.choices["stats"].add_argument("--top", type=int, default=20)
    commands.choices["stats"].add_argument("--plot", default=None, metavar="FILE.png")
    commands.choices["plan"].add_argument("--budget", default="13T")
    return parser


def run(args, out=None) -> int:
    out = out or sys.stdout
    console = Console(file=out, highlight=False, soft_wrap=True)
    try:
        data, render = _COMMANDS[args.command](args)
    except OSError as error:
        raise views.InspectInputError(str(error)) from None
    if args.json:
        print(json.dumps(data, indent=1, sort_keys=True), file=out)
    else:
        render(console, data)
    return EXIT_PROBLEMS if data.get("problems") else EXIT_OK


def _summary(args):
    return views.summary(args.path), _render_summary


def _validate(args):
    return views.validation(args.path), _render_validation


def _show(args):
    return views.show_row(args.path, args.row, args.decode, args.tokenizer), _render_show


def _stats(args):
    return views.stats(args.path, args.top, args.plot), _render_stats


def _plan(args):
    return views.plan_view(args.path, args.budget), render_plan


_COMMANDS = {"summary": _summary, "validate": _validate, "show": _show, "stats": _stats, "plan": _plan}


def _table(title: str, columns: list, rows: list) -> Table:
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for column in columns:
        table.add_column(column, justify="left" if column in ("source", "token", "piece", "key") else "right")
    for row in rows:
        table.add_row(*[_cell(cell) for cell in row])
    return table


def _cell(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}"
    return str(value)


def _render_summary(console, data):
    tokenizer = data["tokenizer"] or {}
    console.print(f"[bold]{data['root']}[/bold]  seq_len {data['seq_len']:,}  dtype {data['token_dtype']}  "
                  f"tail {data['tail']}")
    console.print(f"tokenizer sha256 {str(tokenizer.get('sha256'))[:16]}…  vocab {tokenizer.get('vocab_size')}  "
                  f"bos {tokenizer.get('bos_id')} eos {tokenizer.get('eos_id')} pad {data.get('pad_id')}  "
                  f"lossless {tokenizer.get('lossless')}")
    columns = ["source", "shards", "rows", "tokens", "documents", "pad_tokens", "tail_tokens"]
    rows = [[source, *[entry.get(key, 0) for key in columns[1:]]] for source, entry in data["sources"].items()]
    rows.append(["total", *[data["totals"].get(key, 0) for key in columns[1:]]])
    console.print(_table("", columns, rows))


def _render_validation(console, data):
    for problem in data["problems"]:
        console.print(f"[red]PROBLEM[/red] {problem}")
    verdict = "[red]INVALID[/red]" if data["problems"] else "[green]valid[/green]"
    console.print(f"{verdict}: {data['shards_checked']} shards checked, {len(data['problems'])} problems")


def _render_show(console, data):
    console.print(f"[bold]{data['shard']}[/bold] row {data['row']} of {data['rows']}  "
                  f"documents start at {data['doc_starts']}")
    for doc in data["documents"]:
        console.print(f"document at {doc['offset']:>6}  {doc['id']}  source {doc['source']}  url {doc['url']}",
                      markup=False)
    if data["format_version"] == "1":
        console.print("(format 1 shard: it records no document ids)")
    if data["note"]:
        console.print(f"({data['note']})", markup=False)
    console.print(" ".join(str(token) for token in data["tokens"]))
    for piece in data.get("decoded", []):
        console.print(f"[cyan]── document at {piece['offset']} ──[/cyan]")
        console.print(piece["text"], markup=False)


def _render_stats(console, data):
    console.print(f"{data['tokens']:,} tokens, {data['distinct_tokens']:,} distinct, "
                  f"{data['documents']:,} documents")
    console.print(_table("most frequent tokens", ["id", "piece", "count"],
                         [[str(t["id"]), repr(t.get("piece", "")), t["count"]] for t in data["top_tokens"]]))
    console.print(_table("tokens per document", ["from", "to", "documents"], data["histogram"]))
    if data.get("plot"):
        console.print(f"plot written to {data['plot']}")


def render_plan(console, data):
    console.print(f"[bold]{data['budget']}[/bold]: {data['target_tokens']:,} tokens, "
                  f"{data['sequences_needed']:,} sequences of {data['seq_len']:,}")
    columns = ["source", "unique_tokens", "weight", "epochs", "capped", "shortfall_tokens"]
    rows = [[source, *[entry[key] for key in columns[1:]]] for source, entry in data["sources"].items()]
    console.print(_table("", columns, rows))
    console.print(data["statement"], style="green" if data["satisfiable"] else "yellow")


def main(argv: list, parser_class=argparse.ArgumentParser) -> int:
    args = build_parser(parser_class).parse_args(argv)
    return run(args)

