"""Exact and MinHash near-duplicate removal as Beam transforms.

Only small records are shuffled to decide: exact dedup groups (text hash, keep order, id) and
near dedup's signatures ride along with each exact keeper; near dedup shuffles ids, keep keys and
signatures. The documents meet the decisions once, at the end: `Dedup` shuffles them, joined by id
with every decision; `DedupBatches`, for inputs small enough (JOIN_BY_SIDE_INPUT_MAX_INPUT_BYTES),
leaves them in their batches and takes the decisions as side inputs. Both give the same outputs.

Exact: group by a 128-bit text hash, keep one per group.
Near: signature per document -> LSH band buckets -> edges from each member to
its bucket's smallest id -> connected components (union-find or star rounds)
-> keep one document per component.
"""
from __future__ import annotations

import hashlib
import time
from typing import List, Tuple

import apache_beam as beam
import numpy as np
from apache_beam.metrics import Metrics
from apache_beam.transforms.window import GlobalWindows

from corpus.document import Document, Drop, Rejected, rejected_row
from corpus.document_codec import decode_document, encode_document
from filters.dedup.components import components_method, large_star, small_star, union_find_labels
from filters.dedup.config import NearDedupConfig
from filters.dedup.exact import text_key, url_key
from filters.dedup.keep_rule import NO_DATE, document_keep_key
from filters.dedup.lsh import band_keys
from filters.dedup.minhash import Permutations, signature
from filters.dedup.shingles import jaccard, shingles
from pipelines.stage import COUNTER_NAMESPACE, REJECTED, own_copy
from pipelines.stage_time import NEAR_DEDUP_CLUSTERS, StageTime

EXACT, NEAR, DOC = "exact", "near", "doc"
BAND_SHARD_INPUT_BYTES = 32 << 20   # a band shard holds about this much input's band entries in one worker
# With verification each entry carries its document's shingles, some 16 times the bytes: smaller shards.
VERIFIED_BAND_SHARD_INPUT_BYTES = 2 << 20
BAND_BATCH = 10_000                 # band entries to one shuffled element at most,
BAND_BATCH_BYTES = 4 << 20          # and about this many bytes of shingles
_ENTRY_BYTES = 100                  # an entry without shingles, counted towards BAND_BATCH_BYTES
# Up to this much input text, the decisions reach the documents as side inputs (DedupBatches), made into a
# dict of at most one entry per document by every worker that applies them: about 350 bytes an entry with
# the lists it is made from. The filters before dedup keep documents of 50 words or more by default, so
# 64 MB of text holds at most some 200k of them (under 75 MB of table), and 4 kB web pages 16k (6 MB).
# Above it, the documents are shuffled to their decisions (Dedup), with no such per-worker table.
JOIN_BY_SIDE_INPUT_MAX_INPUT_BYTES = 64 << 20
# A compressed file's size says little of its text: counted at this many times its size (web text
# compresses 3-5x with gzip; boilerplate more, which the filters before dedup mostly drop).
COMPRESSED_SUFFIXES = (".gz", ".zst", ".zstd", ".bz2", ".xz", ".lz4")
COMPRESSION_ALLOWANCE = 10


def text_bytes_bound(files: list) -> int:
    """The input's size for choosing DedupBatches: each file's bytes, compressed ones (by name, or Parquet)
    counted COMPRESSION_ALLOWANCE times."""
    return sum(spec.size_bytes * (COMPRESSION_ALLOWANCE if spec.format == "parquet"
                                  or spec.path.lower().endswith(COMPRESSED_SUFFIXES) else 1) for spec in files)


def _total_keep_order(doc, encoded: bytes | None = None) -> tuple:
    """The keep rule, then a digest of the whole document (`encoded`: its codec bytes, when the caller
    has them): a tie on the keep key (ids are unique by construction, so only a hash collision could
    tie) still picks the same keeper on every runner. A digest, not the whole row: exact dedup keys
    every document by it, and building each document's row for that cost more than its shuffle."""
    encoded = encode_document(doc) if encoded is None else encoded
    return document_keep_key(doc), hashlib.blake2b(encoded, digest_size=16).digest()


class _KeepOnePerGroup(beam.DoFn):
    """(URL key, documents) -> the document the keep rule picks; the others to rejected/."""

    def __init__(self, stage: str, reason: str, latest: bool = False):
        self._stage, self._reason, self._latest = stage, reason, latest
        self._dropped = Metrics.counter(COUNTER_NAMESPACE, f"drop.{stage}.{reason}")

    def process(self, keyed):
        _, docs = keyed
        ordered = sorted(docs, key=_total_keep_order)
        if self._latest:    # dated before undated, latest date first; the stable sort keeps smallest ids first
            ordered.sort(key=lambda doc: (document_keep_key(doc)[0] != NO_DATE, document_keep_key(doc)[0]),
                         reverse=True)
        keeper = ordered[0]
        for doc in ordered[1:]:
            self._dropped.inc()
            yield beam.pvalue.TaggedOutput(REJECTED, rejected_row(doc, self._stage, Drop(self._reason, keeper.id)))
        yield keeper


class _LatestPerUrl(beam.PTransform):
    """exact_dedup.by_url: documents -> DoOutputsTuple(kept, rejected). Whole documents are grouped
    here: crawls of one URL differ in text, and the keep rule's tie-break compares it."""

    def expand(self, docs):
        with_url = docs | "HasUrl" >> beam.Partition(lambda doc, _: 0 if doc.url else 1, 2)
        by_url = (with_url[0] | "KeyUrl" >> beam.Map(lambda doc: (url_key(doc.url), doc))
                  .with_output_types(Tuple[str, Document])
                  | "GroupUrl" >> beam.GroupByKey()
                  | "LatestCrawl" >> beam.ParDo(_KeepOnePerGroup("url_dedup", "url_duplicate", latest=True))
                  .with_output_types(Document, **{REJECTED: Rejected}).with_outputs(REJECTED, main="kept"))
        return (by_url.kept, with_url[1]) | "AllUrls" >> beam.Flatten(), by_url[REJECTED]


class _DedupRecord(beam.DoFn):
    """Document -> what the decisions need: (text hash, (exact order, id, near record)) for exact
    dedup, the near record (_NearRecords) alone without it. A near record is None for a document
    without shingles (it is unique). `earlier`: the stored signatures, with a signature cache.
    Tagged DOC, the document itself as the join takes it: (id, (DOC, its bytes)).

    The time spent hashing (exact) and shingling and signing (near) is each stage's time in the report, as
    a per-document stage's is (pipelines/stage.py): the work on each document, not the shuffles after it."""

    def __init__(self, exact: bool, near: NearDedupConfig | None, signatures=None):
        self._exact, self._near = exact, _NearRecords(near, signatures) if near is not None else None
        self._timers = {stage: Metrics.counter(COUNTER_NAMESPACE, f"time_us.{stage}")
                        for stage, on in (("exact_dedup", exact), ("near_dedup", near is not None)) if on}

    def setup(self):
        if self._near is not None:
            self._near.setup()

    def start_bundle(self):
        self._seconds = dict.fromkeys(self._timers, 0.0)

    def process(self, doc, earlier=None):
        encoded = encode_document(doc)
        yield beam.pvalue.TaggedOutput(DOC, (doc.id, (DOC, encoded)))
        record = self._record(doc, earlier, encoded)
        if record is not None:
            yield record

    def _record(self, doc, earlier, encoded: bytes | None = None):
        near = None
        if self._near is not None:
            start = time.perf_counter()
            near = self._near.record(doc, earlier)
            self._seconds["near_dedup"] += time.perf_counter() - start
        if not self._exact:
            return near
        start = time.perf_counter()
        record = text_key(doc.text), (_total_keep_order(doc, encoded), doc.id, near)
        self._seconds["exact_dedup"] += time.perf_counter() - start
        return record

    def finish_bundle(self):
        for stage, seconds in self._seconds.items():
            self._timers[stage].inc(int(seconds * 1e6))
        if self._near is not None:
            self._near.finish_bundle()


class _BatchRecords(_DedupRecord):
    """A batch of documents -> their records (_DedupRecord's), and no copy of the documents: they stay
    in their batches (DedupBatches)."""

    def process(self, batch, earlier=None):
        for doc in batch:
            record = self._record(doc, earlier)
            if record is not None:
                yield record


class _ExactKeepers(beam.DoFn):
    """(text hash, records) -> the keeper's near record; for each other record, tagged EXACT,
    (id, (EXACT, text hash, keeper id))."""

    def process(self, keyed):
        digest, records = keyed
        ordered = sorted(records, key=lambda record: record[0])
        keeper_id = ordered[0][1]
        for _, doc_id, _ in ordered[1:]:
            yield beam.pvalue.TaggedOutput(EXACT, (doc_id, (EXACT, digest, keeper_id)))
        if ordered[0][2] is not None:
            yield ordered[0][2]


class Dedup(beam.PTransform):
    """Documents -> (kept, rejected, near-dedup convergence report or None): exact dedup (with
    `by_url` first), near dedup on what exact dedup kept, or both, with one join of the documents."""

    def __init__(self, exact: bool = True, by_url: bool = False, near: NearDedupConfig | None = None,
                 input_bytes: int = 0, signatures=None):
        """`signatures`: a pipelines/reuse_signatures.SignatureCache, to take near dedup's signatures of
        earlier runs and keep this run's."""
        super().__init__()
        self._exact, self._by_url, self._near, self._input_bytes = exact, by_url, near, input_bytes
        self._signatures = signatures if near is not None else None

    def expand(self, docs):
        rejected = []
        if self._exact and self._by_url:
            docs, by_url = docs | "ByUrl" >> _LatestPerUrl()
            rejected.append(by_url)
        side = [] if self._signatures is None else [beam.pvalue.AsSingleton(self._signatures.earlier(docs.pipeline))]
        made = docs | "Records" >> beam.ParDo(_DedupRecord(self._exact, self._near, self._signatures), *side
                                              ).with_outputs(DOC, main="records")
        decisions, report = self._decisions(made.records)
        applied = ((made[DOC], *decisions)
                   | "WithDecisions" >> beam.Flatten()
                   | "JoinDocs" >> beam.GroupByKey()
                   | "Apply" >> beam.ParDo(_ApplyDecision(self._near is not None)).with_output_types(Document, **{REJECTED: Rejected})
                   .with_outputs(REJECTED, main="kept"))
        rejected.append(applied[REJECTED])
        return applied.kept, rejected[0] if len(rejected) == 1 else rejected | "Rejected" >> beam.Flatten(), report

    def _decisions(self, records) -> tuple:
        """Records -> ([PCollections of (id, decision)], near dedup's convergence report or None)."""
        decisions, report = [], None
        if self._exact:
            keepers = (records | "GroupText" >> beam.GroupByKey()
                       | "KeepOne" >> beam.ParDo(_ExactKeepers()).with_outputs(EXACT, main="near"))
            decisions.append(keepers[EXACT])
            records = keepers.near
        if self._near is not None:
            near, report = records | "Near" >> _NearDecisions(self._near, self._input_bytes)
            decisions.append(near)
        return decisions, report


class DedupBatches(Dedup):
    """Dedup for batches of documents (lists, as the per-document stages pass them) and inputs up to
    JOIN_BY_SIDE_INPUT_MAX_INPUT_BYTES: the same decisions reach the batches as side inputs, made into
    one dict there, so the documents are neither unbatched nor shuffled. Returns the kept
    documents in batches. Exact dedup by URL compares whole documents in a shuffle: use Dedup for it."""

    def __init__(self, exact: bool = True, near: NearDedupConfig | None = None, input_bytes: int = 0,
                 signatures=None):
        super().__init__(exact, False, near, input_bytes, signatures)

    def expand(self, batches):
        side = [] if self._signatures is None else [
            beam.pvalue.AsSingleton(self._signatures.earlier(batches.pipeline))]
        records = batches | "Records" >> beam.ParDo(_BatchRecords(self._exact, self._near, self._signatures), *side)
        decisions, report = self._decisions(records)
        # Each kind of decision as its own list side input, made into one table by the step that applies
        # them: a global combine would cost three fused stages, and a flatten feeding a side input one more.
        applied = (batches | "Apply" >> beam.ParDo(_ApplyToBatch(self._near is not None),
                                                   *[beam.pvalue.AsList(kind) for kind in decisions])
                   .with_output_types(List[Document], **{REJECTED: Rejected}).with_outputs(REJECTED, main="kept"))
        return applied.kept, applied[REJECTED], report


class ExactDedup(beam.PTransform):
    """Documents -> (kept, rejected)."""

    def __init__(self, by_url: bool = False):
        super().__init__()
        self._by_url = by_url

    def expand(self, docs):
        kept, rejected, _ = docs | "Exact" >> Dedup(exact=True, by_url=self._by_url)
        return kept, rejected


class _NearRecords:
    """Document -> (id, keep key, LSH band keys, shingles or None), or None for a document without shingles
    (it is unique). With a signature cache (pipelines/reuse_signatures.py) a stored signature is taken
    instead of shingling and hashing again; the shingles are still made when verification needs them."""

    def __init__(self, config: NearDedupConfig, signatures=None):
        self._config, self._signatures = config, signatures
        self._permutations = self._lookup = self._params = None

    def setup(self):
        self._params = self._config.lsh_params()
        self._permutations = Permutations.create(self._params.num_perm, self._config.seed)
        self._lookup = self._signatures.lookup() if self._signatures is not None else None

    def record(self, doc, earlier):
        digest = self._lookup.digest(doc) if self._lookup is not None else None
        stored, minhash = self._lookup.stored(digest, earlier) if digest is not None else (False, None)
        verify = self._config.verify_jaccard > 0
        hashes = None
        if not stored or verify:
            hashes = shingles(doc.text, doc.annotations.get("lang"), self._config.word_ngram,
                              self._config.char_ngram)
        if not stored:
            minhash = signature(hashes, self._permutations) if len(hashes) else None
            if digest is not None:
                self._lookup.computed(digest, minhash)
        if minhash is None:
            return None
        # The band keys, not the signature: ints that Beam codes natively, where an array is pickled at each
        # hand-off. Verification needs the distinct set of shingles.
        return (doc.id, document_keep_key(doc), tuple(band_keys(minhash, self._params)),
                np.unique(hashes) if verify else None)

    def finish_bundle(self):
        if self._lookup is not None:
            self._lookup.write()


def band_shards(input_bytes: int, verify: bool = False) -> int:
    """How many groups the band entries are shuffled in: one per BAND_SHARD_INPUT_BYTES of input (fewer bytes
    with verification), known on the launcher before the run (as for --workers), so every runner and worker
    count uses the same. `input_bytes` is the input files' size: compressed input holds more text per byte."""
    per_shard = VERIFIED_BAND_SHARD_INPUT_BYTES if verify else BAND_SHARD_INPUT_BYTES
    return max(1, -(-input_bytes // per_shard))


class _BandBatches(beam.DoFn):
    """Near records -> (band shard, [(band key, node, shingles), ...]), up to BAND_BATCH entries an element.

    One element per band entry was 14 per document through the shuffle's coders, buffers and data
    channels, and most of them were alone in their bucket; here a bundle's entries travel in lists, and
    _BucketEdges groups a shard's entries by band key in memory."""

    def __init__(self, shards: int):
        self._shards = shards
        self._pending, self._bytes = {}, {}

    def start_bundle(self):
        self._pending, self._bytes = {}, {}

    def process(self, record):
        doc_id, keep, bands, shingles = record
        node = (doc_id, keep)
        size = _ENTRY_BYTES + (shingles.nbytes if shingles is not None else 0)
        for band_key in bands:
            shard = band_key[1] % self._shards
            batch = self._pending.setdefault(shard, [])
            batch.append((band_key, node, shingles))
            self._bytes[shard] = self._bytes.get(shard, 0) + size
            if len(batch) >= BAND_BATCH or self._bytes[shard] >= BAND_BATCH_BYTES:
                del self._bytes[shard]
                yield shard, self._pending.pop(shard)

    def finish_bundle(self):
        pending, self._pending, self._bytes = self._pending, {}, {}
        for shard, batch in sorted(pending.items()):
            yield GlobalWindows.windowed_value((shard, batch))


def _shared_buckets(batches) -> dict:
    """Band key -> its members (node, shingles) in arrival order, for the keys more than one entry holds.
    Most keys are alone in their bucket: they are kept as one entry each and never sorted, which took
    nine tenths of this step's time when every key had a list and was sorted."""
    first, shared = {}, {}
    seen = first.setdefault
    for batch in batches:
        for band_key, node, shingles in batch:
            member = (node, shingles)
            if seen(band_key, member) is not member:
                members = shared.get(band_key)
                if members is None:
                    shared[band_key] = [first[band_key], member]
                else:
                    members.append(member)
    return shared


class _BucketEdges(beam.DoFn):
    """A shard's band entries -> per bucket, an edge from each member to the bucket's smallest id (O(n), not
    pairs). Buckets are read in band-key order and their members in id order, so the edges do not depend
    on how the runner split or ordered the entries.

    A node is (id, keep key): ids are unique, so nodes order as their ids do, and the components carry
    what picks their keeper without a join back to the records."""

    def __init__(self, config: NearDedupConfig, in_lists: bool = False):
        """`in_lists`: a shard's edges as one list (for union-find, which takes them all on one worker):
        one element per edge cost the runner's dispatch and coders once per edge on the way there."""
        self._config = config
        self._in_lists = in_lists
        self._large = Metrics.counter(COUNTER_NAMESPACE, "near_dedup.large_buckets")
        self._rejected_pairs = Metrics.counter(COUNTER_NAMESPACE, "near_dedup.pairs_below_jaccard")
        self._time = StageTime(NEAR_DEDUP_CLUSTERS)

    def process(self, keyed):
        edges = self._time.timed(self._shard_edges(keyed))
        if self._in_lists:
            edges = [listed] if (listed := list(edges)) else []
        yield from edges
        self._time.flush()

    def _shard_edges(self, keyed):
        _, batches = keyed
        shared = _shared_buckets(batches)
        for band_key in sorted(shared):
            members = shared[band_key]
            members.sort(key=lambda member: member[0][0])
            yield from self._bucket_edges(members)

    def _bucket_edges(self, members: list):
        """Each member linked to the bucket's minimum (with verification, compared with it). The bucket is held
        whole, so cutting it into chunks that all link to that minimum would give the same edges: a bucket
        larger than max_bucket_size is only counted."""
        if len(members) > self._config.max_bucket_size:
            self._large.inc()
        yield from self._edges(members)

    def _edges(self, members):
        if len(members) < 2:
            return
        anchor, anchor_shingles = min(members, key=lambda m: m[0][0])
        for member, member_shingles in members:
            if member[0] == anchor[0]:
                continue
            if self._config.verify_jaccard > 0 and \
                    jaccard(member_shingles, anchor_shingles) < self._config.verify_jaccard:
                self._rejected_pairs.inc()
                continue
            yield (member, anchor) if member[0] > anchor[0] else (anchor, member)


# near dedup's work on the graph (the star steps, union-find, the keepers), timed as the report's
# near_dedup_clusters
_CLUSTERS_TIME = StageTime(NEAR_DEDUP_CLUSTERS)


class StarComponents(beam.PTransform):
    """Edges (larger, smaller) -> (node, component minimum), by alternating star rounds.

    Also returns a PCollection with one dict saying how many edges changed in
    the last large-star and the last small-star round; both must be 0, or
    the clusters are not final. Only those two rounds are compared: a
    comparison is a shuffle, and convergence is decided by the last two alone.
    Rounds do not de-duplicate their edges (the star steps treat neighbours as
    sets), which saves a shuffle per round.
    """

    def __init__(self, max_rounds: int):
        super().__init__()
        if max_rounds < 2:
            raise ValueError("near_dedup.max_rounds must be at least 2")
        self._rounds = max_rounds

    def expand(self, edges):
        changes = []
        for number in range(1, self._rounds + 1):
            if number % 2:
                following = (edges | f"LargeOut{number}" >> beam.FlatMap(lambda e: [e, (e[1], e[0])])
                             | f"LargeGroup{number}" >> beam.GroupByKey()
                             | f"LargeStar{number}" >> beam.FlatMap(
                                 lambda kv: _CLUSTERS_TIME.call(large_star, kv[0], list(kv[1]))))
            else:
                following = (edges | f"SmallGroup{number}" >> beam.GroupByKey()
                             | f"SmallStar{number}" >> beam.FlatMap(
                                 lambda kv: _CLUSTERS_TIME.call(small_star, kv[0], list(kv[1]))))
            if number > self._rounds - 2:
                changes.append(_count_changes(edges, following, number))
            edges = following
        labels = (edges | "Members" >> beam.FlatMap(lambda e: [(e[0], e[1]), (e[1], e[1])])
                  | "DistinctLabels" >> beam.Distinct())
        report = (changes | "LastChanges" >> beam.Flatten() | "ChangeList" >> beam.combiners.ToList()
                  | "Convergence" >> beam.Map(_convergence_report, self._rounds))
        return labels, report


def _count_changes(before, after, number):
    """Edges in one set and not the other (as sets: duplicates do not count)."""
    return ({"before": before | f"KeyBefore{number}" >> beam.Map(lambda e: (e, 1)),
             "after": after | f"KeyAfter{number}" >> beam.Map(lambda e: (e, 1))}
            | f"Compare{number}" >> beam.CoGroupByKey()
            | f"Changed{number}" >> beam.Map(lambda kv: int(not kv[1]["before"] or not kv[1]["after"]))
            | f"Sum{number}" >> beam.CombineGlobally(sum)
            | f"Round{number}" >> beam.Map(lambda count, n=number: (n, count)))


def _convergence_report(pairs, rounds: int) -> dict:
    changes = [count for _, count in sorted(pairs)]
    return {"method": "star", "rounds": rounds, "changes_in_last_two_rounds": changes,
            "converged": changes == [0, 0]}


class UnionFindComponents(beam.PTransform):
    """Edges -> (node, component minimum) on one worker: for graphs that fit its memory. With `keepers`
    (nodes being (id, keep key), as near dedup's are), each node's decision instead, made on that worker
    too: (id, (NEAR, keeper id, component size)), with no shuffle of the labels to group them again."""

    def __init__(self, keepers: bool = False, in_lists: bool = False):
        """`in_lists`: each element is a list of edges, not one edge."""
        super().__init__()
        self._keepers = keepers
        self._in_lists = in_lists

    def expand(self, edges):
        # One key and a keyed combine, not ToList (a global combine, three fused stages for one): the
        # edges' set is made in each bundle, before the shuffle, and completed on the worker that labels
        # them, so duplicate edges need no shuffle of their own.
        combine = _EdgeSet() if self._in_lists else beam.combiners.ToSetCombineFn()
        labels = (edges | "OneKey" >> beam.Map(lambda edge: (0, edge))
                  | "AllEdges" >> beam.CombinePerKey(combine)
                  | "UnionFind" >> beam.FlatMap(
                      lambda keyed, keepers: _CLUSTERS_TIME.call(_components_of, keyed, keepers), self._keepers))
        report = (edges.pipeline | "Once" >> beam.Impulse() | "NoRounds" >> beam.Map(
            lambda _: {"method": "union_find", "rounds": 0, "changes_in_last_two_rounds": [], "converged": True}))
        return labels, report


class _EdgeSet(beam.CombineFn):
    """Lists of edges -> the set of all their edges (ToSetCombineFn, for inputs that are lists of elements)."""

    def create_accumulator(self):
        return set()

    def add_input(self, accumulator, edges):
        accumulator.update(edges)
        return accumulator

    def merge_accumulators(self, accumulators):
        merged = set()
        for accumulator in accumulators:
            merged |= accumulator
        return merged

    def extract_output(self, accumulator):
        return accumulator


def _components_of(keyed, keepers: bool):
    labels = union_find_labels(keyed[1])
    if not keepers:
        return sorted(labels.items())
    components: dict = {}
    for node, label in labels.items():
        components.setdefault(label, []).append(node)
    return [decision for members in components.values() for decision in _keeper_decisions((None, members))]


def _keeper_decisions(keyed):
    """(component, [(id, keep key)]) -> (id, (NEAR, keeper id, component size)) for every member."""
    _, members = keyed
    members = list(members)
    keeper = min(members, key=lambda node: node[1])[0]
    return [(doc_id, (NEAR, keeper, len(members))) for doc_id, _ in members]


class _ApplyDecision(beam.DoFn):
    """(id, [its documents' bytes and the decisions about them]) -> the kept documents; the others
    to rejected/. An exact decision names the document's text hash: ids are unique by construction,
    and even if two documents shared one, each would meet only its own decision."""

    def __init__(self, near: bool):
        self._near = near           # near dedup ran: every document it saw gets its cluster fields
        self._exact_dropped = Metrics.counter(COUNTER_NAMESPACE, "drop.exact_dedup.exact_duplicate")
        self._dropped = Metrics.counter(COUNTER_NAMESPACE, "drop.near_dedup.near_duplicate")

    def process(self, keyed):
        _, entries = keyed
        docs = [decode_document(entry[1]) for entry in entries if entry[0] == DOC]
        yield from self._decide(docs, [entry for entry in entries if entry[0] != DOC])

    def _decide(self, docs: list, entries):
        """Documents of one id with the decisions about them -> the kept ones; the others tagged REJECTED."""
        exact, decisions = {}, []
        for entry in entries:
            if entry[0] == EXACT:
                exact.setdefault(entry[1], []).append(entry[2])
            else:
                decisions.append(entry[1:])
        if exact:
            docs = yield from self._exact_drops(docs, exact)
        for doc in docs:
            if not self._near:
                yield doc
                continue
            # a document with no near duplicate is a cluster of one: its fields say near dedup looked
            keeper, size = decisions[0] if decisions else (doc.id, 1)
            doc.annotations["dup_cluster"] = keeper
            doc.annotations["dup_cluster_size"] = size
            if keeper != doc.id:
                self._dropped.inc()
                yield beam.pvalue.TaggedOutput(REJECTED, rejected_row(doc, "near_dedup",
                                                                      Drop("near_duplicate", keeper)))
            else:
                yield doc

    def _exact_drops(self, docs: list, exact: dict):
        """Drop as many of the documents with a text hash as there are decisions for it, the last ones
        in keep order (the first stays only when it is its group's keeper); returns the others."""
        survivors, by_text = [], {}
        for doc in docs:
            by_text.setdefault(text_key(doc.text), []).append(doc)
        for digest, same_text in by_text.items():
            keepers = exact.get(digest, [])
            ordered = sorted(same_text, key=_total_keep_order)
            survivors += ordered[:len(ordered) - len(keepers)]
            for doc, keeper in zip(ordered[len(ordered) - len(keepers):], keepers):
                self._exact_dropped.inc()
                yield beam.pvalue.TaggedOutput(REJECTED, rejected_row(doc, "exact_dedup",
                                                                      Drop("exact_duplicate", keeper)))
        return survivors


class _ApplyToBatch(_ApplyDecision):
    """A batch and the decisions (DedupBatches: one list of (id, decision) per kind) -> the batch's kept
    documents as one list; the others tagged REJECTED, as _ApplyDecision gives them."""

    def setup(self):
        self._table = None

    def process(self, batch, *decisions):
        if self._table is None:     # the side inputs are whole before this step runs, and never change
            self._table = decision_table(decisions)
        kept = []
        for doc in batch:
            # its own copy: near dedup annotates it, and Beam hands the same batch to every consumer
            for output in self._decide([own_copy(doc)], self._table.get(doc.id, ())):
                if isinstance(output, beam.pvalue.TaggedOutput):
                    yield output
                else:
                    kept.append(output)
        if kept:
            yield kept


def decision_table(kinds) -> dict:
    """Lists of (id, decision) -> {id: [its decisions]}: what the shuffle's join would group by id."""
    table: dict = {}
    for kind in kinds:
        for doc_id, decision in kind:
            table.setdefault(doc_id, []).append(decision)
    return table


class _NearDecisions(beam.PTransform):
    """Near records (id, keep key, signature, shingles) -> ((id, (NEAR, keeper, size)), convergence report)."""

    def __init__(self, config: NearDedupConfig, input_bytes: int = 0):
        super().__init__()
        self._config = config
        self._params = config.lsh_params()
        self._method = components_method(config.components, input_bytes)
        self._shards = band_shards(input_bytes, config.verify_jaccard > 0)

    def expand(self, records):
        union_find = self._method != "star"
        edges = (records
                 | "Bands" >> beam.ParDo(_BandBatches(self._shards))
                 | "Buckets" >> beam.GroupByKey()
                 | "BucketEdges" >> beam.ParDo(_BucketEdges(self._config, in_lists=union_find)))
        if union_find:      # it drops duplicate edges itself
            return edges | "Components" >> UnionFindComponents(keepers=True, in_lists=True)
        labels, report = (edges | "DistinctEdges" >> beam.Distinct()
                          | "Components" >> StarComponents(self._config.max_rounds))
        decisions = (labels | "ByComponent" >> beam.Map(lambda labelled: (labelled[1], labelled[0]))
                     | "GroupComponent" >> beam.GroupByKey()
                     | "Keepers" >> beam.FlatMap(
                         lambda component: _CLUSTERS_TIME.call(_keeper_decisions, component)))
        return decisions, report


class NearDedup(beam.PTransform):
    """Documents -> (kept, rejected, convergence report)."""

    def __init__(self, config: NearDedupConfig, input_bytes: int = 0):
        super().__init__()
        self._config, self._input_bytes = config, input_bytes

    def expand(self, docs):
        return docs | "Near" >> Dedup(exact=False, near=self._config, input_bytes=self._input_bytes)
