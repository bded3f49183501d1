"""The PII prechecks (filters/pii/prechecks.py) leave out only recognizers that would have found nothing.

Three checks: every string a recognizer's pattern matches holds its precheck (hypothesis, from the pattern itself);
on real text with and without PII, the detector gives the same spans with the prechecks as without; and a
precheck is off where the analyzer's patterns are not the ones it was read from.
"""
import collections
import gzip
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filters.pii.engine import LANGUAGE, build_analyzer
from filters.pii.pii_filter import PiiConfig, PiiDetector
from filters.pii.prechecks import PRECHECKS, PRESIDIO_FLAGS, Prechecks
from tests.conftest import shared_data

ANALYZER = build_analyzer()
EVERY_ENTITY = PiiConfig(redact_urls=True)          # every entity a config can ask for, URL included


def _recognizer_patterns():
    for entity in sorted(PRECHECKS):
        for recognizer in ANALYZER.registry.get_recognizers(language=LANGUAGE, entities=[entity]):
            for pattern in recognizer.patterns:
                yield entity, pattern.regex


PATTERNS = list(_recognizer_patterns())
# Noise around a match: the characters the prechecks look for, and others
NOISE = st.text(alphabet=st.sampled_from("0123456789.:-@/ aAfFkK9\u0663\u00a0\n_xohg"), max_size=12)


def test_every_precheck_is_on_for_the_installed_presidio():
    # A Presidio release that changes one of these patterns turns its precheck off (slower, never wrong): this
    # test says so, so that the precheck is read again from the new patterns.
    assert Prechecks.for_analyzer(ANALYZER, LANGUAGE).entities == frozenset(PRECHECKS)


@pytest.mark.parametrize("entity, pattern", PATTERNS, ids=[f"{e}-{i}" for i, (e, _) in enumerate(PATTERNS)])
def test_every_match_of_a_pattern_holds_its_precheck(entity, pattern):
    import regex
    matcher = regex.compile(pattern, PRESIDIO_FLAGS)
    precheck = regex.compile(PRECHECKS[entity][0], PRESIDIO_FLAGS)
    # hypothesis draws from Python's re syntax: Presidio's patterns are in it, lookbehinds aside
    generated = st.from_regex(re.compile(re.sub(r"\(\?<!\[[^\]]*\]\)", "", pattern), re.IGNORECASE),
                              fullmatch=True)

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(before=NOISE, middle=generated, after=NOISE)
    def check(before, middle, after):
        text = before + middle + after
        for match in matcher.finditer(text):
            assert precheck.search(match.group()), (entity, match.group())
    check()


@given(text=st.text(alphabet=st.sampled_from("0123456789.:- abcdefABCDEF9\u0663@\n"), max_size=60))
@settings(max_examples=400, deadline=None)
def test_a_window_whose_precheck_fails_gives_its_recognizer_nothing(text):
    prechecks = Prechecks.for_analyzer(ANALYZER, LANGUAGE)
    left_out = set(PRECHECKS) - set(prechecks.possible(list(PRECHECKS), text))
    if left_out:
        assert ANALYZER.analyze(text=text, language=LANGUAGE, entities=sorted(left_out)) == []


def _spans_both_ways(texts, lang="en"):
    with_prechecks = PiiDetector(EVERY_ENTITY, ANALYZER)
    assert with_prechecks.prechecks.entities == frozenset(PRECHECKS)
    without = PiiDetector(EVERY_ENTITY, ANALYZER, prechecks=False)
    assert without.prechecks.entities == frozenset()
    found = collections.Counter()
    for text in texts:
        spans = with_prechecks.spans(text, lang)
        assert spans == without.spans(text, lang), text[:200]
        found.update(span.entity for span in spans)
    return found


def test_the_spans_are_the_same_without_the_prechecks_on_synthetic_pii():
    path = shared_data("pii/presidio_research/generated_large.json")
    with open(path, encoding="utf-8") as handle:
        texts = [item["full_text"] for item in json.load(handle)]
    found = _spans_both_ways(texts)
    assert sum(found.values()) > 400
    assert {"IP_ADDRESS", "EMAIL_ADDRESS", "US_SSN", "IBAN_CODE"} <= set(found), found


def test_the_spans_are_the_same_without_the_prechecks_on_web_text():
    path = shared_data("web/dolma/CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle][:400]
    found = _spans_both_ways(texts)
    assert sum(found.values()) > 50, found


def test_made_up_pii_is_still_found_with_the_prechecks():
    text = ("host 10.0.0.12 and fe80::1ff:fe23:4567:890a, ssn 536-22-8726, mail a.b@example.org, "
            "key AKIAABCDEFGHIJKLMNOP, passport 912803456, nhs 943 476 5919")
    entities = {span.entity for span in PiiDetector(EVERY_ENTITY, ANALYZER).spans(text, "en")}
    assert {"IP_ADDRESS", "US_SSN", "EMAIL_ADDRESS", "AWS_ACCESS_KEY"} <= entities


def _hostname_as_ip():
    from presidio_analyzer import Pattern, PatternRecognizer
    return PatternRecognizer(supported_entity="IP_ADDRESS", name="HostnameAsIp",
                             patterns=[Pattern("host", r"\bhost-\w+", 0.9)], supported_language=LANGUAGE)


def test_a_precheck_is_off_where_the_analyzer_has_other_patterns():
    analyzer = build_analyzer()
    analyzer.registry.add_recognizer(_hostname_as_ip())
    prechecks = Prechecks.for_analyzer(analyzer, LANGUAGE)
    assert "IP_ADDRESS" not in prechecks.entities and "US_SSN" in prechecks.entities
    spans = PiiDetector(PiiConfig(), analyzer).spans("served by host-alpha today", "en")
    assert [(span.entity, span.start) for span in spans] == [("IP_ADDRESS", 10)]


def test_a_recognizer_added_after_the_detector_was_built_turns_its_precheck_off():
    detector = PiiDetector(PiiConfig())
    assert detector.spans("served by host-alpha today", "en") == []
    detector.analyzer.registry.add_recognizer(_hostname_as_ip())
    assert [span.entity for span in detector.spans("served by host-alpha today", "en")] == ["IP_ADDRESS"]


def test_a_recognizer_that_can_find_more_than_its_patterns_turns_its_precheck_off():
    from presidio_analyzer.predefined_recognizers import IpRecognizer

    class IpWithContext(IpRecognizer):
        def enhance_using_context(self, *args, **kwargs):
            return []

    analyzer = build_analyzer()
    analyzer.registry.remove_recognizer("IpRecognizer")
    analyzer.registry.add_recognizer(IpWithContext(supported_language=LANGUAGE))
    assert "IP_ADDRESS" not in Prechecks.for_analyzer(analyzer, LANGUAGE).entities
    analyzer = build_analyzer()
    ip = next(r for r in analyzer.registry.recognizers if "IP_ADDRESS" in r.supported_entities)
    ip.analyze = lambda *args, **kwargs: []
    assert "IP_ADDRESS" not in Prechecks.for_analyzer(analyzer, LANGUAGE).entities


def test_an_unknown_entity_left_alone_is_not_asked_for():
    # Presidio refuses a request that no recognizer serves; with e-mail left out by its precheck, only the
    # unknown name would be left.
    detector = PiiDetector(PiiConfig(entities=["EMAIL_ADDRESS", "NOT_AN_ENTITY"], english_entities=[]))
    assert detector.spans("hello world", "de") == []
    assert [span.entity for span in detector.spans("mail bob@example.com", "de")] == ["EMAIL_ADDRESS"]


# Letters whose case folding is special (Kelvin sign, long s, dotted and dotless i, a fullwidth A), hex
# letters, Arabic-Indic and fullwidth digits, and the characters the prechecks look for.
CASE_TRAPS = st.text(alphabet=st.sampled_from("0123456789\u0663\uff13.:-@/ \n\t_aAfFgGkK\u212a\u017fsS\u0130\u0131iI"
                                              "\uff21bBeEnNrRxXoOhHpPuUzZ-"), max_size=40)


@pytest.mark.parametrize("entity", sorted(PRECHECKS))
def test_a_precheck_compiled_without_case_folding_matches_where_the_folding_one_does(entity):
    import regex
    from filters.pii.prechecks import compile_precheck
    precheck = PRECHECKS[entity][0]
    used, folding = compile_precheck(precheck), regex.compile(precheck, PRESIDIO_FLAGS)

    @settings(max_examples=300, deadline=None)
    @given(text=CASE_TRAPS)
    def check(text):
        assert bool(used.search(text)) == bool(folding.search(text)), text
    check()
    # only the prechecks without letters lose the folding: the others must still match "akia", "-----begin "
    letters = {"AWS_ACCESS_KEY", "PRIVATE_KEY", "BEARER_TOKEN", "API_TOKEN"}
    assert bool(used.flags & regex.IGNORECASE) == (entity in letters)


def test_an_alternation_is_cut_only_at_its_top_level():
    from filters.pii.prechecks import top_level_alternatives
    assert top_level_alternatives(r"gh[pousr]_|xox[abprs]-|AIza") == ["gh[pousr]_", "xox[abprs]-", "AIza"]
    assert top_level_alternatives(r"a[|b]c|d\|e") == ["a[|b]c", r"d\|e"]        # in a class, escaped: kept
    assert top_level_alternatives(r"(a|b)c") == [r"(a|b)c"]                     # a group: left whole
    assert top_level_alternatives("@") == ["@"]
    # a class that opens with "]" or holds a class: left whole (found by a hostile review)
    assert top_level_alternatives(r"[]a|b]") == [r"[]a|b]"]
    assert top_level_alternatives(r"[[:alpha:]|x]") == [r"[[:alpha:]|x]"]


@given(text=CASE_TRAPS)
@settings(max_examples=300, deadline=None)
def test_searching_each_alternative_finds_a_match_exactly_where_the_alternation_does(text):
    import regex
    from filters.pii.prechecks import compile_precheck
    for precheck, _ in PRECHECKS.values():
        used = compile_precheck(precheck)
        whole = regex.compile(precheck, used.flags)
        assert bool(used.search(text)) == bool(whole.search(text)), (precheck, text)
