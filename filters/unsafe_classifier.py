"""An optional unsafe-content classifier stage behind a small interface.

Any object with `score(texts) -> list of probabilities` plugs in. The one
shipped here wraps alt-profanity-check, a scikit-learn model that comes inside
its PyPI package (`pip install -e '.[classifier]'`); it was trained on English
tweets, so by default it scores English documents only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Union

from corpus.document import Document, Drop
from tokenmill.option_checks import OptionChecks


class TextScorer(Protocol):
    def score(self, texts: list) -> list:
        """Probability that each text is unsafe."""


class ProfanityCheckScorer:
    def __init__(self):
        try:
            import profanity_check
        except ImportError as error:
            raise ImportError("the unsafe classifier needs alt-profanity-check: "
                              "pip install -e '.[classifier]'") from error
        self._predict = profanity_check.predict_prob

    def score(self, texts: list) -> list:
        return [float(p) for p in self._predict(texts)] if texts else []


@dataclass(frozen=True)
class UnsafeClassifierConfig:
    enabled: bool = False
    threshold: float = 0.9
    languages: list = field(default_factory=lambda: ["en"])
    max_chars: int = 20_000       # the model reads short texts; long pages are scored on a prefix

    def problems(self, where: str = "unsafe_classifier") -> list:
        check = OptionChecks(self, where)
        check.fraction("threshold")
        check.at_least("max_chars", 1)
        if self.enabled:
            check.installed("profanity_check", "enabled", "classifier")
        return check.problems


class UnsafeClassifierFilter:
    def __init__(self, config: UnsafeClassifierConfig, scorer: TextScorer = None):
        self.config = config
        self.scorer = scorer or ProfanityCheckScorer()

    def __call__(self, doc: Document) -> Union[Document, Drop]:
        if doc.annotations.get("lang") not in self.config.languages:
            return doc
        (probability,) = self.scorer.score([doc.text[: self.config.max_chars]])
        doc.annotations["unsafe_score"] = round(probability, 4)
        if probability >= self.config.threshold:
            return Drop("unsafe_classifier", f"{probability:.3f}")
        return doc
