import random

import datasketch
import numpy as np
import pytest
import xxhash
from hypothesis import given, settings, strategies as st

from filters.dedup.lsh import PRESETS, LshParams, band_keys, optimal_params, s_curve
from filters.dedup.minhash import EMPTY, Permutations, signature
from filters.dedup.shingles import normalize_for_shingles, shingle_hashes, written_without_spaces


def random_text(rng, words=80):
    vocabulary = [f"w{n}" for n in range(400)]
    return " ".join(rng.choice(vocabulary) for _ in range(words))


def test_signatures_equal_datasketch_affine64_bit_for_bit():
    rng = random.Random(7)
    permutations = Permutations.create(112, seed=42)
    for _ in range(50):
        shingles = shingle_hashes(random_text(rng))
        reference = datasketch.MinHash(num_perm=112, seed=42, scheme="affine64", hashfunc=int)
        reference.update_batch([int(value) for value in shingles])
        assert np.array_equal(signature(shingles, permutations), reference.hashvalues)


def test_long_documents_are_signed_in_blocks_with_the_same_result():
    shingles = np.arange(1, 20_000, dtype=np.uint64) * np.uint64(2654435761)
    permutations = Permutations.create(16)
    reference = datasketch.MinHash(num_perm=16, seed=1, scheme="affine64", hashfunc=int)
    reference.update_batch([int(value) for value in shingles])
    assert np.array_equal(signature(shingles, permutations), reference.hashvalues)


def test_empty_document_has_the_empty_signature():
    assert len(shingle_hashes("")) == 0
    assert (signature(np.zeros(0, dtype=np.uint64), Permutations.create(8)) == EMPTY).all()


def test_shingle_normalisation_and_scripts():
    assert normalize_for_shingles("Hello,  WORLD! Ｆｕｌｌ-width") == "hello world full-width"
    assert shingle_hashes("One two three four five six").size == 2           # word 5-grams
    assert shingle_hashes("one two").size == 1                               # shorter than n: one shingle
    assert written_without_spaces("東京は日本の首都です", None)
    assert not written_without_spaces("plain english words", None)
    assert shingle_hashes("東京は日本の首都です", "ja").size == 6              # character 5-grams
    assert np.array_equal(shingle_hashes("A b c d e f"), shingle_hashes("a, B; c d E f!"))


def test_band_candidates_equal_datasketch_lsh_on_the_same_signatures():
    rng = random.Random(3)
    params = PRESETS["fineweb"]
    permutations = Permutations.create(params.num_perm, seed=1)
    base = [random_text(rng, 60) for _ in range(300)]
    texts = base + [" ".join(text.split()[:55] + random_text(rng, 5).split()) for text in base[:200]]
    signatures = [signature(shingle_hashes(text), permutations) for text in texts]
    ours = set()
    buckets: dict = {}
    for number, sig in enumerate(signatures):
        for key in band_keys(sig, params):
            buckets.setdefault(key, []).append(number)
    for members in buckets.values():
        ours |= {(a, b) for a in members for b in members if a < b}
    index = datasketch.MinHashLSH(num_perm=params.num_perm, params=(params.bands, params.rows))
    sketches = [datasketch.LeanMinHash(seed=1, hashvalues=sig, scheme="affine64") for sig in signatures]
    for number, sketch in enumerate(sketches):
        index.insert(number, sketch)
    theirs = {(min(a, b), max(a, b)) for a, sketch in enumerate(sketches) for b in index.query(sketch) if a != b}
    assert ours == theirs and len(ours) >= 150


def test_s_curve_and_presets():
    params = LshParams(14, 8)
    assert params.candidate_probability(0.0) == 0.0 and params.candidate_probability(1.0) == 1.0
    assert 0.5 < params.candidate_probability(0.72) < 0.7 and params.candidate_probability(0.9) > 0.99
    assert "threshold about 0.72" in s_curve(params)
    for name, threshold in (("j0.7", 0.7), ("j0.8", 0.8), ("j0.9", 0.9)):
        assert PRESETS[name] == optimal_params(threshold)


@pytest.mark.parametrize("text", ["", "!!!", "🙂" * 500, "x" * 100_000, "a b " * 50_000])
def test_odd_texts(text):
    shingle_hashes(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), min_size=8, max_size=8))
def test_band_keys_are_the_unsigned_band_hashes_read_as_int64(values):
    """Signed, so that each fits Beam's varint coder; the same hash modulo 2**64, so the same buckets."""
    params = LshParams(bands=2, rows=4)
    signature_values = np.array(values, dtype="<u8")
    keys = band_keys(signature_values, params)
    for band, key in keys:
        unsigned = xxhash.xxh3_64_intdigest(signature_values[band * 4:(band + 1) * 4].tobytes())
        assert -2**63 <= key < 2**63 and key % 2**64 == unsigned
