"""README.md at the output root: a Hugging Face dataset card, so that `load_dataset(OUT)` works.

Its YAML `configs:` name every loadable Parquet part, with the curated
documents as the default: without them, `load_dataset` would guess a format
from the mixed Parquet, Arrow and JSON files of the root and fail. The token
shards get a card of their own in tokens/ (`load_dataset(OUT + "/tokens")`),
because Hugging Face reads every config of one card with the same builder. The text states what
a dataset card on the Hub is expected to hold: the tokenizer, the sequence
length, tokens per source and language, the funnel, and the tokenmill
version and config hash that made it. Built from the manifest alone.
"""
from __future__ import annotations

import yaml

CARD_FILE = "README.md"
TOKENS_CARD_FILE = "tokens/README.md"
PARQUET_PARTS = (("documents", "the curated documents, with their meta and annotations as typed structs "
                               "(documents format {documents_format})"),
                 ("rejected", "documents a stage removed on purpose, with stage, reason, annotations and {text}"),
                 ("errors", "records that could not be read or processed"))


def dataset_configs(manifest: dict) -> list:
    """Parts with rows only (besides the default): `load_dataset` refuses a split with no data."""
    rows = _rows_per_part(manifest.get("funnel") or {})
    configs = [_config(name, f"{name}/*.parquet") for name, _ in PARQUET_PARTS if name == "documents" or rows[name]]
    configs[0]["default"] = True
    return configs


def token_configs(manifest: dict) -> list:
    """tokens/README.md: all sources by default, one config per source."""
    sources = sorted(source for source, entry in manifest["sources"].items() if entry.get("shards"))
    return [{**_config("all", "*/*.arrow"), "default": True}] + [_config(s, f"{s}/*.arrow") for s in sources]


def _config(name: str, pattern: str) -> dict:
    return {"config_name": name, "data_files": [{"split": "train", "path": pattern}]}


def _front_matter(configs: list) -> str:
    return "---\n" + yaml.safe_dump({"configs": configs, "tags": ["tokenmill"]}, sort_keys=False) + "---\n\n"


def dataset_card(manifest: dict) -> str:
    sections = [_heading(manifest), _loading(manifest), _tokenizer(manifest), _tokens(manifest),
                _funnel(manifest.get("funnel") or {})]
    return _front_matter(dataset_configs(manifest)) + "\n\n".join(s for s in sections if s) + "\n"


def tokens_card(manifest: dict) -> str:
    """A dataset of its own: Hugging Face gives every config of one card the same file format."""
    first = example_shard(manifest)
    text = "\n".join([
        "# tokenmill token shards", "",
        f"Packed sequences of {manifest['seq_len']:,} tokens, one Arrow IPC stream per shard, with the ids of "
        "the documents each row holds (`doc_ids`, aligned with `doc_starts`, and `continued_doc_id`). The "
        "dataset card one folder up describes the tokenizer, the counts and the run.", "",
        "```python", "from datasets import load_dataset, Dataset",
        'tokens = load_dataset("OUT/tokens")            # every source; a source name as the config for one',
        f'shard = Dataset.from_file("OUT/tokens/{first}")  # memory-mapped, no copy', "```"])
    return _front_matter(token_configs(manifest)) + text + "\n" + _tokens(manifest) + "\n"


def example_shard(manifest: dict) -> str:
    """The shard the card's example opens: the first that holds rows (a shard index with no document is
    written too, and an example that opens 0 rows teaches nothing)."""
    shards = manifest["shards"]
    return next((shard["path"] for shard in shards if shard.get("rows")), shards[0]["path"])


def _rows_per_part(funnel: dict) -> dict:
    sources = (funnel.get("sources") or {}).values()
    return {"documents": sum(entry["kept"] for entry in sources),
            "rejected": sum(entry["dropped"] for entry in sources),
            "errors": sum(entry["errors"] for entry in sources)}


def _rejected_text(manifest: dict) -> str:
    write = (manifest.get("config") or {}).get("write") or {}
    if write.get("rejected_text") == "excerpt":
        return f"the first {write.get('rejected_excerpt_chars'):,} characters of the text"
    return "the whole text"


def _heading(manifest: dict) -> str:
    rows = _rows_per_part(manifest.get("funnel") or {})
    fill = {"text": _rejected_text(manifest), "documents_format": manifest.get("documents_format")}
    parts = "\n".join(f"- `{name}/`: {text.format(**fill)} "
                       f"({rows[name]:,} rows{'' if rows[name] else ', so no config'})" for name, text in PARQUET_PARTS)
    tokens = ("packed token sequences, one Arrow IPC stream per shard, with the ids of the documents each row "
              "holds; `load_dataset(\"OUT/tokens\")` loads them" if manifest.get("shards") else
              "no token shards (tokenization was off, or no document was kept)")
    return (f"# tokenmill output\n\nMade by tokenmill {manifest.get('tokenmill_version', 'unknown')} with config "
            f"hash `{manifest.get('config_hash')}` (the whole config is in `manifest.json`).\n\n{parts}\n"
            f"- `tokens/`: {tokens}\n- `manifest.json`, `plans/`, `stats/`, `report/`: see docs/output-format.md")


def _loading(manifest: dict) -> str:
    lines = ["## Loading", "", "```python", "from datasets import load_dataset, Dataset",
             'documents = load_dataset("OUT")                # the default config: documents',
             'rejected = load_dataset("OUT", "rejected")     # when some document was rejected']
    if manifest.get("shards"):
        first = example_shard(manifest)
        lines += ['tokens = load_dataset("OUT/tokens")            # the token shards: a dataset card of their own',
                  f'shard = Dataset.from_file("OUT/tokens/{first}")  # memory-mapped, no copy']
    return "\n".join(lines + ["```"])


def _tokenizer(manifest: dict) -> str:
    tokenizer = manifest.get("tokenizer")
    if not tokenizer:
        return "## Tokenizer\n\nNo tokens: tokenization was off, or no document was kept."
    return "\n".join([
        "## Tokenizer and sequences", "",
        "| | |", "|---|---|",
        "| model | `tokenizer/tokenizer.model` (SentencePiece) |",
        f"| sha256 | `{tokenizer['sha256']}` |",
        f"| vocabulary | {tokenizer['vocab_size']:,} |",
        f"| bos / eos / pad ids | {manifest.get('bos_id')} / {manifest.get('eos_id')} / {manifest.get('pad_id')} |",
        f"| lossless round trip | {'yes' if tokenizer.get('lossless') else 'no'} |",
        f"| sequence length | {manifest['seq_len']:,} tokens |",
        f"| token dtype | {manifest.get('token_dtype')} |",
        f"| last partial row of a shard | {manifest.get('tail')} |",
        f"| shard format | {manifest.get('format_version')} |"])


def _tokens(manifest: dict) -> str:
    sources = manifest.get("sources") or {}
    if not sources:
        return ""
    rows = ["## Tokens per source and language", "",
            "| source | language | documents | text bytes | tokens encoded |", "|---|---|---:|---:|---:|"]
    for source, entry in sorted(sources.items()):
        for lang, counts in sorted((entry.get("languages") or {}).items()):
            rows.append(f"| {source} | {lang} | {counts['documents']:,} | {counts['text_bytes']:,} | "
                        f"{counts['tokens_encoded']:,} |")
    rows += ["", "| source | shards | rows | tokens in rows | padding | dropped tail tokens |",
             "|---|---:|---:|---:|---:|---:|"]
    for source, entry in sorted(sources.items()):
        rows.append(f"| {source} | {entry.get('shards', 0):,} | {entry.get('rows', 0):,} | "
                    f"{entry.get('tokens', 0):,} | {entry.get('pad_tokens', 0):,} | {entry.get('tail_tokens', 0):,} |")
    totals = manifest.get("totals") or {}
    rows.append(f"| **total** | {totals.get('shards', 0):,} | {totals.get('rows', 0):,} | "
                f"{totals.get('tokens', 0):,} | {totals.get('pad_tokens', 0):,} | {totals.get('tail_tokens', 0):,} |")
    return "\n".join(rows)


def _funnel(funnel: dict) -> str:
    sources = funnel.get("sources") or {}
    if not sources:
        return ""
    rows = ["## Funnel: where every record went", "", "| source | read | kept | dropped | errors |",
            "|---|---:|---:|---:|---:|"]
    reasons = []
    for source, entry in sorted(sources.items()):
        rows.append(f"| {source} | {entry['read']:,} | {entry['kept']:,} | {entry['dropped']:,} | "
                    f"{entry['errors']:,} |")
        reasons += [f"- {source}: dropped {count:,} × {reason}"
                    for reason, count in sorted(entry.get("drops", {}).items(), key=lambda kv: (-kv[1], kv[0]))]
        reasons += [f"- {source}: error {count:,} × {kind}"
                    for kind, count in sorted(entry.get("error_types", {}).items(), key=lambda kv: (-kv[1], kv[0]))]
    return "\n".join(rows + ([""] + reasons if reasons else []))
