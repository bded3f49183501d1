"""Reuse of near dedup's MinHash signatures, document by document.

A signature is a function of the text near dedup sees, the document's language (which picks word or
character shingles) and near dedup's shingle and MinHash options. Which documents reach near dedup
depends on every threshold before it, so signatures cannot be kept per input file; but a document kept
in both runs reaches it with the same text and language, so its signature is kept under the hash of
near dedup's signature key and of those two (pipelines/reuse_stages.py's result files, under
OUT/cache/stages/near_dedup-KEY/). A document found there is not shingled or hashed again (unless
verify_jaccard needs its shingles); any other is computed, exactly as a cold run computes it.

Only the documents that reach near dedup are signed: a signature computed earlier, for every document
that reaches quality, would cost a cold run the documents the thresholds drop (docs/reuse.md, "Cost").
"""
from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
from dataclasses import dataclass

import numpy as np
from apache_beam.metrics import Metrics

from filters.dedup.config import NearDedupConfig
from pipelines.reuse_keys import PREFIX_CODE, code_digest, library_versions
from pipelines.memo_forms import TextAndLanguage
from pipelines.reuse_stages import ResultLog, earlier_results, result_places
from pipelines.stage import COUNTER_NAMESPACE

STAGE = "near_dedup"
# The code of the signature besides PREFIX_CODE's (filters.dedup is in it): the record near dedup builds.
SIGNATURE_CODE = ("pipelines.dedup", "pipelines.reuse_signatures")
SIGNATURE_LIBRARIES = ("numpy", "numba", "xxhash")
NO_SHINGLES = ""        # the stored value of a document without shingles (it has no signature: it is unique)
_BYTE_ORDER = "<u8"


def signature_options(config: NearDedupConfig) -> dict:
    """What decides a document's signature: the shingles (their n) and the permutations (how many, their
    seed). The rest of near dedup's options (bands and rows beyond their product, components, rounds,
    verification, bucket size) decide what is done with signatures, so changing them reuses every one."""
    return {"num_perm": config.lsh_params().num_perm, "seed": config.seed, "word_ngram": config.word_ngram,
            "char_ngram": config.char_ngram}


def signature_key(config: NearDedupConfig) -> str:
    described = {"stage": STAGE, "options": signature_options(config),
                 "code": code_digest(PREFIX_CODE + SIGNATURE_CODE), "libraries": library_versions(SIGNATURE_LIBRARIES)}
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class SignatureCache:
    """Where this run's signatures go (`own`) and where earlier ones are looked up (`places`, own first)."""
    key: str
    own: str
    places: tuple
    run_id: str
    num_perm: int

    @classmethod
    def for_run(cls, config: NearDedupConfig, output: str, reuse: list, run_id: str) -> "SignatureCache":
        key = signature_key(config)
        own, places = result_places(output, reuse, STAGE, key)
        return cls(key, own, tuple(places), run_id, config.lsh_params().num_perm)

    def earlier(self, pipeline):
        """One element, a dict (document hash -> stored signature) of the earlier runs: near dedup's side
        input (pipelines/dedup.py takes it AsSingleton). Not a pair per signature: each pair cost the
        runner a dispatch and a coding, thousands of them on every rerun."""
        return earlier_results(pipeline, STAGE, list(self.places), self.key,
                               functools.partial(parses_as_signature, self.num_perm))

    def lookup(self) -> "SignatureLookup":
        return SignatureLookup(self)


def parses_as_signature(num_perm: int, stored: str) -> bool:
    """Whether `stored` is what `SignatureLookup.computed` writes for `num_perm` permutations."""
    if stored == NO_SHINGLES:
        return True
    try:
        return len(base64.b64decode(stored, validate=True)) == num_perm * np.dtype(_BYTE_ORDER).itemsize
    except binascii.Error:
        return False


class SignatureLookup:
    """On a worker: a document's stored signature, and the log of those its bundle used."""

    def __init__(self, cache: SignatureCache):
        self._key = cache.key.encode()
        self._log = ResultLog(cache.own, cache.run_id, cache.key)
        self._reused = Metrics.counter(COUNTER_NAMESPACE, f"cache.{STAGE}.reused")
        self._computed = Metrics.counter(COUNTER_NAMESPACE, f"cache.{STAGE}.computed")

    def digest(self, doc) -> str:
        """A signature depends on the text and the language alone (the shingles' word rules)."""
        return TextAndLanguage.digest(self._key, doc)

    def stored(self, digest: str, earlier: dict) -> tuple:
        """(True, the stored signature, None for a document without shingles), or (False, None)."""
        stored = earlier.get(digest)
        if stored is None:
            return False, None
        self._reused.inc()
        self._log.keep(digest, stored)
        return True, None if stored == NO_SHINGLES else np.frombuffer(base64.b64decode(stored), dtype=_BYTE_ORDER)

    def computed(self, digest: str, signature) -> None:
        self._computed.inc()
        stored = NO_SHINGLES if signature is None else base64.b64encode(
            signature.astype(_BYTE_ORDER, copy=False).tobytes()).decode("ascii")
        self._log.keep(digest, stored)

    def write(self) -> None:
        self._log.write()
