"""All quality rule sets in FineWeb's order: Gopher repetition, Gopher quality, C4, FineWeb."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
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


# The options that only the verdicts read: changing one changes no signal and no text, so stored signals
# can be judged again (pipelines/reuse.py). For the n-gram mappings only the limits are thresholds; their
# n say which signals exist. An option missing here is taken as changing the signals: safe, never wrong.
THRESHOLDS = {
    "gopher_repetition": ("max_dup_line_fraction", "max_dup_paragraph_fraction", "max_dup_line_char_fraction",
                          "max_dup_paragraph_char_fraction"),
    "gopher_quality": ("min_words", "max_words", "min_mean_word_length", "max_mean_word_length",
                       "max_symbol_word_ratio", "max_bullet_lines_ratio", "max_ellipsis_lines_ratio",
                       "min_alpha_words_ratio", "min_stop_words"),
    "c4": ("min_sentences",),
    "fineweb": ("min_line_punct_ratio", "max_short_line_ratio", "max_dup_line_char_ratio", "max_newline_word_ratio"),
}
NGRAM_LIMITS = ("max_top_ngram_char_fraction", "max_dup_ngram_char_fraction")


def signal_options(config: QualityConfig) -> dict:
    """The quality options that decide the signals and the text: all of them but the thresholds."""
    options = asdict(config)
    for rule_set, names in THRESHOLDS.items():
        for name in names:
            del options[rule_set][name]
    for name in NGRAM_LIMITS:
        options["gopher_repetition"][name] = sorted(int(n) for n in options["gopher_repetition"][name])
    return options


class QualityFilter:
    """Every enabled rule set computes all its signals, stored in `annotations["quality"]` (kept and
    rejected documents alike), so that any threshold can be applied again from a run's output
    (`apply_thresholds`); then the first failing rule, in the order above, drops the document.

    FineWeb's signals are those of the text C4 leaves (as when C4 keeps the page), also when C4 drops it.
    """

    def __init__(self, config: QualityConfig):
        self.config = config

    def __call__(self, doc: Document) -> Union[Document, Drop]:
        signals, text = self.signals(doc)
        return decide_quality(doc, signals, text, self.config)

    def signals(self, doc: Document) -> tuple:
        """(every signal of the enabled rule sets, the text C4 leaves): all the thresholds do not change."""
        return all_signals(doc.text, doc.annotations.get("lang"), self.config)


def decide_quality(doc: Document, signals: dict, text: str, config: QualityConfig) -> Union[Document, Drop]:
    """The quality stage's outcome from the signals of `doc` (and the text C4 leaves): stores them, then
    drops by the first failing rule or keeps the document with C4's text."""
    doc.annotations["quality"] = signals
    drop = apply_thresholds(signals, config)
    if drop:
        return drop
    doc.text = text
    return doc


def all_signals(text: str, lang: Optional[str], config: QualityConfig) -> tuple:
    """(every signal of every enabled rule set, the text C4 leaves)."""
    view = TextView(text, lang)
    signals = {}
    if config.gopher_repetition.enabled:
        signals.update(repetition_signals(view, config.gopher_repetition))
    if config.gopher_quality.enabled:
        signals.update(quality_signals(view, config.gopher_quality))
    c4 = c4_signals(view, config.c4) if config.c4.enabled else None
    if c4 is not None:
        signals.update(c4[0])
        if c4[1] != text:
            text = c4[1]
            view = TextView(text, lang)
    if config.fineweb.enabled:
        signals.update(fineweb_signals(view, config.fineweb))
    return signals, text


# A text on which every rule set computes every signal it has: words (stop words among them), lines,
# repeated lines and paragraphs, a bullet, an ellipsis, "lorem ipsum", a curly bracket and sentences.
_PROBE_TEXT = ("The cat sat on the mat and it was fine.\n- a bullet line with the words\n"
               "lorem ipsum dolor sit amet.\nfunction() { return; }\nAnd then it ended...\n\n"
               "The cat sat on the mat and it was fine.\n\nThe cat sat on the mat and it was fine.")
_PROBE_LANG = "en"


def signal_types(config: QualityConfig) -> dict:
    """Signal name -> Python type (bool, int or float) of every signal the rule sets of `config` can
    compute, whether enabled or not, in the order they compute them: the field list of the stored
    `quality` struct, taken from the rules' own code so that it can never miss a signal. The n-gram
    sizes of the config name some signals, so the list depends on it."""
    probe = QualityConfig(
        gopher_repetition=replace(config.gopher_repetition, enabled=True),
        gopher_quality=replace(config.gopher_quality, enabled=True, stop_word_languages=[_PROBE_LANG]),
        c4=replace(config.c4, enabled=True, languages=[_PROBE_LANG]),
        fineweb=replace(config.fineweb, enabled=True))
    signals, _ = all_signals(_PROBE_TEXT, _PROBE_LANG, probe)
    unset = [name for name, value in signals.items() if value is None]
    if unset:
        raise AssertionError(f"the quality probe text leaves {unset} unset: extend _PROBE_TEXT")
    return {name: bool if isinstance(value, bool) else int if isinstance(value, int) else float
            for name, value in signals.items()}


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
