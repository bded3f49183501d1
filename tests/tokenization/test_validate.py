"""`inspect validate` catches each kind of damage, with one clear line per problem."""
import json

import numpy as np

from tokenization.shard_format import open_shard, token_checksum, write_shard
from tokenization.validate import validate_output


def _first_shard(root):
    manifest = json.loads((root / "manifest.json").read_text())
    entry = next(shard for shard in manifest["shards"] if shard["rows"])
    return root / "tokens" / entry["path"], entry["path"]


def _rewrite(path, change):
    """Rewrite a shard with changed tokens and an honest checksum: only `change` is wrong."""
    shard = open_shard(str(path))
    tokens, starts = change(np.array(shard.tokens)), [shard.doc_starts(r).copy() for r in range(len(shard.tokens))]
    metadata = dict(shard.metadata, checksum=token_checksum(tokens))
    del shard
    with open(path, "wb") as handle:
        write_shard(handle, tokens, starts, metadata)


def test_a_complete_output_is_valid(tokenized_output):
    assert validate_output(str(tokenized_output)) == []


def test_a_flipped_byte_in_a_token_buffer_fails_the_checksum(output_copy):
    path, name = _first_shard(output_copy)
    first_tokens = np.array(open_shard(str(path)).tokens[0][:8]).tobytes()   # 16+ bytes: found once
    data = bytearray(path.read_bytes())
    data[data.find(first_tokens) + 3] ^= 0x01
    path.write_bytes(bytes(data))
    problems = validate_output(str(output_copy))
    assert any(name in p and "checksum" in p for p in problems), problems


def test_a_token_id_at_or_above_the_vocabulary_is_caught(output_copy):
    path, name = _first_shard(output_copy)

    def too_big(tokens):
        tokens[0, 0] = 65000
        return tokens
    _rewrite(path, too_big)
    problems = validate_output(str(output_copy))
    assert any(name in p and "token id 65000 >= vocab size" in p for p in problems), problems


def test_a_truncated_file_is_caught(output_copy):
    path, name = _first_shard(output_copy)
    path.write_bytes(path.read_bytes()[:-100])
    assert any(name in p and "truncated or corrupt" in p for p in validate_output(str(output_copy)))


def test_a_manifest_count_off_by_one_is_caught(output_copy):
    manifest = json.loads((output_copy / "manifest.json").read_text())
    manifest["totals"]["tokens"] += 1
    (output_copy / "manifest.json").write_text(json.dumps(manifest))
    assert any("total tokens" in p for p in validate_output(str(output_copy)))


def test_a_missing_shard_is_caught(output_copy):
    path, name = _first_shard(output_copy)
    path.unlink()
    assert f"{name}: missing shard" in validate_output(str(output_copy))


def test_an_output_without_manifest_or_with_leftovers_is_incomplete(output_copy):
    (output_copy / "tokens" / "books" / "x.arrow.inprogress").write_bytes(b"half")
    (output_copy / "manifest.json").unlink()
    problems = validate_output(str(output_copy))
    assert any(p.startswith("incomplete: no manifest.json") for p in problems)
    assert any("x.arrow.inprogress is left from an interrupted write" in p for p in problems)


def test_a_documents_parquet_cut_to_1000_bytes_is_caught(output_copy):
    path = sorted((output_copy / "documents").glob("*.parquet"))[0]
    path.write_bytes(path.read_bytes()[:1000])
    name = f"documents/{path.name}"
    assert any(p.startswith(f"{name}: 1000 bytes, the manifest says") for p in validate_output(str(output_copy)))


def test_an_altered_json_file_of_the_same_size_is_caught(output_copy):
    path = output_copy / "stats" / "counts.json"
    text = path.read_text()
    path.write_text(text.replace('"read": ', '"reaD": ', 1))
    assert "stats/counts.json: checksum differs from the manifest's (altered)" in validate_output(str(output_copy))
