"""Per-document result files (pipelines/reuse_stages.py: near dedup's signatures, PII's results): a file is
used whole or not at all; a hash two files disagree on is not used; the keys name the Python release."""
import functools
import json
import random
import sys
import unicodedata

import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from corpus.cache_codec import encode_text
from corpus.document import Document
from filters.dedup.config import NearDedupConfig
from pipelines import reuse_keys
from pipelines.config import load_config
from pipelines.dedup import _NearRecords
from pipelines.reuse import EntryWriter
from pipelines.reuse_signatures import SignatureCache, signature_key, parses_as_signature
from pipelines.memo_forms import WholeDocument, parses_as
from pipelines.reuse_stages import ResultLog, earlier_results, results_in, stage_key

WORDS = "river stone light field morning window garden letter winter market music paper".split()


def _signed_file(tmp_path, count: int = 6):
    """A signature result file as near dedup writes it: (path, its cache, the pairs it holds)."""
    config = NearDedupConfig()
    cache = SignatureCache.for_run(config, str(tmp_path), [], "run")
    records = _NearRecords(config, cache)
    records.setup()
    rng = random.Random(5)
    for number in range(count):
        text = " ".join(rng.choice(WORDS) for _ in range(60))
        records.record(Document(str(number), text, "web", annotations={"lang": "en"}), {})
    records.record(Document("empty", "", "web"), {})              # stored as "no shingles"
    records.finish_bundle()
    (path,) = tmp_path.rglob("run-*.jsonl.zst")
    return path, cache, functools.partial(parses_as_signature, cache.num_perm)


def test_a_whole_result_file_gives_every_result(tmp_path):
    path, cache, parses = _signed_file(tmp_path)
    pairs = results_in(str(path), cache.key, parses)
    assert len(pairs) == 7 and ("", "") not in pairs
    assert sum(1 for _, stored in pairs if stored == "") == 1


def test_a_result_file_cut_anywhere_gives_nothing(tmp_path):
    """The reviewer's case: zstandard's stream reader read a cut-off frame as a shorter file, so a
    half-written last signature was used (a near-duplicate kept) or crashed the run (binascii.Error)."""
    path, cache, parses = _signed_file(tmp_path)
    data = path.read_bytes()
    for cut in range(len(data)):
        path.write_bytes(data[:cut])
        assert results_in(str(path), cache.key, parses) == [], cut


def test_a_flipped_byte_extra_bytes_another_key_or_no_trailer_give_nothing(tmp_path):
    path, cache, parses = _signed_file(tmp_path)
    data = path.read_bytes()
    for position in range(0, len(data), max(1, len(data) // 50)):
        flipped = bytearray(data)
        flipped[position] ^= 0x10
        path.write_bytes(bytes(flipped))
        assert results_in(str(path), cache.key, parses) == [], position
    path.write_bytes(data + data)                        # a second frame after the first
    assert results_in(str(path), cache.key, parses) == []
    path.write_bytes(data)
    assert results_in(str(path), "another" + cache.key[7:], parses) == []
    old = tmp_path / "old.jsonl.zst"                      # as written before trailers existed
    writer = EntryWriter(str(old))
    for digest, stored in results_in(str(path), cache.key, parses):
        writer.add_line(f"{digest}\t{stored}\n".encode())
    writer.finish(None)
    assert results_in(str(old), cache.key, parses) == []


def test_a_line_that_does_not_parse_spoils_its_file(tmp_path):
    """A whole frame with the right trailer is still refused if one value is not what the stage writes."""
    path, cache, parses = _signed_file(tmp_path)
    pairs = results_in(str(path), cache.key, parses)
    for bad in ("AAAA", pairs[0][1][:-4], "not base64!", "x" * 10):
        place = tmp_path / f"bad-{len(bad)}"
        log = ResultLog(str(place), "run", cache.key)
        for digest, stored in [*pairs, ("0" * 32, bad)]:
            log.keep(digest, stored)
        log.write()
        (written,) = place.glob("*.jsonl.zst")
        assert results_in(str(written), cache.key, parses) == [], bad


@pytest.mark.parametrize("result, parses", [
    ({"drop": ["pii_density", "3 entities"], "annotations": {"lang": "en"}}, True),
    ({"kept": {"id": "a", "annotations": {}}, "text": None}, True),
    ({"kept": {"id": "a"}, "text": "redacted"}, True),
    ({"drop": ["pii_density"], "annotations": {}}, False),
    ({"kept": {"id": "a"}}, False),
    ([1, 2], False),
])
def test_a_pii_result_parses_only_in_the_shape_the_stage_writes(result, parses):
    stored = encode_text(result)            # as WholeDocument.run writes what it is given
    assert parses_as(WholeDocument, stored) is parses
    assert parses_as(WholeDocument, stored[:-2]) is False and parses_as(WholeDocument, json.dumps(result)) is False


def test_a_hash_two_directories_disagree_on_is_computed_again(tmp_path):
    """Whichever directory is read last must not decide: a conflict is not used at all."""
    key = "k" * 64
    places = []
    for name, results in (("first", {"a" * 32: "1", "b" * 32: "2"}), ("second", {"a" * 32: "1", "b" * 32: "3"}),
                          ("third", {"c" * 32: "4"})):
        log = ResultLog(str(tmp_path / name), name, key)
        for digest, result in results.items():
            log.keep(digest, result)
        log.write()
        places.append(str(tmp_path / name))
    for order in (places, places[::-1]):
        with TestPipeline() as pipeline:
            found = earlier_results(pipeline, "stage", order, key, str.isdigit)
            assert_that(found, equal_to([{"a" * 32: "1", "c" * 32: "4"}]))


def test_every_key_names_the_python_release_and_its_unicode_database(monkeypatch):
    """NFKC, str.lower, str.isspace and re's \\w change between Python releases: another release, another key."""
    config = load_config(inputs=["x.jsonl"], output="out")
    keys = lambda: (signature_key(config.near_dedup), stage_key(config, "pii", {}),  # noqa: E731
                    reuse_keys.prefix_key(config, ["normalize"], {}))
    versions = reuse_keys.library_versions(())
    assert versions == {"python": "%d.%d" % sys.version_info[:2], "unicodedata": unicodedata.unidata_version}
    before = keys()
    monkeypatch.setattr(sys, "version_info", (3, 99, 0))
    other_python = keys()
    monkeypatch.undo()
    monkeypatch.setattr(unicodedata, "unidata_version", "99.0.0")
    other_unicode = keys()
    for changed in (other_python, other_unicode):
        assert all(old != new for old, new in zip(before, changed))
