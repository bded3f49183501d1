"""The output root is a Hugging Face dataset: `load_dataset(OUT)` gives the documents, its card says what they are."""
import json
import re

import pyarrow.parquet as pq
import pytest
import yaml

from reporting.dataset_card import example_shard
from tests.fixtures import write_jsonl
from tests.outputs import table_rows
from tests.tokenized_output import run_tokenized

datasets = pytest.importorskip("datasets", reason="Hugging Face datasets is in the test extra")


def _front_matter(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1]), text


def _rows_on_disk(root, part):
    return sum(pq.ParquetFile(path).metadata.num_rows for path in (root / part).glob("*.parquet"))


@pytest.fixture(scope="module")
def with_rejects(tmp_path_factory):
    """Two sources, some documents too short for normalisation: rejected/ has rows."""
    root = tmp_path_factory.mktemp("card")
    long_text = "A sentence long enough to pass the normaliser's minimum length, and then some more words. "
    write_jsonl(root / "a.jsonl", [{"id": f"a{i}", "text": long_text * 3 if i % 3 else "short",
                                    "url": f"https://a.example/{i}"} for i in range(12)])
    write_jsonl(root / "b.jsonl", [{"id": f"b{i}", "text": long_text * (i + 2)} for i in range(6)])
    return run_tokenized([f"alpha={root}/a.jsonl", f"beta={root}/b.jsonl"], root / "out",
                         extra=["normalize.enabled=true"])


def test_load_dataset_on_the_root_gives_the_curated_documents(with_rejects, tmp_path):
    loaded = datasets.load_dataset(str(with_rejects), cache_dir=str(tmp_path))
    documents = loaded["train"]
    assert documents.num_rows == _rows_on_disk(with_rejects, "documents") == 14
    assert documents.column_names == ["id", "source", "url", "text", "meta", "annotations"]
    # the typed structs load as nested features: no Arrow map, which datasets cannot load
    annotations = documents.features["annotations"]
    assert annotations["lang_score"].dtype == "float64" and annotations["pii"]["EMAIL_ADDRESS"].dtype == "int64"
    assert annotations["quality"]["gopher_words"].dtype == "int64"
    assert documents[0]["meta"]["location"].startswith(("a.jsonl:", "b.jsonl:"))
    assert sorted(documents["id"]) == sorted(row["id"] for row in table_rows(with_rejects, "documents"))


def test_the_card_names_rejected_and_the_token_shards_which_load_too(with_rejects, tmp_path):
    front, text = _front_matter(with_rejects / "README.md")
    names = [config["config_name"] for config in front["configs"]]
    assert names == ["documents", "rejected"]                 # no errors in this run: no empty config
    assert front["configs"][0]["default"] is True
    rejected = datasets.load_dataset(str(with_rejects), "rejected", cache_dir=str(tmp_path))["train"]
    assert rejected.num_rows == _rows_on_disk(with_rejects, "rejected") == 4
    assert set(rejected["reason"]) == {"too_short"}
    assert rejected.column_names == ["id", "url", "source", "stage", "reason", "detail", "text", "text_chars",
                                     "annotations"]
    assert all(len(row["text"]) == row["text_chars"] > 0 for row in rejected)
    assert "rejected/`: documents a stage removed on purpose, with stage, reason, annotations and the whole text" \
        in text
    assert 'load_dataset("OUT/tokens")' in text and "errors/`: records that could not be read" in text
    manifest = json.loads((with_rejects / "manifest.json").read_text())
    tokens = datasets.load_dataset(str(with_rejects / "tokens"), cache_dir=str(tmp_path))["train"]
    assert tokens.num_rows == manifest["totals"]["rows"]
    assert tokens.features["tokens"].feature.dtype == "uint16"
    beta = datasets.load_dataset(str(with_rejects / "tokens"), "beta", cache_dir=str(tmp_path))["train"]
    assert beta.num_rows == manifest["sources"]["beta"]["rows"]


def test_the_card_states_tokenizer_lengths_counts_funnel_version_and_config_hash(with_rejects):
    _, text = _front_matter(with_rejects / "README.md")
    manifest = json.loads((with_rejects / "manifest.json").read_text())
    assert manifest["tokenizer"]["sha256"] in text and f"| sequence length | {manifest['seq_len']:,} tokens |" in text
    for source, entry in manifest["sources"].items():
        for lang, counts in entry["languages"].items():
            assert f"| {source} | {lang} | {counts['documents']:,} | {counts['text_bytes']:,} | " \
                   f"{counts['tokens_encoded']:,} |" in text
    assert "| alpha | 12 | 8 | 4 | 0 |" in text and "alpha: dropped 4 × normalize.too_short" in text
    assert f"tokenmill {manifest['tokenmill_version']}" in text and manifest["config_hash"] in text
    assert manifest["tokenmill_version"] == __import__("importlib.metadata").metadata.version("tokenmill")
    assert {"README.md", "tokens/README.md"} <= {entry["path"] for entry in manifest["files"]}


def test_the_cards_example_opens_a_shard_that_holds_rows(with_rejects, tmp_path):
    for card in (with_rejects / "README.md", with_rejects / "tokens" / "README.md"):
        path = re.search(r'Dataset\.from_file\("OUT/(tokens/[^"]+)"\)', card.read_text(encoding="utf-8")).group(1)
        assert datasets.Dataset.from_file(str(with_rejects / path)).num_rows > 0, (card, path)


def test_the_example_shard_skips_shard_indices_that_got_no_document():
    shards = [{"path": "web/web-00000-of-00002.arrow", "rows": 0}, {"path": "web/web-00001-of-00002.arrow", "rows": 3}]
    assert example_shard({"shards": shards}) == "web/web-00001-of-00002.arrow"
    assert example_shard({"shards": shards[:1]}) == "web/web-00000-of-00002.arrow"     # nothing better to show
