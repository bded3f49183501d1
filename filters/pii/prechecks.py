"""What a recognizer's patterns cannot match without: a window that lacks it is not given to the recognizer.

Presidio runs every requested recognizer over every window of text, and most
windows of web text hold nothing most of them could match: no dotted quad for
the IP recognizer, no run of eight digits for the passport and bank-number
recognizers. Each precheck below is read off one entity's patterns: every match
of every one of them contains a substring the precheck matches. Where the
precheck finds nothing the recognizer would report nothing, so leaving its
entity out of that window's request changes no span.

A precheck holds only for the patterns it was read from. Each names the digest
of those patterns, and `Prechecks.for_analyzer` turns off the precheck of any
entity whose recognizers in the analyzer are not exactly those patterns (another
Presidio release, a custom analyzer), which then runs as before. The prechecks
are compiled with the `regex` module and the flags Presidio compiles patterns
with, so `\\d`, character classes and case folding mean what they mean there.
tests/filters/test_pii_prechecks.py checks each precheck against its recognizer.
"""
from __future__ import annotations

import hashlib

import regex

PRESIDIO_FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE    # PatternRecognizer's global_regex_flags

# entity -> (precheck, digest of the entity's pattern regexes, sorted and joined by line breaks)
PRECHECKS = {
    # every IPv4 form holds a dotted quad of 1-3 digit octets; every IPv6 form two colons with at most
    # four hex digits between them ("::" included)
    "IP_ADDRESS": (r"[0-9]\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]|:[0-9A-Fa-f]{0,4}:", "fe3413dcbe29acc7"),
    # every SSN form is 9 digits grouped 5-4, 3-6, 3-2-4, 3.2.4, 3 2 4 or not at all
    "US_SSN": (r"[0-9]{3}[- .]?[0-9]{2}[- .]?[0-9]{4}", "57993c1316987eee"),
    "US_PASSPORT": (r"[0-9]{8}", "4d39378952a1fd07"),                        # 9 digits, or a letter and 8
    "US_BANK_NUMBER": (r"[0-9]{8}", "77ff5492baf67207"),                     # 8 to 17 digits
    "UK_NHS": (r"[0-9]{3}[- ]?[0-9]{3}[- ]?[0-9]{4}", "d813b701023b5188"),   # its pattern, without \b
    "US_ITIN": (r"9\d{2}[- ]?\d{2}[- ]?\d{4}", "8e00f2b5a45272e4"),          # 9dd, 2 digits, 4, maybe separated
    "EMAIL_ADDRESS": (r"@", "f4644825e08ce16b"),
    "AWS_ACCESS_KEY": (r"AKIA|ASIA", "7f8a678753a46ba3"),
    "PRIVATE_KEY": (r"-----BEGIN ", "7c8cbc035752dba5"),
    "BEARER_TOKEN": (r"bearer\s", "4075ca9aeee09350"),
    "URL_PASSWORD": (r"://", "650bbbca3010e10f"),
    "API_TOKEN": (r"gh[pousr]_|xox[abprs]-|AIza", "bd86ab16c2ec8bb5"),
    # a 1 or 3 (bc1's 1 included) and 25 more of the address alphabet: word characters, whatever the case
    "CRYPTO": (r"[13]\w{25}", "9d9a993fd6aee894"),
}


# A precheck with no letter (\d, \s and \w aside: a character whose other case is a word character is one
# too), or only a class that already holds both cases, matches the same with and without case folding: it is
# compiled without it, which the regex module searches up to 7x faster (the digit prechecks; 1x for
# IP_ADDRESS and ://; 3.5x for CRYPTO).
_CASELESS_PARTS = regex.compile(r"\\[dDsSwW]|A-Fa-f")


def compile_precheck(precheck: str):
    folds = any(char.isalpha() for char in _CASELESS_PARTS.sub("", precheck))
    flags = PRESIDIO_FLAGS if folds else PRESIDIO_FLAGS & ~regex.IGNORECASE
    alternatives = top_level_alternatives(precheck)
    if len(alternatives) == 1:
        return regex.compile(precheck, flags)
    return AnyOf([regex.compile(alternative, flags) for alternative in alternatives], flags)


def top_level_alternatives(pattern: str) -> list:
    """`pattern` cut at each `|` outside a character class; [pattern] when it holds a group, where a `|`
    may belong to the group, or a class that opens with `]` or holds a class (`[]a|b]`, `[[:alpha:]|x]`),
    which this reading does not follow (the prechecks have none of them). Left whole, a pattern is only
    searched more slowly."""
    if "(" in pattern or any(mark in pattern for mark in ("[]", "[^]", "[[", "[^[")):
        return [pattern]
    alternatives, current, in_class, escaped = [], "", False, False
    for char in pattern:
        if escaped:
            current, escaped = current + char, False
            continue
        if char == "|" and not in_class:
            alternatives.append(current)
            current = ""
            continue
        escaped = char == "\\"
        in_class = (in_class and char != "]") or (not in_class and char == "[")
        current += char
    return alternatives + [current]


class AnyOf:
    """A search for any of several patterns, each on its own: the regex module scans an alternation
    position by position (IP_ADDRESS's took 28 us a document of real web text, its halves 2.3 us in all),
    where each pattern alone is found by its own fast scan. Found somewhere exactly when the alternation
    is, since a precheck only asks whether anything matches."""

    def __init__(self, compiled: list, flags: int):
        self._compiled, self.flags = compiled, flags

    def search(self, text: str):
        for pattern in self._compiled:
            found = pattern.search(text)
            if found:
                return found
        return None


def patterns_digest(regexes) -> str:
    return hashlib.sha256("\n".join(sorted(regexes)).encode("utf-8")).hexdigest()[:16]


def entity_patterns(analyzer, entity: str, language: str):
    """The regexes of every recognizer of `entity` in `analyzer`, or None when one of them is not a pure
    pattern recognizer (it may find what no pattern matched: its own analysis, a deny list, context that
    adds results) or compiles its patterns with other flags."""
    regexes = []
    for recognizer in analyzer.registry.get_recognizers(language=language, entities=[entity]):
        patterns = getattr(recognizer, "patterns", None)
        if not patterns or not _only_patterns(recognizer) or recognizer.global_regex_flags != PRESIDIO_FLAGS:
            return None
        regexes += [pattern.regex for pattern in patterns]
    return regexes or None


def _only_patterns(recognizer) -> bool:
    from filters.pii.engine import PatternRecognizer    # through engine.py, which keeps tldextract offline
    own = vars(recognizer)
    return (not getattr(recognizer, "deny_list", None) and "analyze" not in own and "enhance_using_context" not in own
            and type(recognizer).analyze is PatternRecognizer.analyze
            and type(recognizer).enhance_using_context is PatternRecognizer.enhance_using_context)


def analyzer_state(analyzer) -> tuple:
    """What the prechecks were read from: each recognizer and its patterns (a change means reading them again)."""
    return tuple((id(recognizer), tuple(pattern.regex for pattern in getattr(recognizer, "patterns", None) or ()))
                 for recognizer in analyzer.registry.recognizers)


class Prechecks:
    """The entities worth asking for in one window of text."""

    def __init__(self, compiled: dict, served: frozenset):
        self._compiled, self._served = compiled, served

    @classmethod
    def for_analyzer(cls, analyzer, language: str, on: bool = True) -> "Prechecks":
        """`on` False: none, every entity is asked for (what they are measured and tested against)."""
        compiled = {}
        for entity, (precheck, digest) in PRECHECKS.items() if on else ():
            regexes = entity_patterns(analyzer, entity, language)
            if regexes is not None and patterns_digest(regexes) == digest:
                compiled[entity] = compile_precheck(precheck)
        served = frozenset(entity for recognizer in analyzer.registry.recognizers
                           for entity in recognizer.supported_entities)
        return cls(compiled, served)

    @property
    def entities(self) -> frozenset:
        """The entities whose precheck is on."""
        return frozenset(self._compiled)

    def possible(self, entities: list, window: str) -> list:
        """`entities` less those whose precheck finds nothing in `window`, in their order; empty when no
        recognizer serves any that is left (Presidio would refuse the request, and could find nothing)."""
        compiled = self._compiled
        left = [entity for entity in entities if entity not in compiled or compiled[entity].search(window)]
        return left if any(entity in self._served for entity in left) else []
