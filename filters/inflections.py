"""The usual inflected forms of a listed word, by simple suffix rules, for the languages that have them.

Word lists such as LDNOOBW hold base forms ("slur"), while text says "slurs"
and "slur's". Each rule below adds the regular plural (and, where a language
marks it with a suffix, the possessive) of a word: the forms a reader would
call the same word. Rules that need a dictionary (irregular plurals, German
umlauts, Slavic and Finnic case endings) are left out: a form that is not
made is missed, and a made-up form that no text contains costs nothing, but
a rule that makes another real word would drop clean pages. A phrase gets
the forms of its last word ("big tit" -> "big tits").

So a made form is kept only when it is not another word's form. simplemma's
dictionaries (a lemmatizer with the data in its package) say which word a
form belongs to: Italian "batteri" is "batterio" (bacteria), not "battere",
Dutch "poten" is "poot" (legs), not "pot"; such forms are dropped. Where the
form is the listed word's own plural but the plural takes its clean sense
("sexes", French "baisers", kisses), no dictionary can tell: those few are
listed by hand below, found by reading the forms made from the LDNOOBW lists
that occur in clean sentences (bench/filter_quality.py, "made forms in clean
text").
"""
from __future__ import annotations

from functools import lru_cache
from importlib.metadata import version

import simplemma

from tokenmill.user_cache import cache_key, cached_json

_VOWELS = "aeiouàáâãäåèéêëìíîïòóôõöùúûü"


def _english(word: str) -> set:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        plurals = {word + "es"}
    elif word.endswith("y") and len(word) > 1 and word[-2] not in _VOWELS:
        plurals = {word[:-1] + "ies", word + "s"}          # pussy -> pussies; "tranny" -> "trannys" is seen too
    else:
        plurals = {word + "s"}
    # "bitches'" needs no rule: a token's edge apostrophe is stripped before the lookup.
    return plurals | {word + "'s", word + "\u2019s"}


def _french(word: str) -> set:
    if word.endswith(("s", "x", "z")):
        return set()
    if word.endswith(("au", "eau", "eu")):
        return {word + "x"}
    if word.endswith("al"):
        return {word[:-2] + "aux", word + "s"}
    return {word + "s"}


_UNACCENTED = str.maketrans("áéíóú", "aeiou")


def _spanish(word: str) -> set:
    if word[-1] in "aeiouáéó":
        return {word + "s"}
    if word.endswith("z"):
        return {word[:-1] + "ces"}
    if word.endswith("s"):
        return set()
    if len(word) > 1 and word[-2] in "áéíóú":          # cabrón -> cabrones: the stress needs no accent now
        return {word[:-2] + word[-2].translate(_UNACCENTED) + word[-1] + "es"}
    return {word + "es"}


def _portuguese(word: str) -> set:
    if word.endswith("ão"):
        return {word[:-2] + "ões", word[:-2] + "ães", word + "s"}
    if word.endswith("m"):
        return {word[:-1] + "ns"}
    if word.endswith(("al", "el", "ol", "ul")):
        return {word[:-1] + "is"}
    if word.endswith(("r", "z")):
        return {word + "es"}
    if word.endswith("s"):
        return set()
    return {word + "s"}


def _italian(word: str) -> set:
    if word.endswith(("co", "go")):
        return {word[:-1] + "hi", word[:-1] + "i"}
    if word.endswith(("ca", "ga")):
        return {word[:-1] + "he"}
    if word.endswith("a"):
        return {word[:-1] + "e"}
    if word.endswith(("o", "e")):
        return {word[:-1] + "i"}
    return set()


def _dutch(word: str) -> set:
    if word.endswith(("el", "em", "en", "er", "je", "e")):
        return {word + "s", word + "n"} if word.endswith("e") else {word + "s"}
    if word[-1] in _VOWELS:
        return {word + "'s", word + "s"}
    return {word + "en", word + "s"}


def _german(word: str) -> set:
    if word.endswith("e"):
        return {word + "n"}
    if word.endswith(("el", "er")):
        return {word + "n", word + "s"}
    if word.endswith(("en", "chen", "lein")):
        return {word + "s"}
    return {word + "e", word + "en", word + "s", word + "es"}


def _esperanto(word: str) -> set:
    if word.endswith(("o", "a")):
        return {word + "j", word + "n", word + "jn"}
    return set()


# The listed word's own plural, read in its clean sense: (language, form).
CLEAN_PLURALS = frozenset({("en", "sexes"), ("fr", "baisers"), ("fr", "gerbes"), ("de", "rosetten")})


@lru_cache(maxsize=None)
def _lemma(word: str, lang: str) -> str:
    return simplemma.lemmatize(word, lang=lang).lower()


def another_words_form(form: str, entry: str, lang: str) -> bool:
    """True when the dictionary knows `form` as a form of a word other than `entry`."""
    if (lang, form) in CLEAN_PLURALS:
        return True
    if not simplemma.is_known(form, lang=lang):
        return False
    return _lemma(form, lang) not in (entry, _lemma(entry, lang))


RULES = {"en": _english, "fr": _french, "es": _spanish, "pt": _portuguese, "it": _italian, "nl": _dutch,
         "de": _german, "eo": _esperanto}


def inflected_forms(entry: str, lang: str) -> set:
    """The entry's inflected forms in `lang` (an empty set where no rule is kept for the language)."""
    rule = RULES.get(lang)
    words = entry.split()
    if rule is None or not words or not words[-1][-1:].isalpha():
        return set()
    head, last = " ".join(words[:-1]), words[-1]
    return {f"{head} {form}" if head else form for form in rule(last)
            if not another_words_form(form, last, lang)} - {entry}


def with_inflected_forms(entries: list, lang: str) -> list:
    """The entries and all their inflected forms in `lang`, sorted.

    Cached on disk by the entries, the language, simplemma's version and this file's text: loading
    simplemma's dictionaries for the eight languages takes about 4 s of CPU and 400 MB in every process
    that builds the word lists, for the same few hundred forms each time."""
    unique = sorted(set(entries))
    with open(__file__, "rb") as source:
        rules = source.read().decode("utf-8")
    key = cache_key("inflections", version("simplemma"), rules, lang, unique)
    return cached_json("inflections", key, lambda: sorted(set(unique).union(
        *(inflected_forms(entry, lang) for entry in unique))))
