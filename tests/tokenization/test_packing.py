import numpy as np
import pytest

from tokenization.packing import pack, pack_stream, stream_length


def _docs(*lengths):
    return [np.arange(1, n + 1, dtype=np.uint32) + 100 * i for i, n in enumerate(lengths)]


def test_rows_are_exactly_seq_len_and_documents_continue_across_rows():
    packed = pack(_docs(5, 9, 3, 20), seq_len=8, tail="drop")
    assert packed.tokens.shape == (4, 8)
    assert np.array_equal(packed.tokens.reshape(-1), np.concatenate(_docs(5, 9, 3, 20))[:32])
    assert [row.tolist() for row in packed.doc_starts] == [[0, 5], [6], [1], []]
    assert (packed.documents, packed.tail_tokens, packed.tail_documents, packed.pad_tokens) == (4, 5, 0, 0)
    assert packed.cut_documents == 1                 # the 20-token document loses its last 5 to the tail


def test_pad_mode_keeps_the_tail_and_counts_the_padding():
    packed = pack(_docs(5, 9, 3, 20), seq_len=8, tail="pad", pad_id=0)
    assert packed.tokens.shape == (5, 8)
    assert packed.pad_tokens == 3 and packed.tail_tokens == 0
    assert packed.tokens[-1].tolist()[-3:] == [0, 0, 0]


def test_a_document_that_begins_in_the_dropped_tail_is_counted():
    packed = pack(_docs(8, 3), seq_len=8, tail="drop")
    assert (packed.rows, packed.documents, packed.tail_documents, packed.tail_tokens) == (1, 1, 1, 3)
    assert packed.cut_documents == 0                 # the kept row ends exactly where the first document does


def test_no_document_is_cut_when_nothing_is_dropped():
    assert pack(_docs(5, 3), seq_len=8, tail="drop").cut_documents == 0
    assert pack(_docs(5, 9), seq_len=8, tail="pad").cut_documents == 0


def test_a_document_longer_than_ten_rows_spans_them_all():
    packed = pack(_docs(1, 100, 1), seq_len=8, tail="pad")
    assert packed.rows == 13
    assert [row.tolist() for row in packed.doc_starts][:2] == [[0, 1], []]
    assert packed.doc_starts[12].tolist() == [5]


def test_no_documents_give_no_rows():
    packed = pack([], seq_len=8)
    assert packed.tokens.shape == (0, 8) and packed.documents == 0


def test_unknown_tail_mode_is_refused():
    with pytest.raises(ValueError, match="tail"):
        pack(_docs(3), seq_len=8, tail="keep")


def test_each_row_names_the_documents_that_start_in_it_and_the_one_it_continues():
    packed = pack(_docs(5, 9, 0, 3, 20), seq_len=8, tail="pad")   # document 2 is empty: it starts nowhere
    assert [row.tolist() for row in packed.doc_index] == [[0, 1], [3], [4], [], []]
    assert packed.continued.tolist() == [-1, 1, 3, 4, 4]
    for row in range(packed.rows):       # every token of every row is covered by a named document
        named = len(packed.doc_index[row]) + (packed.continued[row] >= 0)
        assert named >= 1


def test_a_row_that_begins_exactly_at_a_document_continues_nothing():
    packed = pack(_docs(8, 8, 4), seq_len=8, tail="pad")
    assert packed.continued.tolist() == [-1, -1, -1]
    assert [row.tolist() for row in packed.doc_index] == [[0], [1], [2]]


@pytest.mark.parametrize("tail", ["drop", "pad"])
def test_packing_a_stream_in_place_equals_packing_the_documents(tail):
    documents = _docs(5, 9, 0, 3, 20)
    expected = pack(documents, seq_len=8, tail=tail, pad_id=7)
    lengths = np.array([len(doc) for doc in documents])
    stream = np.empty(stream_length(int(lengths.sum()), 8, tail), np.uint16)
    stream[:lengths.sum()] = np.concatenate(documents)
    packed = pack_stream(stream, lengths, seq_len=8, tail=tail, pad_id=7)
    assert packed.tokens.dtype == np.uint16 and np.shares_memory(packed.tokens, stream)
    assert np.array_equal(packed.tokens, expected.tokens) and np.array_equal(packed.continued, expected.continued)
    assert [row.tolist() for row in packed.doc_starts] == [row.tolist() for row in expected.doc_starts]
    assert (packed.pad_tokens, packed.tail_tokens, packed.cut_documents) == (
        expected.pad_tokens, expected.tail_tokens, expected.cut_documents)


def test_a_stream_without_room_for_the_padding_is_refused():
    with pytest.raises(ValueError, match="a stream of 5 tokens"):
        pack_stream(np.zeros(5, np.uint32), np.array([5]), seq_len=8, tail="pad")
