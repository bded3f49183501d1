"""Unsafe-content word lists per language (LDNOOBW's layout: one file per language code).

Languages written with spaces are matched on word boundaries: the document's
whitespace tokens, stripped of punctuation at their ends, are looked up in a
set (a set intersection first, so a clean page costs one pass in C), and
phrases are looked up only where a phrase's first word occurs. Listed words
also match their plural and possessive forms in the languages that have a
simple rule for them (inflections.py), in documents of that language only:
English "negros" is Spanish for "black ones". Languages without spaces are
matched as substrings. A page is dropped when its hits reach `min_hits` (3),
or, when `max_hit_ratio` is set, when their share of words reaches it (off
by default: after the quality stage, which drops texts under 50 words, it
changes nothing, and without that stage it drops clean short texts); C4's
rule ("any listed word drops the page") is min_hits 1. docs/filters.md has
the measurement behind the defaults.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Union

from corpus.document import Document, Drop
from filters.inflections import with_inflected_forms
from filters.quality.text_view import NO_SPACE_LANGUAGES
from filters.side_files import SideFile, read_local_tree
from filters.word_lists import alternation_pattern, parse_entries
from tokenmill.option_checks import OptionChecks

# Punctuation stripped from the ends of whitespace tokens ("heck," -> "heck");
# inner punctuation stays, so listed words such as "g-spot" and "s&m" still match.
_EDGE_PUNCTUATION = "".join(chr(c) for c in range(0x21, 0x7F) if not chr(c).isalnum()) + "“”‘’«»…–—¡¿、。，！？"
MAX_PHRASE_WORDS = 3
# Hits per list are stored under the list's code for the lists of `also_check`, and under this name for
# the list of the document's own language (annotations["lang"]) when that is not one of them.
OWN_LANGUAGE_LIST = "document_language"
# The annotations the stage writes, and the only ones (pipelines/memo_forms.py keeps its results by them).
HITS, HITS_BY_LIST = "unsafe_word_hits", "unsafe_word_hits_by_list"
ANNOTATIONS = (HITS, HITS_BY_LIST)


@dataclass(frozen=True)
class UnsafeWordsConfig:
    enabled: bool = True
    lists: str = ""                  # folder in LDNOOBW's layout, one file per language
    min_hits: int = 3
    inflections: bool = True         # also match plurals and possessives (filters/inflections.py)
    max_hit_ratio: float = 0.0       # > 0: also drop when hits / words reaches this (0.05: one word in 20)
    also_check: list = field(default_factory=lambda: ["en"])   # lists applied to every language
    unknown_language: str = "en"     # the list for documents without a language annotation

    def problems(self, where: str = "unsafe_words") -> list:
        check = OptionChecks(self, where)
        check.at_least("min_hits", 1)
        check.fraction("max_hit_ratio")
        return check.problems


class LanguageWordList:
    def __init__(self, entries: list, spaced: bool, lang: str = "", inflect: bool = False):
        """`inflect`: add each entry's inflected forms in `lang` (spaced languages only); `listed` then
        holds the entries alone, for documents of other languages."""
        self.spaced, self.listed = spaced, self
        if inflect and spaced:
            self.listed = LanguageWordList(entries, spaced)
            entries = with_inflected_forms(entries, lang)
        self.words = frozenset(e for e in entries if " " not in e)
        self.phrases = frozenset(" ".join(e.split()) for e in entries if " " in e)
        self.phrase_starts = frozenset(phrase.split()[0] for phrase in self.phrases)
        self.pattern = None if spaced else alternation_pattern(entries)

    def hits(self, text_lower: str, words: list) -> list:
        if not self.spaced:
            return self.pattern.findall(text_lower) if self.pattern else []
        found = []
        if not self.words.isdisjoint(words):
            found = [word for word in words if word in self.words]
        starts = self.phrase_starts
        if starts.isdisjoint(words):
            return found
        for i in (i for i, word in enumerate(words) if word in starts):
            for size in range(2, MAX_PHRASE_WORDS + 1):
                candidate = " ".join(words[i:i + size])
                if candidate in self.phrases:
                    found.append(candidate)
        return found


# LDNOOBW names each file by its language code; regional files (fr-CA-u-sd-caqc) join their language.
LIST_FILE_NAME = r"[a-z]{2,3}(-[A-Za-z0-9-]+)?"


def side_files(config: UnsafeWordsConfig) -> list:
    return [SideFile("unsafe_words.lists", config.lists, True, LIST_FILE_NAME)] if config.lists else []


def word_lists_from_tree(tree: dict, inflect: bool = True) -> dict:
    """Language code -> LanguageWordList, from a folder's tree (top-level files named by language)."""
    entries_by_lang: dict = {}
    for name in sorted(tree):
        if re.fullmatch(LIST_FILE_NAME, name):
            entries_by_lang.setdefault(name.split("-")[0], set()).update(parse_entries(tree[name]))
    return {lang: LanguageWordList(sorted(entries), spaced=lang not in NO_SPACE_LANGUAGES, lang=lang,
                                   inflect=inflect)
            for lang, entries in entries_by_lang.items()}


def load_word_lists(folder: str, inflect: bool = True) -> dict:
    """From a local folder: for notebooks, tests and benchmarks (a run reads its side files through Beam)."""
    return word_lists_from_tree(read_local_tree(folder), inflect)


def hit_list_names(config: UnsafeWordsConfig) -> list:
    """The keys of annotations["unsafe_word_hits_by_list"] a document can have under `config`."""
    return [*dict.fromkeys(config.also_check), OWN_LANGUAGE_LIST]


class UnsafeWordsFilter:
    """`lists`: the parsed word lists of `config.lists` (word_lists_from_tree); none when it is empty."""

    def __init__(self, config: UnsafeWordsConfig, lists: Optional[dict] = None):
        if config.lists and lists is None:
            raise ValueError("UnsafeWordsFilter takes the word lists of unsafe_words.lists, parsed "
                             "(word_lists_from_tree or load_word_lists), not their path")
        self.config = config
        self.lists = lists or {}

    def __call__(self, doc: Document) -> Union[Document, Drop]:
        lang = doc.annotations.get("lang") or self.config.unknown_language
        by_list, words = self.hits_by_list(doc.text, lang)
        hits = [hit for found in by_list.values() for hit in found]
        if not by_list:         # no list applies: nothing was looked for, so the count stays null, not 0
            return doc
        doc.annotations[HITS] = len(hits)
        doc.annotations[HITS_BY_LIST] = {
            code if code in self.config.also_check else OWN_LANGUAGE_LIST: len(found)
            for code, found in by_list.items()}
        if not hits:
            return doc
        ratio = len(hits) / max(words, 1)
        if len(hits) >= self.config.min_hits or (self.config.max_hit_ratio and ratio >= self.config.max_hit_ratio):
            return Drop("unsafe_words", ", ".join(sorted(set(hits))[:5]))
        return doc

    def hits_by_list(self, text: str, lang: str) -> tuple:
        """({list code: the listed words and phrases it found}, the number of words in the text), for
        each list that applies and exists: the document's language's, then those of `also_check`.

        A text written without spaces counts its characters as words: its few whitespace tokens
        would make one hit look like a large share of it."""
        lowered = text.lower()
        words = [token.strip(_EDGE_PUNCTUATION) for token in lowered.split()]
        found = {}
        for code in dict.fromkeys([lang, *self.config.also_check]):
            word_list = self.lists.get(code)
            if word_list:
                found[code] = (word_list if code == lang else word_list.listed).hits(lowered, words)
        return found, sum(map(len, words)) if lang in NO_SPACE_LANGUAGES else len(words)
