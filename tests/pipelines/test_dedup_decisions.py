"""Dedup decisions from small records equal the decisions made on whole documents.

Exact dedup groups (hash, keep order, id) records and joins the documents back once; the keeper must
be the one the keep rule and its whole-row tie-break pick among the documents themselves. Exact and
near dedup run as one transform when they are side by side; that must equal running them one after
the other (as when a plugin sits between them). DedupBatches, which leaves the documents in their
batches and takes the decisions as a side input, must equal Dedup, which shuffles them, however the
documents are cut into batches.
"""
import dataclasses
import json
import os
import pickle
import random
import tempfile

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.document import Document
from corpus.parquet_rows import document_row
from filters.dedup.config import NearDedupConfig
from filters.dedup.keep_rule import document_keep_key
from pipelines.dedup import Dedup, DedupBatches, ExactDedup, NearDedup
from pipelines.write import row_order
from tests.pipelines.test_dedup import edited, text_of

RUNNER = "FnApiRunner"


def reference_exact(docs: list) -> tuple:
    """The keep rule on whole documents: per text, the first by (keep key, whole row)."""
    by_text: dict = {}
    for doc in docs:
        by_text.setdefault(doc.text, []).append(doc)
    kept, rejected = [], []
    for same in by_text.values():
        ordered = sorted(same, key=lambda doc: (document_keep_key(doc), row_order(document_row(doc))))
        kept.append(ordered[0])
        rejected += [(doc.id, doc.url, "exact_duplicate", ordered[0].id) for doc in ordered[1:]]
    return sorted(_rows(kept), key=repr), sorted(rejected, key=repr)


def _rows(docs) -> list:
    return [tuple(sorted(document_row(doc).items())) for doc in docs]   # sorted by repr: urls may be None


def _rejected_row(rejected) -> dict:
    """A rejected row as plain values (annotations as JSON with sorted keys), comparable as a tuple."""
    return {**dataclasses.asdict(rejected),
            "annotations": json.dumps(rejected.annotations, sort_keys=True, default=str)}


def run(docs: list, transform, directory) -> tuple:
    """(kept rows, rejected rows), sorted: written to files by the pipeline (its functions run on
    copies of this process's objects)."""
    with TestPipeline(runner=RUNNER) as pipeline:
        outputs = pipeline | beam.Create(docs) | transform
        for name, pcoll, to_row in (("kept", outputs[0], document_row), ("rejected", outputs[1], _rejected_row)):
            (pcoll | f"{name}Rows" >> beam.Map(lambda item, to_row=to_row: tuple(sorted(to_row(item).items())))
             | f"{name}All" >> beam.combiners.ToList()
             | f"{name}Store" >> beam.Map(_store, os.path.join(directory, name)))
    return tuple(_load(os.path.join(directory, name)) for name in ("kept", "rejected"))


def _store(rows: list, path: str) -> None:
    with open(path, "wb") as handle:
        pickle.dump(sorted(rows, key=repr), handle)


def _load(path: str) -> list:
    with open(path, "rb") as handle:
        return pickle.load(handle)


DOCS = st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d", "e", "f"]),      # id (collisions too)
                          st.sampled_from(["same text", "other text", "third"]),
                          st.sampled_from([None, "https://x.test/1", "https://y.test/2"]),
                          st.sampled_from([None, "2021", "2023", 2022])),     # an int beside strings too
                min_size=1, max_size=12)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(DOCS)
def test_exact_keepers_from_records_equal_the_keep_rule_on_whole_documents(specs):
    docs = [Document(doc_id, text, "s", url=url, meta={"crawl_date": date} if date else {})
            for doc_id, text, url, date in specs]
    with tempfile.TemporaryDirectory() as directory:
        kept, rejected = run(docs, ExactDedup(), directory)
    expected_kept, expected_rejected = reference_exact(docs)
    assert kept == expected_kept
    assert sorted(((dict(row)["id"], dict(row)["url"], dict(row)["reason"], dict(row)["detail"])
                   for row in rejected), key=repr) == expected_rejected


@pytest.mark.parametrize("seed", [0, 1])
def test_both_dedups_at_once_equal_one_after_the_other(seed, tmp_path):
    rng = random.Random(seed)
    bases = [text_of(rng, 80) for _ in range(30)]
    docs = []
    for number in range(150):
        base = rng.choice(bases)
        text = base if rng.random() < 0.3 else edited(rng, base, rng.randrange(1, 6))
        date = rng.choice([None, "2020", "2022", "2024"])
        docs.append(Document(f"s/{number:03d}", text, "s", url=f"https://site.test/{number}",
                             meta={"crawl_date": date} if date else {}))
    config = NearDedupConfig()
    (tmp_path / "together").mkdir()
    (tmp_path / "apart").mkdir()
    together = run(docs, Dedup(exact=True, near=config), str(tmp_path / "together"))

    def one_after_the_other(pcoll):
        exact_kept, exact_rejected = pcoll | "Exact" >> ExactDedup()
        near_kept, near_rejected, _ = exact_kept | "Near" >> NearDedup(config)
        return near_kept, (exact_rejected, near_rejected) | "BothRejected" >> beam.Flatten()

    apart = run(docs, beam.ptransform_fn(one_after_the_other)(), str(tmp_path / "apart"))
    assert together == apart
    reasons = {dict(row)["reason"] for row in together[1]}
    assert reasons == {"exact_duplicate", "near_duplicate"}          # both kinds of decision were made


def _in_batches(transform):
    """A DedupBatches with documents out, as run() takes it: lists of documents in, (kept, rejected) out."""
    def expand(batches):
        kept, rejected, _ = batches | "Dedup" >> transform
        return kept | "Unbatch" >> beam.FlatMap(lambda batch: batch), rejected
    return beam.ptransform_fn(expand)()


def _cut(docs: list, cuts) -> list:
    """The documents in batches, cut before each index in `cuts`."""
    edges = [0, *sorted(cut for cut in cuts if 0 < cut < len(docs)), len(docs)]
    return [docs[start:end] for start, end in zip(edges, edges[1:])]


def _near_and_exact_corpus(rng, documents: int, pieces: list) -> list:
    """Unique ids (as the readers make them); texts repeated whole, edited a little (near duplicates),
    or too short to shingle; dates that decide keepers."""
    bases = [text_of(rng, 80) for _ in range(12)]
    docs = []
    for number in range(documents):
        piece = pieces[number % len(pieces)]
        base = bases[piece % len(bases)]
        text = {0: base, 1: edited(rng, base, rng.randrange(1, 6)), 2: "short"}[piece % 3]
        date = rng.choice([None, "2020", "2022"])
        docs.append(Document(f"s/{number:03d}", text, "s", url=f"https://site.test/{number}",
                             meta={"crawl_date": date} if date else {}))
    return docs


@settings(max_examples=5, deadline=None, derandomize=True)
@given(st.lists(st.integers(0, 40), min_size=3, max_size=20), st.sets(st.integers(1, 59), max_size=8),
       st.integers(0, 2 ** 16))
def test_decisions_as_a_side_input_equal_the_shuffled_join_however_batched(pieces, cuts, seed):
    docs = _near_and_exact_corpus(random.Random(seed), 60, pieces)
    config = NearDedupConfig()
    with tempfile.TemporaryDirectory() as directory:
        os.mkdir(os.path.join(directory, "shuffled"))
        os.mkdir(os.path.join(directory, "batched"))
        shuffled = run(docs, Dedup(exact=True, near=config), os.path.join(directory, "shuffled"))
        batched = run(_cut(docs, cuts), _in_batches(DedupBatches(exact=True, near=config)),
                      os.path.join(directory, "batched"))
    assert batched == shuffled
    assert len(shuffled[0]) + len(shuffled[1]) == len(docs)


@pytest.mark.parametrize("exact, components", [(True, None), (False, "star"), (False, "union_find")])
def test_each_dedup_alone_decides_the_same_in_batches(exact, components, tmp_path):
    docs = _near_and_exact_corpus(random.Random(3), 90, list(range(30)))
    near = NearDedupConfig(components=components) if components else None
    (tmp_path / "shuffled").mkdir()
    (tmp_path / "batched").mkdir()
    shuffled = run(docs, Dedup(exact=exact, near=near), str(tmp_path / "shuffled"))
    batched = run(_cut(docs, range(7, 90, 7)), _in_batches(DedupBatches(exact=exact, near=near)),
                  str(tmp_path / "batched"))
    assert batched == shuffled
    reasons = {dict(row)["reason"] for row in shuffled[1]}
    assert reasons == {"exact_duplicate" if exact else "near_duplicate"}
    if near is not None:        # every document near dedup saw carries its cluster
        assert all("dup_cluster" in dict(row)["annotations"] for row in batched[0])
