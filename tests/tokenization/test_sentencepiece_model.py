import pytest

from tests.conftest import shared_data
from tokenization.encoding import Framing, decode_ids, encode_texts
from tokenization.sentencepiece_model import TokenizerError, describe, processor_from_bytes

TEXT = "Hello  world,\tdigits 2024, naïve café, 漢字 and 🙂 at the end.\n"


@pytest.mark.parametrize("relative, vocab", [("tokenizers/llama2_c/tokenizer.model", 32000),
                                             ("tokenizers/mistral_common_1.13.1/tokenizer.model.v1", 32000)])
def test_real_models_load_encode_and_decode_exactly(relative, vocab):
    model = shared_data(relative).read_bytes()
    info = describe(model)
    assert (info.vocab_size, info.bos_id, info.eos_id, info.pad_id) == (vocab, 1, 2, -1)
    processor = processor_from_bytes(model)
    framing = Framing(info.bos_id, info.eos_id)
    [ids] = encode_texts(processor, [TEXT], framing)
    assert ids[0] == 1 and ids[-1] == 2 and ids.dtype.name == "uint32"
    assert decode_ids(processor, ids, framing) == TEXT      # byte fallback keeps every character


def test_a_normalising_model_is_reported_as_not_lossless():
    info = describe(shared_data("tokenizers/google_sentencepiece/test_model.model").read_bytes())
    assert info.lossless is False and info.vocab_size == 1000


def test_a_file_that_is_not_a_model_is_a_clear_error():
    with pytest.raises(TokenizerError, match="x.bin is not a SentencePiece model"):
        describe(b"\x00\x01 not a model", "x.bin")
