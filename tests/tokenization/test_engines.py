"""Encoding engines: kitoken gives exactly SentencePiece's ids on Llama 2's, Mistral's and a Gemma-way
model, on real text; where it does not, the run's check picks SentencePiece and says why."""
import gzip
import io
import json
import random

import numpy as np
import pytest
import sentencepiece as spm

from tests.conftest import shared_data
from tests.tokenization.corpus_text import varied_documents
from tokenization.encoding import Framing, encode_texts, frame_flat
from tokenization.engines import (KITOKEN, PROBES, SENTENCEPIECE, cached_encoder, choose_engine,
                                  make_encoder)
from tokenization.sentencepiece_model import processor_from_bytes
from tokenization.training import TrainingSettings, train_model

REAL_MODELS = ["tokenizers/llama2_c/tokenizer.model", "tokenizers/mistral_common_1.13.1/tokenizer.model.v1",
               "tokenizers/mistral_common_1.13.1/mistral_instruct_tokenizer_240216.model.v2"]


def _numbers(count: int) -> list:
    rng = random.Random(3)
    return [" ".join(str(rng.randrange(10 ** rng.randrange(1, 12))) for _ in range(100)) for _ in range(count)]


@pytest.fixture(scope="module")
def gemma_way_model():
    """BPE, byte fallback, split digits, identity normaliser: tokenmill's training, on text full of numbers
    (without split_digits, such text would merge digits into pieces)."""
    return train_model(varied_documents(80) + _numbers(60), TrainingSettings(vocab_size=800, threads=1))


@pytest.fixture(scope="module")
def real_texts():
    """The 697 Common Crawl documents of ../shared/data/web/dolma when present, and always our own texts."""
    texts = varied_documents(120) + _numbers(20)
    try:
        path = shared_data("web/dolma/CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz")
    except pytest.skip.Exception:
        return texts
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return texts + [json.loads(line)["text"] for line in handle]


def _assert_identical(model: bytes, texts: list):
    reference = processor_from_bytes(model).encode(texts)
    flat, lengths = make_encoder(KITOKEN, model).encode(texts)
    assert lengths.tolist() == [len(ids) for ids in reference]
    assert flat.tolist() == [token for ids in reference for token in ids]


@pytest.mark.parametrize("relative", REAL_MODELS)
def test_kitoken_gives_sentencepieces_ids_on_llama2_and_mistral(relative, real_texts):
    model = shared_data(relative).read_bytes()
    _assert_identical(model, [*PROBES, *real_texts])
    assert choose_engine("auto", model, real_texts).engine == KITOKEN


def test_kitoken_gives_sentencepieces_ids_on_a_model_trained_the_gemma_way(gemma_way_model, real_texts):
    processor = processor_from_bytes(gemma_way_model)
    assert [processor.id_to_piece(i) for i in processor.encode("90817")] == list("90817")   # digits split
    assert processor.encode("a\nb").count(processor.piece_to_id("\n")) == 1                  # "\n" a piece
    _assert_identical(gemma_way_model, [*PROBES, *real_texts])
    choice = choose_engine("auto", gemma_way_model, real_texts)
    assert (choice.engine, choice.note) == (KITOKEN, "")


def _unigram_model() -> bytes:
    """SentencePiece's defaults: unigram, NFKC, extra whitespace removed. kitoken encodes " " where
    SentencePiece gives nothing."""
    lines = [line for text in varied_documents(120) for line in text.split("\n") if line]
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(lines), model_writer=model, model_type="unigram",
                                   vocab_size=500, hard_vocab_limit=False, num_threads=1, minloglevel=2)
    return model.getvalue()


def test_any_difference_on_the_check_falls_back_to_sentencepiece_and_says_where():
    choice = choose_engine("auto", _unigram_model(), varied_documents(20))
    assert choice.engine == SENTENCEPIECE
    assert choice.note.startswith("kitoken's ids differ from SentencePiece's on text 1 of the check (' ')")


def test_sentencepiece_asked_for_is_used_without_a_check(gemma_way_model):
    assert choose_engine(SENTENCEPIECE, gemma_way_model, ["anything"]).to_dict() == {
        "used": SENTENCEPIECE, "requested": SENTENCEPIECE, "note": ""}


def test_the_engine_is_loaded_once_per_process(gemma_way_model):
    first = cached_encoder(gemma_way_model, KITOKEN)
    assert cached_encoder(bytes(gemma_way_model), KITOKEN) is first
    assert cached_encoder(gemma_way_model, SENTENCEPIECE) is not first


@pytest.mark.parametrize("framing", [Framing(), Framing(2, -1), Framing(-1, 1), Framing(2, 1)])
def test_framing_a_flat_batch_equals_framing_each_document(gemma_way_model, framing):
    texts = ["", "x", *varied_documents(30)]
    flat, lengths = frame_flat(*make_encoder(SENTENCEPIECE, gemma_way_model).encode(texts), framing)
    expected = encode_texts(processor_from_bytes(gemma_way_model), texts, framing)
    assert lengths.tolist() == [len(ids) for ids in expected]
    assert np.array_equal(flat, np.concatenate(expected))
