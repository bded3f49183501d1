"""Presidio's recognizers run on one candidate window, as AnalyzerEngine runs them without NLP tokens.

With the NoOpNlpEngine there are no tokens, so AnalyzerEngine's context step
cannot change a score; what it adds per call (recognizer lookup, empty NLP
artifacts, a deep copy of the results for the context step) cost more than
the recognizers themselves on short windows. The fast path calls the same
recognizers directly and applies the same two steps after them: the score
threshold, then `EntityRecognizer.remove_duplicates`. Recognizers of entities
the window cannot hold (triggers.py) are not run. Whole-document analysis,
and any run with a NER model, still goes through AnalyzerEngine.
"""
from __future__ import annotations

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, PatternRecognizer

from filters.pii.triggers import entities_present


class WindowAnalyzer:
    def __init__(self, analyzer: AnalyzerEngine, language: str):
        self.analyzer = analyzer
        self.language = language
        self._by_entities: dict = {}      # (entity tuple, threshold) -> the recognizers worth running

    def analyze(self, text: str, entities, score_threshold: float) -> list:
        present = entities_present(text, entities)
        if not present:
            return []
        results = []
        for recognizer in self._recognizers(present, score_threshold):
            results += recognizer.analyze(text=text, entities=list(present), nlp_artifacts=None)
        return EntityRecognizer.remove_duplicates([r for r in results if r.score >= score_threshold])

    def _recognizers(self, entities: tuple, score_threshold: float) -> list:
        key = (entities, score_threshold)
        if key not in self._by_entities:
            recognizers = self.analyzer.registry.get_recognizers(language=self.language, entities=list(entities))
            self._by_entities[key] = [r for r in recognizers if can_reach(r, score_threshold)]
        return self._by_entities[key]


def can_reach(recognizer, score_threshold: float) -> bool:
    """False for a pattern recognizer whose every pattern scores below the threshold and which has no
    validator to raise a score (US_PASSPORT and US_BANK_NUMBER at the default 0.35): with no NLP tokens
    no context word can raise it either, so it can never report anything."""
    if not isinstance(recognizer, PatternRecognizer) or type(recognizer).validate_result is not \
            PatternRecognizer.validate_result:
        return True
    return any(pattern.score >= score_threshold for pattern in recognizer.patterns)
