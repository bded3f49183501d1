"""A Presidio AnalyzerEngine that runs with no downloadable model.

Presidio's default configuration loads spaCy's en_core_web_lg, which is not
on PyPI. Here the NLP engine is Presidio's NoOpNlpEngine (no model at all)
and the recognizers are Presidio's pattern recognizers plus tokenmill's
secrets and checksum (card, IBAN) recognizers. With no tokens, context words cannot raise scores: the
scores are the patterns' own, after their validators (Luhn, IBAN checksum,
...). With `ner_model` naming an installed spaCy model (a package or a
model directory), PERSON and LOCATION come from that model too. A model that
is not installed is an error: Presidio would download it, and tokenmill never
downloads anything at run time.
"""
from __future__ import annotations

import logging
import os

# tldextract (used by the URL recognizer) otherwise fetches the public-suffix list at import.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

from presidio_analyzer import AnalyzerEngine, PatternRecognizer, RecognizerRegistry  # noqa: E402, F401
from presidio_analyzer.nlp_engine import NoOpNlpEngine, SpacyNlpEngine  # noqa: E402
from presidio_analyzer.predefined_recognizers import PhoneRecognizer as PresidioPhoneRecognizer  # noqa: E402

from filters.pii.checksum_recognizers import checksum_recognizers  # noqa: E402
from filters.pii.email import BoundedEmailRecognizer  # noqa: E402
from filters.pii.ner_model import check_ner_model  # noqa: E402
from filters.pii.phone import ContextPhoneRecognizer  # noqa: E402
from filters.pii.secrets import secret_recognizers  # noqa: E402

PHONE_REGIONS = ("US", "GB", "DE", "FR", "IL", "IN", "CA", "BR", "ES", "IT", "NL", "PL", "SE", "PT", "AU", "MX")
LANGUAGE = "en"   # Presidio's recognizers are registered once; documents of any language use them


def build_analyzer(ner_model: str = "") -> AnalyzerEngine:
    nlp, registry = _predefined(ner_model)
    # Presidio's phone and card recognizers report every valid number and every Luhn-valid grouping;
    # tokenmill's read the number in its context and its format (phone.py, checksum_recognizers.py).
    registry.remove_recognizer("PhoneRecognizer")
    registry.remove_recognizer("CreditCardRecognizer")
    registry.remove_recognizer("IbanRecognizer")        # ran on into the words after an IBAN (checksum_recognizers.py)
    registry.remove_recognizer("EmailRecognizer")       # quadratic on long tokens (email.py)
    registry.add_recognizer(BoundedEmailRecognizer(supported_language=LANGUAGE))
    registry.add_recognizer(ContextPhoneRecognizer(supported_language=LANGUAGE, supported_regions=PHONE_REGIONS))
    for recognizer in secret_recognizers(LANGUAGE) + checksum_recognizers(LANGUAGE):
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=[LANGUAGE])


def build_stock_analyzer(phone_regions=None) -> AnalyzerEngine:
    """Presidio as shipped: its own recognizers, its phone recognizer's default regions unless `phone_regions`
    are given. What tokenmill's departures are measured against (bench/pii_quality.py,
    tests/filters/test_pii_departures.py)."""
    nlp, registry = _predefined("")
    if phone_regions:
        registry.remove_recognizer("PhoneRecognizer")
        registry.add_recognizer(PresidioPhoneRecognizer(supported_language=LANGUAGE, supported_regions=phone_regions))
    return AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=[LANGUAGE])


def _predefined(ner_model: str) -> tuple:
    # Presidio warns once per recognizer of another language that it leaves out: expected here.
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    check_ner_model(ner_model)
    if ner_model:
        nlp = SpacyNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": ner_model}])
    else:
        nlp = NoOpNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": "none"}])
    nlp.load()
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.load_predefined_recognizers(languages=[LANGUAGE], nlp_engine=nlp)
    return nlp, registry
