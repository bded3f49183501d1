"""The data behind each `tokenmill inspect` command, as plain dicts (the --json output)."""
from __future__ import annotations

import os

from tokenization.encoding import Framing, decode_ids
from tokenization.loader import read_plan
from tokenization.manifest import MANIFEST_FILE, PLANS_DIR, TOKENIZER_PATH
from tokenization.manifest import read_manifest as read_manifest_file
from tokenization.provenance import document_records, has_documents, row_documents
from tokenization.sentencepiece_model import TokenizerError, processor_from_bytes
from tokenization.shard_format import ShardError, open_shard
from tokenization.storage import locate
from tokenization.token_stats import corpus_stats, plot_stats
from tokenization.validate import validate_output
from tokenmill.usage import UsageError


class InspectInputError(UsageError):
    """A directory, shard or plan that is not there or cannot be read: one line, exit 2."""


def read_manifest(root: str) -> dict:
    path = os.path.join(root, MANIFEST_FILE)
    if not os.path.isdir(root):
        raise InspectInputError(f"{root} is not a directory")
    if not os.path.exists(path):
        raise InspectInputError(f"no {MANIFEST_FILE} in {root}: not a finished tokenmill output "
                                "(`tokenmill inspect validate` says more)")
    return read_manifest_file(root)


def summary(root: str) -> dict:
    manifest = read_manifest(root)
    return {"root": root, **{key: manifest.get(key) for key in ("seq_len", "token_dtype", "tail", "pad_id",
                                                                 "tokenizer", "sources", "totals")}}


def validation(root: str) -> dict:
    if not os.path.isdir(root):
        raise InspectInputError(f"{root} is not a directory")
    problems = validate_output(root)
    shards = 0
    if os.path.exists(os.path.join(root, MANIFEST_FILE)):
        shards = len(read_manifest(root)["shards"])
    return {"root": root, "valid": not problems, "problems": problems, "shards_checked": shards}


def _processor_for(root: str, tokenizer: str | None):
    path = tokenizer or os.path.join(root, TOKENIZER_PATH)
    try:
        with open(path, "rb") as handle:
            return processor_from_bytes(handle.read(), path)
    except (OSError, TokenizerError) as error:
        raise InspectInputError(f"cannot decode: {error}") from None


def show_row(path: str, row: int, decode: bool, tokenizer: str | None) -> dict:
    try:
        shard = open_shard(path)
    except ShardError as error:
        raise InspectInputError(str(error)) from None
    if not 0 <= row < len(shard.tokens):
        raise InspectInputError(f"row {row} is outside the shard's {len(shard.tokens)} rows")
    tokens, starts = shard.tokens[row], [int(s) for s in shard.doc_starts(row)]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(path))))
    documents = row_documents(shard, row)
    records = document_records(locate(root), [doc["id"] for doc in documents])
    unknown = {"url": None, "source": shard.metadata.get("source")}     # a shard holds one source's rows
    data = {"shard": path, "row": row, "rows": len(shard.tokens), "tokens": tokens.tolist(),
            "doc_starts": starts, "format_version": shard.format_version,
            "documents": [{**doc, **records.get(doc["id"], unknown)} for doc in documents], "note": None}
    if documents and not has_documents(locate(root)):
        data["note"] = (f"no documents/ in {root}, so no url: the shard is not in OUT/tokens/<source>/ of its "
                        "output (the source is the shard's own)")
    if decode:
        processor = _processor_for(root, tokenizer)
        framing = Framing(shard.metadata["bos_id"], shard.metadata["eos_id"])
        bounds = ([0] if not starts or starts[0] else []) + starts + [len(tokens)]
        data["decoded"] = [{"offset": low, "text": decode_ids(processor, tokens[low:high], framing)}
                           for low, high in zip(bounds[:-1], bounds[1:]) if high > low]
    return data


def stats(root: str, top_k: int, plot: str | None) -> dict:
    manifest = read_manifest(root)
    data = corpus_stats(root, manifest, top_k)
    pieces = []
    if manifest.get("tokenizer") and os.path.exists(os.path.join(root, TOKENIZER_PATH)):
        processor = _processor_for(root, None)
        pieces = [processor.id_to_piece(i) for i in range(processor.vocab_size())]
        for entry in data["top_tokens"]:
            entry["piece"] = pieces[entry["id"]]
    if plot:
        plot_stats(data, pieces, plot)
        data["plot"] = plot
    return data


def plan_view(root: str, budget: str) -> dict:
    read_manifest(root)
    plans = os.path.join(root, PLANS_DIR)
    path = os.path.join(plans, f"{budget}.json")
    if not os.path.exists(path):
        names = sorted(name[:-5] for name in os.listdir(plans) if name.endswith(".json")) \
            if os.path.isdir(plans) else []
        raise InspectInputError(f"no plan {budget!r} in {root}/plans (there are: {', '.join(names) or 'none'}; "
                                f"`tokenmill plan {root} --budget {budget}` writes one)")
    return {key: value for key, value in read_plan(root, budget).items() if key != "order"}
