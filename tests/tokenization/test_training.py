import random

import pytest

from tests.tokenization.corpus_text import varied_documents
from tokenization.encoding import Framing, decode_ids, encode_texts
from tokenization.sentencepiece_model import TokenizerError, describe, processor_from_bytes
from tokenization.training import TrainingSettings, sample_key, take_sample, train_model

SETTINGS = TrainingSettings(vocab_size=500, threads=2)


@pytest.fixture(scope="module")
def model():
    return train_model(varied_documents(60), SETTINGS)


def test_training_is_deterministic_for_a_fixed_thread_count(model):
    assert train_model(varied_documents(60), SETTINGS) == model


def test_gemma_settings_give_a_lossless_model_with_gemma_special_ids(model):
    info = describe(model)
    assert info.lossless
    assert (info.pad_id, info.eos_id, info.bos_id, info.unk_id) == (0, 1, 2, 3)
    assert 300 <= info.vocab_size <= 500


def test_characters_outside_the_vocabulary_fall_back_to_bytes(model):
    processor = processor_from_bytes(model)
    text = "Zebra ქართული 𝔘𝔫𝔦𝔠𝔬𝔡𝔢  \t 0987"
    [ids] = encode_texts(processor, [text], Framing())
    assert processor.unk_id() not in ids.tolist()
    assert decode_ids(processor, ids, Framing()) == text
    digits = encode_texts(processor, ["12345"], Framing())[0]      # split digits: one token each
    assert [processor.id_to_piece(int(i)) for i in digits] == list("12345")


def test_the_sample_does_not_depend_on_arrival_order():
    items = [(sample_key(f"d{i}"), f"d{i}", "x" * (i % 50 + 1)) for i in range(500)]
    expected = take_sample(items, 2000)
    shuffled = items[:]
    random.Random(3).shuffle(shuffled)
    partial = take_sample(shuffled[:250], 2000) + take_sample(shuffled[250:], 2000)
    assert take_sample(partial, 2000) == expected
    assert sum(len(text) for *_, text in expected) <= 2000


def test_impossible_vocabulary_sizes_and_empty_text_are_refused():
    with pytest.raises(TokenizerError, match="vocab_size"):
        train_model(["text"], TrainingSettings(vocab_size=300_000))
    with pytest.raises(TokenizerError, match="no text"):
        train_model([], SETTINGS)


def test_many_scripts_in_a_small_vocabulary_lower_the_coverage_and_fall_back_to_bytes():
    rng = random.Random(1)
    # 100 common CJK characters and 3,000 rare ones: 0.9999 coverage would need far more
    # characters than a 700-piece vocabulary holds; 99% coverage needs only the common ones.

    def char():
        return chr(0x4E00 + (rng.randrange(100) if rng.random() < 0.99 else 100 + rng.randrange(3000)))
    texts = ["".join(char() for _ in range(200)) + " plain words" for _ in range(300)]
    model = train_model(texts, TrainingSettings(vocab_size=700, threads=2))
    processor = processor_from_bytes(model)
    [ids] = encode_texts(processor, [texts[0]], Framing())
    assert decode_ids(processor, ids, Framing()) == texts[0]


def test_a_vocabulary_too_small_even_at_98_percent_coverage_says_what_would_fit():
    rng = random.Random(2)
    texts = ["".join(chr(0x4E00 + rng.randrange(5000)) for _ in range(400)) for _ in range(200)]
    with pytest.raises(TokenizerError, match="is too small for this text.*use at least"):
        train_model(texts, TrainingSettings(vocab_size=400, threads=2))
