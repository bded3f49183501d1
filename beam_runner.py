"""tokenmill's command line: `run` the pipeline, or build and run the `demo`.

    python beam_runner.py --input 'PATTERN' --output DIR [options] [Beam options]
    tokenmill run ...            the same
    tokenmill demo [--output DIR]
    tokenmill inspect summary|validate|show|stats|plan ...
    tokenmill plan OUT --budget 1T [--weights S=W,...] [--epoch-cap E] [--hosts N]
    tokenmill export megatron|mds OUT DEST
    tokenmill report DIR         rebuild DIR/report/index.html from its report.json
    tokenmill --version          python -m tokenmill ... is the same command

Options tokenmill does not own go to Beam's PipelineOptions, so every runner's
flags work as Beam users expect. Usage mistakes (every subclass of
tokenmill.usage.UsageError, whichever layer raises it) end with one line on
stderr and exit status 2, never a traceback, before any output is touched.
Ctrl-C ends with "interrupted" and status 130; a closed stdout (`| head`)
ends quietly.
"""
from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

from tokenmill import hide_python_support_notices, one_shot_heap, version
from tokenmill.usage import UsageError

EXIT_USAGE, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 2, 130, 141
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")     # pipelines.beam_options has the same


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", action="append", default=None, metavar="[SOURCE=]PATTERN",
                        help="files to read (glob; local, gs://, s3://); repeatable")
    parser.add_argument("--format", default=None, help="auto|warc|wet|arc|jsonl|parquet (default auto)")
    parser.add_argument("--source", default=None, help="source name for inputs without SOURCE= (default web)")
    parser.add_argument("--config", default=None, help="YAML file with stage options")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override one config option, e.g. normalize.min_chars=200")
    parser.add_argument("--workers", type=int, default=None,
                        help="local runner worker processes (default: in this process when this process "
                             "may use 2 CPUs or fewer, or for under 8 MB of input; else one per CPU; "
                             "docs/runners.md)")
    parser.add_argument("--quiet", action="store_true", help="no progress line while running")
    parser.add_argument("--strict", action="store_true",
                        help="warnings fail the run (exit 1); warnings known at start stop it before any work")
    parser.add_argument("--log-level", default="WARNING", type=str.upper, choices=LOG_LEVELS,
                        help="for tokenmill's, Beam's and the workers' logs (default WARNING: Beam's INFO "
                             "lines hidden)")
    parser.add_argument("--tokenizer", default=None, metavar="PATH.model",
                        help="a SentencePiece model (default: train one on the curated text)")
    parser.add_argument("--seq-len", type=int, default=None, help="tokens per training sequence (default 8192)")
    parser.add_argument("--shard-tokens", type=int, default=None,
                        help="about this many tokens per shard (default 67,108,864)")
    parser.add_argument("--budgets", default=None, metavar="2T,8T,13T",
                        help="training budgets to plan for; NAME=SIZE for custom ones")
    parser.add_argument("--pii-ner-model", default=None, metavar="NAME",
                        help="an installed spaCy model (package or directory) to add PERSON and LOCATION to PII")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tokenmill", description="Web crawl to curated documents and token shards.")
    parser.add_argument("--version", action="version", version=f"tokenmill {version()}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    commands.add_parser("inspect", help="read token shards, manifest and plans (see `tokenmill inspect -h`)")
    commands.add_parser("plan", help="write a new budget plan from a finished output (see `tokenmill plan -h`)")
    commands.add_parser("export", help="write a finished output for Megatron-LM or MosaicML streaming")
    report = commands.add_parser("report", help="rebuild report/index.html from report/report.json")
    report.add_argument("path", metavar="DIR", help="a run's output directory")
    run = commands.add_parser("run", help="run the pipeline")
    _add_run_options(run)
    run.add_argument("--output", default=None, help="output directory (local, gs://, s3://)")
    run.add_argument("--reuse", action="append", default=None, metavar="PREVIOUS_OUT",
                     help="take per-file results from an earlier output of the same inputs (its cache/) where "
                          "inputs and upstream options are unchanged; --reuse OUT resumes a killed run")
    demo = commands.add_parser("demo", help="build the demo corpus and run the pipeline on it")
    _add_run_options(demo)
    demo.add_argument("--output", default="demo_output", help="where the corpus and outputs go")
    assets = commands.add_parser("assets", help="fetch the public block and word lists (needs network)")
    assets.add_argument("action", choices=["fetch"])
    assets.add_argument("--dest", default=None, help="cache folder (default ~/.cache/tokenmill/assets)")
    assets.add_argument("--mirror", default="", help="a mirror of raw.githubusercontent.com paths")
    return parser


def _config_from(args):
    from pipelines.config import load_config
    flags = {"read.format": args.format, "tokenize.tokenizer": args.tokenizer,
             "tokenize.seq_len": args.seq_len, "tokenize.shard_tokens": args.shard_tokens,
             "plans.budgets": args.budgets.split(",") if args.budgets else None,
             "pii.ner_model": args.pii_ner_model}
    return load_config(args.config, args.set, inputs=args.input, output=args.output,
                       source=args.source, reuse=getattr(args, "reuse", None), **{key: value for key, value in flags.items() if value is not None})


def _run_curation(args, beam_args) -> int:
    if args.one_shot:
        one_shot_heap.start_up()
    from pipelines.run import run_curation
    return run_curation(_config_from(args), beam_args, args.workers, progress=False if args.quiet else None,
                        strict=args.strict, log_level=args.log_level,
                        when_built=one_shot_heap.started if args.one_shot else None)


def _run(args, beam_args) -> int:
    return _run_curation(args, beam_args)


# The demo corpus holds a few thousand tokens: short rows, and a budget it can meet beside the big three.
_DEMO_TOKENS = ["tokenize.seq_len=128", "plans.budgets=[2T, 8T, 13T, demo=8K]"]


def _demo(args, beam_args) -> int:
    from corpus.demo_corpus import build_demo_blocklist, build_demo_corpus
    args.input = build_demo_corpus(os.path.join(args.output, "corpus"))
    lists = build_demo_blocklist(os.path.join(args.output, "lists"))
    args.set = [f"url_filter.lists=['{lists}']", "url_filter.categories=[gambling]", *_DEMO_TOKENS, *args.set]
    print(f"demo corpus written to {os.path.join(args.output, 'corpus')}")
    status = _run_curation(args, beam_args)
    print(f"curated documents: {os.path.join(args.output, 'documents')}")
    print(f"token shards: {os.path.join(args.output, 'tokens')}  (tokenmill inspect summary {args.output})")
    return status


def _report(args, beam_args) -> int:
    from apache_beam.io.filesystems import FileSystems
    from pipelines.report import REPORT_DIR, REPORT_JSON, write_report_page
    if beam_args:
        raise UsageError(f"unrecognized arguments: {' '.join(beam_args)}")
    if not FileSystems.exists(FileSystems.join(args.path, REPORT_DIR, REPORT_JSON)):
        raise UsageError(f"no {REPORT_DIR}/{REPORT_JSON} in {args.path}: not the output of a finished run")
    print(f"report: {write_report_page(args.path)}")
    return 0


def _assets(args, beam_args) -> int:
    from filters.assets import DEFAULT_CACHE, AssetError, config_lines, fetch
    if beam_args:
        raise UsageError(f"unrecognized arguments: {' '.join(beam_args)}")
    destination = args.dest or DEFAULT_CACHE
    try:
        paths = fetch(destination, args.mirror)
    except AssetError as error:
        print(f"tokenmill: error: {error}", file=sys.stderr)
        return 1
    print(f"{len(paths)} list files in {destination}, checksums verified. Use them with:")
    for line in config_lines(destination):
        print(f"  --set \"{line}\"")
    return 0


# Reading outputs needs no Beam: these commands are kept apart from `run`, so that they start fast
# and a training machine can run them.
_PLAIN_COMMANDS = {"inspect": "tokenization.inspect_cli", "export": "tokenization.export_cli",
                   "plan": "tokenization.plan_cli"}


def _plain_command(name: str, argv) -> int:
    import importlib
    return importlib.import_module(_PLAIN_COMMANDS[name]).main(argv, _Parser)


def _program(argv: list) -> str:
    """Who speaks in an error line: `tokenmill inspect` and `tokenmill export` name themselves."""
    return f"tokenmill {argv[0]}" if argv and argv[0] in _PLAIN_COMMANDS else "tokenmill"


def _one_line(error: UsageError) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _configure_logging(level: str) -> None:
    """Before anything logs: Beam's INFO lines stay hidden unless --log-level asks for them."""
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(level)


_INTERRUPTED = threading.Event()


def _on_interrupt(signum, frame):
    """Ctrl-C: the run unwinds, and Beam logs each worker connection it loses on the way; one line instead."""
    _INTERRUPTED.set()
    logging.disable(logging.CRITICAL)
    threading.excepthook = lambda args: None
    raise KeyboardInterrupt


def main(argv=None, one_shot: bool = False) -> int:
    """`one_shot`: this process exits after the command (the `tokenmill` command), so a run may settle its
    heap for that (tokenmill/one_shot_heap.py); callers in a longer-lived process keep Python's defaults."""
    argv = list(sys.argv[1:] if argv is None else argv)
    hide_python_support_notices()
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, _on_interrupt) if in_main_thread else None
    try:
        return _main(argv, one_shot)
    except UsageError as error:         # the one place where a usage mistake becomes one line and exit 2
        print(f"{_program(argv)}: error: {_one_line(error)}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except BaseException:
        if not _INTERRUPTED.is_set():
            raise
        print("tokenmill: interrupted", file=sys.stderr)      # whatever the unwinding raised instead
        return EXIT_INTERRUPTED
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _main(argv: list, one_shot: bool = False) -> int:
    if argv and argv[0] in _PLAIN_COMMANDS:
        return _plain_command(argv[0], argv[1:])
    if argv and argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        argv.insert(0, "run")          # `python beam_runner.py --input ...` means run
    args, beam_args = build_parser().parse_known_args(argv)
    args.one_shot = one_shot
    _configure_logging(getattr(args, "log_level", "WARNING"))
    if args.command is None:
        build_parser().print_help()
        return EXIT_USAGE
    return {"run": _run, "demo": _demo, "assets": _assets, "report": _report}[args.command](args, beam_args)


def _silence_stdout() -> None:
    """The reader went away (`| head`): further writes, and the flush at exit, must not complain."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def console_main() -> None:
    """The `tokenmill` command and `python -m tokenmill`."""
    status = main(one_shot=True)
    try:
        sys.stdout.flush()          # output still buffered meets a closed pipe here, not at exit
    except BrokenPipeError:
        _silence_stdout()
        status = EXIT_BROKEN_PIPE
    if status == EXIT_INTERRUPTED:
        # The local runner's worker threads wait on processes Ctrl-C already ended: do not wait for them.
        sys.stderr.flush()
        os._exit(status)
    one_shot_heap.exiting()
    sys.exit(status)


if __name__ == "__main__":
    console_main()
