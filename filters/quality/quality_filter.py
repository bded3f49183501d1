"""All quality rule sets in FineWeb's order: Gopher repetition, Gopher quality, C4, FineWeb."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from corpus.document import Document, Drop
from filters.quality.c4_lines import C4Config, c4_lines
from filters.quality.fineweb_lines import FineWebConfig, fineweb_lines
from filters.quality.gopher_quality import GopherQualityConfig, gopher_quality
from filters.quality.gopher_repetition import GopherRepetitionConfig, gopher_repetition
from filters.quality.text_view import TextView


@dataclass(frozen=True)
class QualityConfig:
    enabled: bool = True
    gopher_repetition: GopherRepetitionConfig = field(default_factory=GopherRepetitionConfig)
    gopher_quality: GopherQualityConfig = field(default_factory=GopherQualityConfig)
    c4: C4Config = field(default_factory=C4Config)
    fineweb: FineWebConfig = field(default_factory=FineWebConfig)


class QualityFilter:
    def __init__(self, config: QualityConfig):
        self.config = config

    def __call__(self, doc: Document) -> Union[Document, Drop]:
        config, lang = self.config, doc.annotations.get("lang")
        view = TextView(doc.text, lang)
        for enabled, rule, rule_config in (
                (config.gopher_repetition.enabled, gopher_repetition, config.gopher_repetition),
                (config.gopher_quality.enabled, gopher_quality, config.gopher_quality)):
            drop = rule(view, rule_config) if enabled else None
            if drop:
                return drop
        if config.c4.enabled:
            result = c4_lines(view, config.c4)
            if isinstance(result, Drop):
                return result
            if result is not None and result != doc.text:
                doc.annotations["c4_lines_removed"] = len(view.lines) - len(result.split("\n"))
                doc.text = result
                view = TextView(result, lang)
        drop = fineweb_lines(view, config.fineweb) if config.fineweb.enabled else None
        return drop or doc
