"""What the quality and unsafe-word rules remove on real data.

    python bench/filter_quality.py

1. The 697 Common Crawl documents of ../shared/data/web/dolma: language ID,
   then the fraction each quality rule removes on its own, and the funnel when
   the rule sets run in order.
2. Davidson et al.'s 24,783 labelled tweets: precision and recall of the
   LDNOOBW word-list rule (offensive or hate vs neither, and recall of the
   hate class alone) at several page rules, without and with inflected
   forms, beside the share of the dolma pages each rule drops (the cost on
   long web pages, and of those that pass the default quality stage: what
   a page rule changes in the default pipeline). alt-profanity-check was
   trained on this data, so it is not scored here.
3. Made forms in clean text: the inflected forms made from the LDNOOBW
   lists (those not listed themselves) found in lingua's clean web
   sentences of each language with a rule, before (every rule's form, and
   the English list's forms in every language) and after (forms that the
   dictionary gives to another word dropped, and forms only in their own
   language's documents).
Writes bench/out/filter_quality.json.
"""
from __future__ import annotations

import collections
import csv
import gzip
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from measure import print_table, write_json  # noqa: E402

from corpus.document import Document, Drop  # noqa: E402
from corpus.normalize import normalize_text  # noqa: E402
from filters.language import LanguageConfig, LanguageFilter  # noqa: E402
from filters.quality.c4_lines import C4Config, c4_lines  # noqa: E402
from filters.quality.fineweb_lines import FineWebConfig, fineweb_lines  # noqa: E402
from filters.quality.gopher_quality import GopherQualityConfig, gopher_quality  # noqa: E402
from filters.quality.gopher_repetition import GopherRepetitionConfig, gopher_repetition  # noqa: E402
from filters.quality.quality_filter import QualityConfig, QualityFilter  # noqa: E402
from filters.quality.text_view import TextView  # noqa: E402
from filters.inflections import RULES, inflected_forms  # noqa: E402
from filters.unsafe_words import _EDGE_PUNCTUATION, UnsafeWordsConfig, UnsafeWordsFilter, load_word_lists  # noqa: E402


SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
DOLMA = os.path.join(SHARED, "web", "dolma", "CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz")
DAVIDSON = os.path.join(SHARED, "unsafe", "davidson_hate_offensive", "labeled_data.csv")
LDNOOBW = os.path.join(SHARED, "unsafe", "ldnoobw")
LINGUA = os.path.join(SHARED, "langid", "lingua_testdata")
RULE_SETS = {
    "gopher_repetition": lambda view: gopher_repetition(view, GopherRepetitionConfig()),
    "gopher_quality": lambda view: gopher_quality(view, GopherQualityConfig()),
    "c4": lambda view: c4_lines(view, C4Config()),
    "fineweb": lambda view: fineweb_lines(view, FineWebConfig()),
}


def dolma_documents() -> list:
    language = LanguageFilter(LanguageConfig())
    docs = []
    with gzip.open(DOLMA, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            doc = Document(str(number), normalize_text(json.loads(line)["text"]), "dolma")
            docs.append(language(doc))
    return docs


def rule_fractions(docs: list) -> dict:
    """Each rule set alone, on every document: which rule fires, and how often."""
    alone = {}
    for name, rule in RULE_SETS.items():
        reasons = collections.Counter()
        for doc in docs:
            result = rule(TextView(doc.text, doc.annotations["lang"]))
            if isinstance(result, Drop):
                reasons[result.reason] += 1
        alone[name] = {"removed": sum(reasons.values()) / len(docs), "by_rule": {
            reason: count / len(docs) for reason, count in reasons.most_common()}}
    return alone


def funnel(docs: list) -> dict:
    quality = QualityFilter(QualityConfig())
    reasons = collections.Counter()
    for doc in docs:
        result = quality(Document(doc.id, doc.text, doc.source, annotations=dict(doc.annotations)))
        reasons[result.reason if isinstance(result, Drop) else "kept"] += 1
    return {reason: count / len(docs) for reason, count in reasons.most_common()}


# (name, min_hits, max_hit_ratio): C4's rule, counts, and counts or a share of the words.
PAGE_RULES = [("min_hits=1 (C4)", 1, 0.0), ("min_hits=2", 2, 0.0), ("min_hits=3", 3, 0.0),
              ("min_hits=3 or 1 word in 20", 3, 0.05), ("min_hits=3 or 1 word in 10", 3, 0.1)]


def davidson_scores(dolma: list) -> list:
    """Precision and recall on the tweets, the share of clean tweets dropped, and the share of real web
    pages dropped (all of them, and those the default quality stage keeps), per page rule, with and
    without inflected forms."""
    with open(DAVIDSON, encoding="utf-8") as handle:
        tweets = [(row["tweet"], row["class"] != "2", row["class"] == "0") for row in csv.DictReader(handle)]
    quality = QualityFilter(QualityConfig())
    kept = [doc for doc in dolma if not isinstance(
        quality(Document(doc.id, doc.text, doc.source, annotations=dict(doc.annotations))), Drop)]
    rows = []
    for inflections in (False, True):
        lists = load_word_lists(LDNOOBW, inflections)
        for name, min_hits, ratio in PAGE_RULES:
            unsafe = UnsafeWordsFilter(UnsafeWordsConfig(lists=LDNOOBW, min_hits=min_hits, max_hit_ratio=ratio,
                                                         inflections=inflections), lists)
            tp = fp = fn = hate_found = hate = 0
            for text, offensive, hateful in tweets:
                flagged = isinstance(unsafe(Document("t", text, "davidson", annotations={"lang": "en"})), Drop)
                tp += flagged and offensive
                fp += flagged and not offensive
                fn += offensive and not flagged
                hate += hateful
                hate_found += hateful and flagged
            pages, after_quality = (sum(isinstance(unsafe(Document(doc.id, doc.text, doc.source,
                                                                   annotations=dict(doc.annotations))), Drop)
                                            for doc in docs) for docs in (dolma, kept))
            precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
            clean = sum(not offensive for _, offensive, _ in tweets)
            rows.append({"inflections": inflections, "rule": name, "precision": precision, "recall": recall,
                         "f1": 2 * precision * recall / max(precision + recall, 1e-9),
                         "hate_recall": hate_found / max(hate, 1), "tweets": len(tweets),
                         "clean_tweets_dropped": fp / max(clean, 1), "dolma_pages_dropped": pages / len(dolma),
                         "dolma_pages_after_quality": len(kept),
                         "dolma_pages_after_quality_dropped": after_quality})
    return rows


def made_forms_in_clean_text() -> list:
    """Per language with a rule: clean lingua sentences that hold a made form (one not listed), before and
    after. Before: every form a suffix rule makes, and the English list's forms too (also_check: [en]).
    After: inflected_forms as the word lists use them, the English forms in English sentences only."""
    plain = load_word_lists(LDNOOBW, inflect=False)
    rows = []
    for lang in RULES:
        path = os.path.join(LINGUA, lang, "sentences.txt")
        if lang not in plain or not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as handle:
            sentences = [line for line in handle.read().splitlines() if line.strip()]
        listed = plain[lang].words | plain["en"].words
        sources = [(lang, plain[lang].words)] + ([("en", plain["en"].words)] if lang != "en" else [])
        before = {form for code, words in sources for entry in words for form in RULES[code](entry)} - listed
        after = {form for entry in plain[lang].words for form in inflected_forms(entry, lang)} - listed
        counts = {}
        for name, forms in (("before", before), ("after", after)):
            found = collections.Counter()
            for sentence in sentences:
                hits = {token.strip(_EDGE_PUNCTUATION) for token in sentence.lower().split()} & forms
                found.update(hits)
            counts[name] = (sum(found.values()), found.most_common(8))
        rows.append({"lang": lang, "sentences": len(sentences), "hits_before": counts["before"][0],
                     "hits_after": counts["after"][0], "forms_before": counts["before"][1],
                     "forms_after": counts["after"][1]})
    return rows


def main() -> None:
    docs = dolma_documents()
    languages = collections.Counter(doc.annotations["lang"] for doc in docs)
    alone, in_order = rule_fractions(docs), funnel(docs)
    print(f"dolma: {len(docs)} documents; languages: {dict(languages.most_common(6))}")
    rows = [{"rule set": name, "rule": reason, "fraction removed alone": fraction}
            for name, result in alone.items() for reason, fraction in result["by_rule"].items()]
    print_table(rows, ["rule set", "rule", "fraction removed alone"])
    print("in order (FineWeb's): " + ", ".join(f"{k} {v:.3f}" for k, v in in_order.items()))
    unsafe = davidson_scores(docs)
    print_table(unsafe, ["inflections", "rule", "precision", "recall", "f1", "hate_recall", "clean_tweets_dropped",
                         "dolma_pages_dropped", "dolma_pages_after_quality", "dolma_pages_after_quality_dropped"])
    made = made_forms_in_clean_text()
    print_table(made, ["lang", "sentences", "hits_before", "hits_after", "forms_before", "forms_after"])
    write_json(os.path.join(os.path.dirname(__file__), "out", "filter_quality.json"),
               {"dolma_languages": dict(languages), "rule_sets_alone": alone, "funnel_in_order": in_order,
                "davidson_word_list": unsafe, "made_forms_in_clean_text": made})


if __name__ == "__main__":
    main()
