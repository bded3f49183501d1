"""The PII stage: detect with Presidio and tokenmill's recognizers, keep what the precision rules keep, redact or drop."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from corpus.document import Document, Drop
from filters.pii.precision import keep
from filters.pii.spans import Span, redact, resolve_overlaps
from filters.pii.time_bound import MARGIN, dump_reason, pieces
from tokenmill.option_checks import OptionChecks

UNIVERSAL_ENTITIES = ["EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS", "CRYPTO",
                      "AWS_ACCESS_KEY", "PRIVATE_KEY", "BEARER_TOKEN", "URL_PASSWORD", "API_TOKEN"]
ENGLISH_ENTITIES = ["US_SSN", "US_BANK_NUMBER", "US_ITIN", "US_PASSPORT", "UK_NHS"]
PII_MODES = ("redact", "drop")


@dataclass(frozen=True)
class PiiConfig:
    enabled: bool = True
    entities: list = field(default_factory=lambda: list(UNIVERSAL_ENTITIES))
    english_entities: list = field(default_factory=lambda: list(ENGLISH_ENTITIES))   # only for lang "en"
    redact_urls: bool = False           # URLs are mostly not personal
    min_score: float = 0.35             # Presidio's phone recognizer scores 0.4 without context words
    placeholder: str = "<{entity}>"
    mode: str = "redact"                # redact | drop
    max_density: float = 0.05           # drop mode: share of characters that are PII
    ner_model: str = ""                 # an installed spaCy model adds PERSON and LOCATION
    max_candidates: int = 100           # telephone-number candidates per 10,000 characters; more: a dump, dropped

    def problems(self, where: str = "pii") -> list:
        check = OptionChecks(self, where)
        check.fraction("min_score")
        check.one_of("mode", PII_MODES)
        check.fraction("max_density")
        check.at_least("max_candidates", 1)
        try:
            self.placeholder.format(entity="EMAIL_ADDRESS")
        except (KeyError, IndexError, ValueError):
            check.fail(f"{check.key('placeholder')} may name {{entity}} and nothing else in braces, "
                       f"got {self.placeholder!r}")
        return check.problems


def entities_for(config: PiiConfig, lang) -> list:
    """The entities looked for in a document of language `lang`; for "en", every one the config can find
    (the fields of the stored `pii` counts)."""
    entities = list(config.entities)
    if lang in (None, "en"):
        entities += config.english_entities
    if config.redact_urls:
        entities.append("URL")
    if config.ner_model:
        entities += ["PERSON", "LOCATION"]
    return list(dict.fromkeys(entities))


class PiiDetector:
    def __init__(self, config: PiiConfig, analyzer=None, prechecks: bool = True):
        """`prechecks`: leave out of each window's request the entities that cannot be in it (prechecks.py)."""
        from filters.pii.engine import LANGUAGE, build_analyzer
        self.config = config
        self.analyzer = analyzer or build_analyzer(config.ner_model)
        self.language = LANGUAGE        # the one language Presidio's recognizers are registered for
        self._use_prechecks = prechecks
        self._prechecks = self._read_from = None

    @property
    def prechecks(self):
        """The prechecks of the analyzer as it is now: read again whenever its recognizers or patterns change."""
        from filters.pii.prechecks import Prechecks, analyzer_state
        state = (id(self.analyzer), analyzer_state(self.analyzer))
        if state != self._read_from:
            self._prechecks = Prechecks.for_analyzer(self.analyzer, self.language, self._use_prechecks)
            self._read_from = state
        return self._prechecks

    def entities_for(self, lang) -> list:
        return entities_for(self.config, lang)

    def spans(self, text: str, lang=None) -> list:
        entities, prechecks = self.entities_for(lang), self.prechecks
        found = []
        for start, end in pieces(text):
            low, high = max(0, start - MARGIN), min(len(text), end + MARGIN)
            window = text[low:high]
            possible = prechecks.possible(entities, window)
            if not possible:            # an empty list would ask Presidio for every entity
                continue
            results = self.analyzer.analyze(text=window, language=self.language, entities=possible,
                                            score_threshold=self.config.min_score)
            found += [Span(low + r.start, low + r.end, r.entity_type, round(r.score, 4)) for r in results
                      if start <= low + r.start < end]        # the piece where a detection starts reports it
        return resolve_overlaps([span for span in found if keep(span.entity, text, span.start, span.end)])


class PiiFilter:
    def __init__(self, config: PiiConfig, detector: PiiDetector = None):
        if config.mode not in PII_MODES:
            raise ValueError(f"pii.mode must be redact or drop, got {config.mode!r}")
        self.config = config
        self.detector = detector or PiiDetector(config)

    def __call__(self, doc: Document) -> Union[Document, Drop]:
        dump = dump_reason(doc.text, self.config.max_candidates)      # the bound on time per document
        if dump:
            return Drop("pii_too_many_candidates", dump)
        lang = doc.annotations.get("lang")
        spans = self.detector.spans(doc.text, lang)
        counts = dict.fromkeys(self.detector.entities_for(lang), 0)    # 0: looked for, not found
        for span in spans:
            counts[span.entity] = counts.get(span.entity, 0) + 1
        doc.annotations["pii"] = counts
        if not spans:
            return doc
        if self.config.mode == "drop":
            density = sum(span.end - span.start for span in spans) / max(len(doc.text), 1)
            if density > self.config.max_density:
                return Drop("pii_density", f"{density:.3f}")
            return doc
        doc.text = redact(doc.text, spans, self.config.placeholder)
        return doc
