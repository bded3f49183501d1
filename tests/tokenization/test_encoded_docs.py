"""Encoded documents as columns: the shard split is `(key * count) >> 64`, the order `(key, id)`."""
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tokenization.encoded_docs import EncodedDocs, shard_bounds

KEYS = st.lists(st.one_of(st.integers(0, 2 ** 64 - 1), st.sampled_from([0, 1, 2 ** 63, 2 ** 64 - 1])),
                min_size=1, max_size=60)


def _in_order(parts: list) -> tuple:
    """(doc ids, each document's ids) in the shard's order, through the writer's one copy."""
    stream = np.empty(sum(part.token_count for part in parts), np.uint32)
    doc_ids, lengths = EncodedDocs.copy_in_order(parts, stream)
    ends = np.cumsum(lengths)
    return doc_ids, [stream[end - length:end] for end, length in zip(ends.tolist(), lengths.tolist())]


def _docs(keys: list) -> EncodedDocs:
    lengths = np.array([key % 5 for key in keys], dtype=np.int64)        # some documents have no ids
    ids = np.arange(int(lengths.sum()), dtype=np.uint32)
    return EncodedDocs(np.array(keys, dtype=np.uint64), [f"d{i}" for i in range(len(keys))], lengths, ids)


@given(KEYS, st.integers(1, 40))
def test_each_document_goes_to_shard_key_times_count_shifted_and_keeps_its_ids(keys, count):
    docs = _docs(keys)
    starts = np.cumsum(docs.lengths) - docs.lengths
    expected_ids = {doc_id: docs.ids[start:start + length].tolist()
                    for doc_id, start, length in zip(docs.doc_ids, starts, docs.lengths)}
    seen = []
    for index, part in docs.split_by_shard(count):
        for doc_id, ids in zip(*_in_order([part])):
            assert (int(keys[int(doc_id[1:])]) * count) >> 64 == index
            assert ids.tolist() == expected_ids[doc_id]
            seen.append(doc_id)
    assert sorted(seen) == sorted(docs.doc_ids)


@given(st.integers(1, 1000))
def test_shard_bounds_are_where_the_shard_index_changes(count):
    for index, bound in enumerate(shard_bounds(count).tolist(), start=1):
        assert (bound * count) >> 64 == index and ((bound - 1) * count) >> 64 == index - 1


@given(KEYS, st.integers(1, 4))
def test_parts_travel_as_bytes_and_copy_into_the_sorted_order_as_one_stream(keys, pieces):
    docs = _docs(keys + keys[:1])                       # a key twice: the id breaks the tie
    starts = (np.cumsum(docs.lengths) - docs.lengths).tolist()
    cuts = np.linspace(0, len(docs.doc_ids), pieces + 1).astype(int).tolist()
    parts = [EncodedDocs.from_element(EncodedDocs(
        docs.keys[a:b], docs.doc_ids[a:b], docs.lengths[a:b],
        docs.ids[starts[a] if a < len(starts) else len(docs.ids):starts[b] if b < len(starts) else len(docs.ids)]
    ).to_element()) for a, b in zip(cuts[:-1], cuts[1:])]
    doc_ids, ids = _in_order(parts)
    order = sorted(range(len(docs.doc_ids)), key=lambda i: (int(docs.keys[i]), docs.doc_ids[i]))
    assert doc_ids == [docs.doc_ids[i] for i in order]
    assert [part.tolist() for part in ids] == [docs.ids[starts[i]:starts[i] + docs.lengths[i]].tolist() for i in order]


def test_no_parts_copy_to_no_documents():
    doc_ids, lengths = EncodedDocs.copy_in_order([], np.zeros(0, np.uint16))
    assert doc_ids == [] and lengths.tolist() == []


def test_ids_travel_in_the_shards_dtype():
    docs = _docs([5, 2 ** 63, 7])
    small = EncodedDocs(docs.keys, docs.doc_ids, docs.lengths, docs.ids.astype(np.uint16))
    back = EncodedDocs.from_element(small.to_element())
    assert back.ids.dtype == np.uint16 and back.ids.tolist() == docs.ids.tolist()
    assert len(small.to_element()[3]) == 2 * len(docs.ids)
