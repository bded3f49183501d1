"""The dedup transforms on Beam's in-memory runner."""
import functools
import io
import random

import apache_beam as beam
import datasketch
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from corpus.document import Document
from filters.dedup.components import union_find_labels
from filters.dedup.config import NearDedupConfig
from filters.dedup.lsh import PRESETS
from filters.dedup.minhash import Permutations, signature
from filters.dedup.shingles import shingle_hashes
from pipelines.dedup import ExactDedup, NearDedup, StarComponents, UnionFindComponents
from pipelines.run import _check_near_dedup
from pipelines.config import load_config

RUNNER = "FnApiRunner"


def text_of(rng, words=70):
    return " ".join(f"w{rng.randrange(600)}" for _ in range(words))


def edited(rng, text, changes=3):
    words = text.split()
    for _ in range(changes):
        words[rng.randrange(len(words))] = f"x{rng.randrange(10**6)}"
    return " ".join(words)


def test_star_components_in_beam_equal_union_find():
    rng = random.Random(5)
    edges = {(rng.randrange(300), rng.randrange(300)) for _ in range(250)} | {(i + 1, i) for i in range(40)}
    edges = [(max(e), min(e)) for e in edges if e[0] != e[1]]
    expected = sorted(union_find_labels(edges).items())
    with TestPipeline(runner=RUNNER) as pipeline:
        labels, report = pipeline | beam.Create(edges) | StarComponents(max_rounds=20)
        assert_that(labels, equal_to(expected), label="labels")
        assert_that(report | beam.Map(lambda r: r["converged"]), equal_to([True]), label="converged")


def test_union_find_takes_edges_in_lists_as_it_takes_them_one_by_one():
    # Near dedup sends each band shard's edges as one list: the same labels as the edges one by one,
    # with an edge that comes in two lists counted once.
    rng = random.Random(7)
    edges = sorted({(rng.randrange(200), rng.randrange(200)) for _ in range(300)})
    edges = [(max(e), min(e)) for e in edges if e[0] != e[1]]
    lists = [edges[start:start + 37] for start in range(0, len(edges), 37)] + [edges[:5]]
    expected = sorted(union_find_labels(edges).items())
    with TestPipeline(runner=RUNNER) as pipeline:
        one_by_one, _ = pipeline | "Edges" >> beam.Create(edges) | "Single" >> UnionFindComponents()
        listed, _ = pipeline | "Lists" >> beam.Create(lists) | "Listed" >> UnionFindComponents(in_lists=True)
        assert_that(one_by_one, equal_to(expected), label="one_by_one")
        assert_that(listed, equal_to(expected), label="listed")


def test_too_few_rounds_are_reported_not_hidden():
    chain = [(i + 1, i) for i in range(64)]
    with TestPipeline(runner=RUNNER) as pipeline:
        _, report = pipeline | beam.Create(chain) | StarComponents(max_rounds=4)
        assert_that(report | beam.Map(lambda r: (r["converged"], r["rounds"])), equal_to([(False, 4)]))


def test_the_run_fails_loudly_when_components_did_not_converge(tmp_path):
    config = load_config(output=str(tmp_path))
    (tmp_path / "stats").mkdir()
    (tmp_path / "stats" / "near_dedup.json").write_text(
        '{"converged": false, "rounds": 4, "changes_in_last_two_rounds": [3, 1]}')
    out = io.StringIO()
    assert _check_near_dedup(config, out) == 1
    assert "did not converge in 4 rounds" in out.getvalue()


def _dedup_run(docs, config):
    with TestPipeline(runner=RUNNER) as pipeline:
        kept, rejected, _ = pipeline | beam.Create(docs) | NearDedup(config)
        return kept, rejected


@pytest.mark.parametrize("components", ["star", "union_find"])
def test_near_dedup_keeps_the_earliest_crawl_and_annotates_the_cluster(components):
    rng = random.Random(11)
    base = text_of(rng, 200)
    docs = [Document("b", edited(rng, base, 1), "s", meta={"crawl_date": "2023-01-01"}),
            Document("a", edited(rng, base, 1), "s", meta={"crawl_date": "2024-01-01"}),
            Document("c", base, "s", meta={"crawl_date": "2023-01-01"}),
            Document("z", text_of(rng), "s")]
    config = NearDedupConfig(components=components)
    with TestPipeline(runner=RUNNER) as pipeline:
        kept, rejected, _ = pipeline | beam.Create(docs) | NearDedup(config)
        assert_that(kept | beam.Map(lambda d: (d.id, d.annotations.get("dup_cluster_size"))),
                    equal_to([("b", 3), ("z", 1)]), label="kept")
        assert_that(rejected | beam.Map(lambda r: (r.id, r.reason, r.detail)),
                    equal_to([("a", "near_duplicate", "b"), ("c", "near_duplicate", "b")]), label="rejected")


def datasketch_kept(docs) -> list:
    """The ids datasketch's MinHashLSH keeps (one per cluster of its candidate pairs, the smallest id), on the
    same shingles and the fineweb preset's bands."""
    params = PRESETS["fineweb"]
    permutations = Permutations.create(params.num_perm, seed=1)
    index = datasketch.MinHashLSH(num_perm=params.num_perm, params=(params.bands, params.rows))
    sketches = {}
    for doc in docs:
        sketches[doc.id] = datasketch.LeanMinHash(
            seed=1, hashvalues=signature(shingle_hashes(doc.text), permutations), scheme="affine64")
        index.insert(doc.id, sketches[doc.id])
    labels = union_find_labels([(a, b) for a, sketch in sketches.items() for b in index.query(sketch) if a != b])
    return sorted(doc.id for doc in docs if labels.get(doc.id, doc.id) == doc.id)


def test_beam_clusters_equal_datasketch_lsh_clusters_on_two_thousand_documents():
    rng = random.Random(1)
    originals = [text_of(rng, 80) for _ in range(1200)]
    texts = originals + [edited(rng, rng.choice(originals), rng.randrange(1, 12)) for _ in range(800)]
    docs = [Document(f"d{n:05d}", text, "s") for n, text in enumerate(texts)]
    expected_kept = datasketch_kept(docs)
    assert len(docs) - len(expected_kept) > 150          # a real share of the copies are found
    with TestPipeline(runner=RUNNER) as pipeline:
        kept, _, report = pipeline | beam.Create(docs) | NearDedup(NearDedupConfig())
        assert_that(kept | beam.Map(lambda d: d.id), equal_to(expected_kept), label="kept")
        assert_that(report | beam.Map(lambda r: r["converged"]), equal_to([True]), label="converged")


@pytest.mark.parametrize("shards, max_bucket_size", [(1, 100_000), (5, 100_000), (3, 2)])
def test_band_shards_and_bucket_chunks_give_datasketch_lsh_clusters(monkeypatch, shards, max_bucket_size):
    # Band entries travel in lists to `shards` groups (pipelines.dedup.band_shards); a bucket larger than
    # max_bucket_size is linked in chunks. Neither may change a cluster.
    import pipelines.dedup as dedup
    monkeypatch.setattr(dedup, "BAND_SHARD_INPUT_BYTES", 1000)
    rng = random.Random(5)
    originals = [text_of(rng, 60) for _ in range(150)]
    texts = originals + [edited(rng, rng.choice(originals[:20]), rng.randrange(1, 6)) for _ in range(150)]
    docs = [Document(f"d{n:04d}", text, "s") for n, text in enumerate(texts)]
    expected_kept = datasketch_kept(docs)
    assert len(docs) - len(expected_kept) > 50          # clusters of several copies: buckets to chunk
    assert dedup.band_shards(shards * 1000) == shards
    config = NearDedupConfig(max_bucket_size=max_bucket_size, components="union_find")
    with TestPipeline(runner=RUNNER) as pipeline:
        kept, _, _ = pipeline | beam.Create(docs) | NearDedup(config, input_bytes=shards * 1000)
        assert_that(kept | beam.Map(lambda d: d.id), equal_to(expected_kept), label="kept")


@given(entries=st.lists(st.tuples(st.integers(0, 6), st.text("abcdef", min_size=1, max_size=3)), max_size=60,
                        unique=True),
       cuts=st.lists(st.integers(0, 60), max_size=5), seed=st.integers(0, 1000))
@settings(max_examples=200, deadline=None)
def test_bucket_edges_do_not_depend_on_how_the_entries_were_batched(entries, cuts, seed):
    from pipelines.dedup import _BucketEdges
    rows = [((0, key), (doc_id, ("k", doc_id)), None) for key, doc_id in entries]
    shuffled = rows[:]
    random.Random(seed).shuffle(shuffled)
    bounds = sorted({0, len(shuffled), *[cut for cut in cuts if cut < len(shuffled)]})
    batches = [shuffled[a:b] for a, b in zip(bounds, bounds[1:])]
    edges = list(_BucketEdges(NearDedupConfig()).process((0, batches)))
    members = {}
    for band_key, node, _ in rows:
        members.setdefault(band_key, []).append(node)
    expected = [(node, min(nodes)) for _, nodes in sorted(members.items()) for node in sorted(nodes)
                if node != min(nodes)]
    assert edges == expected                 # each member to its bucket's smallest id, buckets in key order
    listed = list(_BucketEdges(NearDedupConfig(), in_lists=True).process((0, batches)))
    assert listed == ([expected] if expected else [])       # for union-find: the shard's edges in one list


def test_band_lists_are_bounded_in_bytes_and_verified_runs_use_smaller_groups():
    # With verification every entry carries its document's shingles: a list of 10,000 of them would be
    # gigabytes in one element, and a group of 32 MB of input many times that in one worker.
    import numpy as np
    from apache_beam.utils.windowed_value import WindowedValue

    import pipelines.dedup as dedup
    batches = dedup._BandBatches(shards=1)
    batches.start_bundle()
    shingles = np.arange(100_000, dtype=np.uint64)          # 800 kB
    records = [(f"d{n}", ("k",), [(band, n) for band in range(14)], shingles) for n in range(3)]
    emitted = [element for record in records for element in batches.process(record)]
    emitted += [element.value for element in batches.finish_bundle() if isinstance(element, WindowedValue)]
    sizes = [sum(entry[2].nbytes for entry in batch) for _, batch in emitted]
    assert sum(len(batch) for _, batch in emitted) == 42 and len(emitted) > 1
    assert max(sizes) <= dedup.BAND_BATCH_BYTES + shingles.nbytes
    assert dedup.band_shards(64 << 20) == 2 and dedup.band_shards(64 << 20, verify=True) == 32


def test_exact_and_url_dedup():
    docs = [Document("b", "same text", "s", url="https://www.site.test/p", meta={"crawl_date": "2022"}),
            Document("a", "same text", "s", url="https://other.test/q", meta={"crawl_date": "2023"}),
            Document("c", "newer text", "s", url="http://site.test/p", meta={"crawl_date": "2024"}),
            Document("d", "no url", "s")]
    with TestPipeline(runner=RUNNER) as pipeline:
        kept, rejected = pipeline | beam.Create(docs) | ExactDedup(by_url=True)
        assert_that(kept | beam.Map(lambda d: d.id), equal_to(["a", "c", "d"]), label="kept")
        assert_that(rejected | beam.Map(lambda r: (r.id, r.stage, r.detail)),
                    equal_to([("b", "url_dedup", "c")]), label="rejected")
    with TestPipeline(runner=RUNNER) as pipeline:
        kept, rejected = pipeline | "Docs2" >> beam.Create(docs) | "Exact2" >> ExactDedup()
        assert_that(rejected | beam.Map(lambda r: (r.id, r.reason, r.detail)),
                    equal_to([("a", "exact_duplicate", "b")]), label="exact")


def test_a_crawl_date_that_is_not_a_string_is_compared_as_one_and_does_not_stop_the_run():
    """An int date beside string ones (the transforms used from Python): '<' between them raised in the keepers."""
    docs = [Document("b", "same text", "s", meta={"crawl_date": 2024}),
            Document("a", "same text", "s", meta={"crawl_date": "2023"}),
            Document("c", "same text", "s", meta={"crawl_date": 2022})]
    with TestPipeline(runner=RUNNER) as pipeline:
        kept, rejected = pipeline | beam.Create(docs) | ExactDedup()
        assert_that(kept | beam.Map(lambda d: d.id), equal_to(["c"]), label="kept")
        assert_that(rejected | beam.Map(lambda r: (r.id, r.detail)), equal_to([("a", "c"), ("b", "c")]),
                    label="rejected")


def test_jaccard_verification_keeps_only_pairs_above_the_threshold():
    rng = random.Random(4)
    base = text_of(rng, 200)
    close = edited(rng, base, 1)            # true Jaccard about 0.95
    loose = edited(rng, base, 4)            # true Jaccard 0.82: shares 3 of 14 bands, so an LSH candidate
    docs = [Document("a", base, "s"), Document("b", close, "s"), Document("c", loose, "s")]
    from filters.dedup.shingles import jaccard
    assert jaccard(shingle_hashes(base), shingle_hashes(loose)) < 0.9 < jaccard(shingle_hashes(base),
                                                                                shingle_hashes(close))
    unverified = NearDedupConfig(preset="j0.7")
    with TestPipeline(runner=RUNNER) as pipeline:
        kept, _, _ = pipeline | beam.Create(docs) | NearDedup(unverified)
        assert_that(kept | beam.Map(lambda d: d.id), equal_to(["a"]), label="without verification")
    config = NearDedupConfig(preset="j0.7", verify_jaccard=0.9)
    with TestPipeline(runner=RUNNER) as pipeline:
        kept, rejected, _ = pipeline | beam.Create(docs) | NearDedup(config)
        assert_that(kept | beam.Map(lambda d: d.id), equal_to(["a", "c"]), label="kept")
        assert_that(rejected | beam.Map(lambda r: (r.id, r.detail)), equal_to([("b", "a")]), label="rejected")


def test_url_dedup_with_dated_and_undated_crawls_of_one_url():
    docs = [Document("x", "first text", "s", url="https://site.test/p"),
            Document("y", "second text", "s", url="https://site.test/p", meta={"crawl_date": "2021"}),
            Document("z", "third text", "s", url="https://site.test/p", meta={"crawl_date": "2024"})]
    with TestPipeline(runner=RUNNER) as pipeline:
        kept, rejected = pipeline | beam.Create(docs) | ExactDedup(by_url=True)
        assert_that(kept | beam.Map(lambda d: d.id), equal_to(["z"]), label="kept")
        assert_that(rejected | beam.Map(lambda r: (r.id, r.detail)), equal_to([("x", "z"), ("y", "z")]),
                    label="rejected")


@pytest.mark.parametrize("verify", [0.0, 0.5])
def test_stored_signatures_give_the_records_computed_ones_give(tmp_path, verify):
    """What near dedup's signature cache keeps and reads back (pipelines/reuse_signatures.py) is the record
    a cold run builds: the same signature (its band keys), the same shingles for verification, None for a document
    without shingles; and another text or language is not found."""
    from pipelines.dedup import _NearRecords
    from pipelines.reuse_signatures import SignatureCache
    from pipelines.reuse_signatures import parses_as_signature
    from pipelines.reuse_stages import results_in
    rng = random.Random(11)
    docs = [Document(str(n), text_of(rng), "web", annotations={"lang": "en"}) for n in range(20)]
    docs += [Document("empty", "", "web"), Document("zh", "今天天气很好，我们去公园散步吧", "web", annotations={"lang": "zh"})]
    config = NearDedupConfig(verify_jaccard=verify)
    cold = _NearRecords(config)
    cold.setup()
    expected = [cold.record(doc, None) for doc in docs]
    assert expected[-2] is None and expected[-1] is not None
    first = _NearRecords(config, SignatureCache.for_run(config, str(tmp_path), [], "first"))
    first.setup()
    assert _same(expected, [first.record(doc, {}) for doc in docs])
    first.finish_bundle()
    cache = SignatureCache.for_run(config, str(tmp_path), [], "first")
    parses = functools.partial(parses_as_signature, cache.num_perm)
    stored = dict(pair for path in tmp_path.rglob("first-*.jsonl.zst")
                  for pair in results_in(str(path), cache.key, parses))
    assert len(stored) == len(docs)
    again = _NearRecords(config, SignatureCache.for_run(config, str(tmp_path), [], "again"))
    again.setup()
    assert _same(expected, [again.record(doc, stored) for doc in docs])
    other = Document("0", docs[0].text + " more", "web", annotations={"lang": "en"})
    assert again._lookup.stored(again._lookup.digest(other), stored) == (False, None)
    relabelled = Document("0", docs[0].text, "web", annotations={"lang": "ja"})
    assert again._lookup.stored(again._lookup.digest(relabelled), stored) == (False, None)


def _same(expected: list, found: list) -> bool:
    def plain(record):
        return None if record is None else (record[0], record[1], list(record[2]),
                                            None if record[3] is None else record[3].tolist())
    return [plain(record) for record in expected] == [plain(record) for record in found]


def test_hashing_signing_and_clustering_are_counted_as_the_dedup_stages_time():
    from apache_beam.metrics.metric import MetricsFilter
    from pipelines.dedup import Dedup
    rng = random.Random(3)
    words = [f"w{i}" for i in range(300)]
    docs = [Document(f"d{i}", " ".join(rng.choice(words) for _ in range(400)), "s") for i in range(200)]
    pipeline = beam.Pipeline(runner=RUNNER)
    kept, _, _ = pipeline | beam.Create(docs) | Dedup(exact=True, near=NearDedupConfig())
    assert_that(kept | beam.combiners.Count.Globally(), equal_to([200]))
    result = pipeline.run()
    result.wait_until_finish()
    micros = {stage: sum(counter.committed for counter in result.metrics().query(
        MetricsFilter().with_name(f"time_us.{stage}"))["counters"])
        for stage in ("exact_dedup", "near_dedup", "near_dedup_clusters")}
    # Signing 200 documents of 400 words takes far longer than hashing their texts.
    assert 0 < micros["exact_dedup"] < micros["near_dedup"]
    # the buckets' edges and the components are near dedup's work too, counted apart (pipelines/stage_time.py)
    assert micros["near_dedup_clusters"] > 0

@pytest.mark.parametrize("components", ["star", "union_find"])
def test_near_dedups_buckets_components_and_keepers_are_timed_on_either_method(components):
    """Near duplicates, so that buckets have members and every timed step of pipelines/stage_time.py runs."""
    from apache_beam.metrics.metric import MetricsFilter
    from pipelines.dedup import Dedup
    rng = random.Random(5)
    words = [f"w{i}" for i in range(300)]
    originals = [[rng.choice(words) for _ in range(300)] for _ in range(40)]
    docs = [Document(f"d{i}-{copy}", " ".join(text[:-copy] if copy else text), "s")
            for i, text in enumerate(originals) for copy in range(2)]
    pipeline = beam.Pipeline(runner=RUNNER)
    kept, _, _ = pipeline | beam.Create(docs) | Dedup(exact=False, near=NearDedupConfig(components=components))
    assert_that(kept | beam.combiners.Count.Globally(), equal_to([40]))
    result = pipeline.run()
    result.wait_until_finish()
    counters = result.metrics().query(MetricsFilter().with_name("time_us.near_dedup_clusters"))["counters"]
    assert sum(counter.committed for counter in counters) > 0
    # more than the buckets' step alone adds to it: the components' (or union-find's) steps do too
    assert len({counter.key.step for counter in counters if counter.committed}) >= 2
