"""The config a run records in manifest.json reproduces the run: same config_hash, same bytes (issue 14).

JSON writes the Gopher n-gram thresholds' integer keys as strings; read back
as strings, they sorted "10" before "5" and changed which documents the
n-gram rules kept. On real crawl text, with real block and word lists.
"""
import io
import json

from pipelines.config import load_config
from pipelines.run import run_curation
from tests.conftest import shared_data
from tests.outputs import counts, file_bytes


def test_the_manifest_config_gives_the_same_hash_and_byte_identical_outputs(tmp_path):
    dolma = shared_data("web/dolma/CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz")
    unsafe = shared_data("unsafe")
    first = load_config(inputs=[f"dolma={dolma}"], output=str(tmp_path / "first"), overrides=[
        f"url_filter.lists=['{unsafe}/ut1_blacklists/blacklists']", "url_filter.categories=[gambling, phishing]",
        f"unsafe_words.lists={unsafe}/ldnoobw",
        "quality.gopher_repetition.max_dup_ngram_char_fraction={5: 0.1, 10: 0.05}",
        "language.min_score_by_language={en: 0.65}", "tokenize.vocab_size=2000", "tokenize.seq_len=512",
        "plans.budgets=[small=100K]"])
    assert run_curation(first, [], workers=1, out=io.StringIO()) == 0
    manifest = json.loads((tmp_path / "first" / "manifest.json").read_text())

    recorded = tmp_path / "recorded.json"
    recorded.write_text(json.dumps(manifest["config"]))
    assert load_config(str(recorded)).recorded()["config_hash"] == manifest["config_hash"]
    again = load_config(str(tmp_path / "first" / "manifest.json"), output=str(tmp_path / "again"))
    assert again.recorded()["config_hash"] == manifest["config_hash"]
    assert again.quality.gopher_repetition.max_dup_ngram_char_fraction == {5: 0.1, 10: 0.05}

    assert run_curation(again, [], workers=1, out=io.StringIO()) == 0
    assert counts(tmp_path / "again") == counts(tmp_path / "first")
    assert counts(tmp_path / "first")["sources"]["dolma"]["kept"] > 100
    assert file_bytes(tmp_path / "again") == file_bytes(tmp_path / "first")
