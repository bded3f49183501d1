"""All quality rule sets in FineWeb's order: Gopher repetition, Gopher quality, C4, FineWeb."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

from corpus.document import Document, Drop
from filters.quality.c4_lines import C4Config, c4_signals, c4_verdict
from filters.quality.fineweb_lines import FineWebConfig, fineweb_signals, fineweb_verdict
from filters.quality.gopher_quality import GopherQualityConfig, quality_signals, quality_verdict
from filters.quality.gopher_repetition import GopherRepetitionConfig, repetition_signals, repetition_verdict
from filters.quality.text_view import TextView


@dataclass(frozen=True)
class QualityConfig:
    enabled: bool = True
    gopher_repetition: GopherRepetitionConfig = field(default_factory=GopherRepetitionConfig)
    gopher_quality: GopherQualityConfig = field(default_factory=GopherQualityConfig)
    c4: C4Config = field(default_factory=C4Config)
    fineweb: FineWebConfig = field(default_factory=FineWebConfig)


class QualityFilter:
    """Every enabled rule set computes all its signals, stored in `annotations["quality"]` (kept and
    rejected documents alike), so that any threshold can be applied again from a run's output
    (`apply_thresholds`); then the first failing rule, in the order above, drops the document.

    FineWeb's signals are those of the text C4 leaves (as when C4 keeps the page), also when C4 drops it.
    """

    def __init__(self, config: QualityConfig):
        self.config = config

    def __call__(self, doc: Document) -> Union[Document, Drop]:
        config, lang = self.config, doc.annotations.get("lang")
        view = TextView(doc.text, lang)
        signals, text = {}, doc.text
        if config.gopher_repetition.enabled:
            signals.update(repetition_signals(view, config.gopher_repetition))
        if config.gopher_quality.enabled:
            signals.update(quality_signals(view, config.gopher_quality))
        c4 = c4_signals(view, config.c4) if config.c4.enabled else None
        if c4 is not None:
            signals.update(c4[0])
            if c4[1] != doc.text:
                text = c4[1]
                view = TextView(text, lang)
        if config.fineweb.enabled:
            signals.update(fineweb_signals(view, config.fineweb))
        doc.annotations["quality"] = signals
        drop = apply_thresholds(signals, config)
        if drop:
            return drop
        doc.text = text
        return doc


def apply_thresholds(signals: dict, config: QualityConfig) -> Optional[Drop]:
    """What QualityFilter(config) decides, from the signals a run stored: the first failing rule.

    A rule set whose signals were not computed (off in that run, or C4 on another language) decides
    nothing. Each rule set reads only its own names (gopher_, c4_, fineweb_)."""
    for enabled, decide, rule_config in (
            (config.gopher_repetition.enabled, repetition_verdict, config.gopher_repetition),
            (config.gopher_quality.enabled and "gopher_lines" in signals, quality_verdict, config.gopher_quality),
            (config.c4.enabled and "c4_sentences" in signals, c4_verdict, config.c4),
            (config.fineweb.enabled and "fineweb_lines" in signals, fineweb_verdict, config.fineweb)):
        drop = decide(signals, rule_config) if enabled else None
        if drop:
            return drop
    return None
