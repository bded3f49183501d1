"""`tokenmill export megatron|mds OUT DEST`: a finished output in another trainer's format, without rerunning.

OUT and DEST are local paths or URIs of any pyarrow filesystem (gs://, s3://).
Everything is checked before DEST is touched; a mistake raises ExportError,
which the command line prints as one line with exit status 2. Files appear
under DEST only once complete; DEST/export.json, written last, records per
source how many documents were exported whole.

An output tokenized with `tokenize.tail: drop` whose tails cut documents is
refused unless --allow-partial: an export is meant to hold every curated
document, and a silent shortfall is the worst kind. With the flag it is
written, and stdout and export.json say "N of M documents exported, K cut by
tail=drop" per source.
"""
from __future__ import annotations

import argparse
import json
import sys

import pyarrow as pa
import pyarrow.fs as pafs

from tokenization.export_coverage import Coverage, source_coverage
from tokenization.export_files import atomic_output
from tokenization.export_megatron import export_megatron
from tokenization.export_mds import DEFAULT_SIZE_LIMIT, export_mds
from tokenization.manifest import MANIFEST_FILE, shards_by_source
from tokenization.shard_format import ShardError
from tokenization.storage import locate
from tokenmill.usage import UsageError

EXIT_OK = 0
EXPORT_METADATA = "export.json"
FORMATS = {"megatron": "Megatron-LM indexed dataset (.bin + .idx), one sequence per document",
           "mds": "MosaicML streaming MDS shards, one sample per token row"}


class ExportError(UsageError):
    """A usage problem: the command line prints it as one line and exits 2."""


def build_parser(parser_class=argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser = parser_class(prog="tokenmill export", description="Write a finished output in a trainer's format.")
    formats = parser.add_subparsers(dest="format", required=True, parser_class=parser_class)
    for name, text in FORMATS.items():
        command = formats.add_parser(name, help=text)
        command.add_argument("output", metavar="OUT", help="a finished tokenmill output")
        command.add_argument("destination", metavar="DEST", help="a new or empty directory")
        command.add_argument("--json", action="store_true", help="print what was written as JSON")
        command.add_argument("--allow-partial", action="store_true",
                             help="export an output whose tokenize.tail=drop cut documents (counted as cut)")
    formats.choices["mds"].add_argument("--size-limit", type=int, default=DEFAULT_SIZE_LIMIT,
                                        help=f"bytes per MDS shard (default {DEFAULT_SIZE_LIMIT:,})")
    return parser


def run(args, out=None) -> int:
    out = out or sys.stdout
    try:
        source, destination = _checked(args)
        if args.format == "megatron":
            written = export_megatron(source, destination)
        else:
            written = export_mds(source, destination, args.size_limit)
        _write_metadata(destination, args.format, source.read_json(MANIFEST_FILE), written)
    except (ShardError, OSError, pa.ArrowInvalid) as error:
        raise ExportError(str(error)) from None
    if args.json:
        print(json.dumps(written, indent=1, sort_keys=True), file=out)
    for source_name, counts in sorted(written.items()):
        coverage = Coverage(counts["documents_curated"], counts["documents"], counts["documents_cut_by_tail"])
        sizes = [f"{value:,} {key}" for key, value in counts.items()
                 if isinstance(value, int) and key not in coverage.as_dict()]
        print(f"{source_name}: " + ", ".join([coverage.line(), *sizes]) + f" -> {args.destination}", file=out)
    return EXIT_OK


def _write_metadata(destination, export_format: str, manifest: dict, written: dict) -> None:
    metadata = {"format": export_format, "tail": manifest.get("tail"), "config_hash": manifest.get("config_hash"),
                "sources": written}
    with atomic_output(destination, EXPORT_METADATA) as handle:
        handle.write(json.dumps(metadata, indent=1, sort_keys=True).encode("utf-8"))


def _refuse_cut_documents(args, manifest: dict) -> None:
    """An export of an output whose dropped tails cut documents needs --allow-partial."""
    coverage = [source_coverage(entries) for entries in shards_by_source(manifest).values()]
    cut, curated = sum(c.cut for c in coverage), sum(c.curated for c in coverage)
    if cut and not args.allow_partial:
        raise ExportError(f"{args.output} was tokenized with tokenize.tail=drop, which cut {cut:,} of its "
                          f"{curated:,} documents: rerun it with tokenize.tail=pad for whole documents, or pass "
                          "--allow-partial to export it with them counted as cut")


def _checked(args):
    if getattr(args, "size_limit", 1) < 1:
        raise ExportError(f"--size-limit must be positive, got {args.size_limit}")
    source, destination = locate(args.output), locate(args.destination)
    if not source.exists(MANIFEST_FILE):
        raise ExportError(f"no {MANIFEST_FILE} in {args.output}: not a finished tokenmill output")
    manifest = source.read_json(MANIFEST_FILE)
    if not manifest["shards"]:
        raise ExportError(f"{args.output} has no token shards (tokenization was off, or nothing was kept)")
    _refuse_cut_documents(args, manifest)
    info = destination.filesystem.get_file_info(destination.root)
    if info.type == pafs.FileType.File:
        raise ExportError(f"{args.destination} is a file, not a directory")
    if info.type == pafs.FileType.Directory and destination.filesystem.get_file_info(
            pafs.FileSelector(destination.root)):
        raise ExportError(f"{args.destination} is not empty: export into a new directory")
    return source, destination


def main(argv: list, parser_class=argparse.ArgumentParser) -> int:
    return run(build_parser(parser_class).parse_args(argv))
